"""Factories for domain objects and case folders with sensible defaults (override any field)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from solver.case import write_case
from solver.domain import (
    Case,
    DwellingType,
    IncomeType,
    Policy,
    QuotaGroup,
    Situation,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)

RUN_DATE = date(2026, 11, 23)


def make_youth(ref: str = "Y1", **overrides: Any) -> Youth:
    """A 21-year-old on cash benefits, referred a year ago, no pet, no support method."""
    base = Youth(
        ref=ref,
        birth_date=date(2005, 6, 1),
        referred_on=date(2025, 11, 1),
        situation=Situation.COUCH,
        income_type=IncomeType.CASH_BENEFIT,
        support_method=SupportMethod.NONE,
    )
    return replace(base, **overrides)


def make_unit(ref: str = "U1", **overrides: Any) -> Unit:
    """A one-room youth dwelling at 2,800 + 200 kr, available on the run date, no pets."""
    base = Unit(
        ref=ref,
        organisation="BoligA",
        department="BoligA",
        area="Centrum",
        dwelling_type=DwellingType.YOUTH,
        rooms=1,
        rent=2800,
        utilities=200,
        available_from=RUN_DATE,
    )
    return replace(base, **overrides)


def make_team(team: str = "CTI-1", **overrides: Any) -> SupportTeam:
    """A CTI team of 1 worker with one free slot (cap 10, caseload 9)."""
    base = SupportTeam(team=team, method=SupportMethod.CTI, workers=1, current_caseload=9)
    return replace(base, **overrides)


def make_case(
    youths: list[Youth] | None = None,
    units: list[Unit] | None = None,
    teams: list[SupportTeam] | None = None,
    quotas: list[QuotaGroup] | None = None,
    **policy: Any,
) -> Case:
    return Case(
        youths=tuple(youths if youths is not None else [make_youth()]),
        units=tuple(units if units is not None else [make_unit()]),
        teams=tuple(teams or ()),
        quotas=tuple(quotas or ()),
        policy=Policy(run_date=RUN_DATE, **policy),
    )


def write_folder(folder: Path, case: Case | None = None, **edits: str) -> Path:
    """Write ``case`` (default: ``make_case()``) as a folder; ``edits`` replace whole files by
    name with ``.`` for the suffix dot (``youths_csv="..."``)."""
    write_case(case or make_case(), folder)
    for name, text in edits.items():
        (folder / name.replace("_csv", ".csv").replace("_toml", ".toml")).write_text(text)
    return folder
