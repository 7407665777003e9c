"""Test helpers shared across the suite.

- ``make_youth``, ``make_unit``, ``make_team``, ``make_case``: domain objects with sensible
  defaults (override any field by keyword).
- ``write_folder``: a case written by ``write_case``, with whole files replaced by text.
- ``youth_row``, ``unit_row``, ``team_row``, ``quota_row`` and ``write_csvs``: raw CSV rows as
  ``dict[str, str]`` and a folder written from them, for testing the reader on exact cell text.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from solver.caseio.write import write_case
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
    """A case of the given entities (default: one ``make_youth()`` and one ``make_unit()``,
    no teams or quotas) under ``Policy(run_date=RUN_DATE, **policy)``."""
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


# --------------------------------------------------------------------------- raw CSV rows


def youth_row(**overrides: str) -> dict[str, str]:
    """A valid youths.csv row with the required columns only: the same youth as
    ``make_youth()``. Overrides add or replace cells (all text)."""
    row = {
        "ref": "Y1",
        "birth_date": "2005-06-01",
        "referred_on": "2025-11-01",
        "situation": "couch",
        "income_type": "cash_benefit",
        "support_method": "none",
    }
    return row | overrides


def unit_row(**overrides: str) -> dict[str, str]:
    """A valid units.csv row: the same dwelling as ``make_unit()``."""
    row = {
        "ref": "U1",
        "organisation": "BoligA",
        "area": "Centrum",
        "dwelling_type": "youth",
        "rooms": "1",
        "rent": "2800",
        "utilities": "200",
        "available_from": RUN_DATE.isoformat(),
    }
    return row | overrides


def team_row(**overrides: str) -> dict[str, str]:
    """A valid support.csv row: the same team as ``make_team()``."""
    return {"team": "CTI-1", "method": "CTI", "workers": "1", "current_caseload": "9"} | overrides


def quota_row(**overrides: str) -> dict[str, str]:
    """A valid quotas.csv row: BoligA's youth dwellings, 8 vacancies, none claimed."""
    row = {"organisation": "BoligA", "dwelling_type": "youth", "vacancies": "8", "claimed": "0"}
    return row | overrides


def write_csvs(
    folder: Path,
    *,
    youths: Sequence[dict[str, str]] | None = None,
    units: Sequence[dict[str, str]] | None = None,
    support: Sequence[dict[str, str]] | None = None,
    quotas: Sequence[dict[str, str]] | None = None,
    policy: str | None = None,
    sep: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write a case folder from raw rows and return it.

    The header is every key of the rows in order of first appearance (a row without a key has
    an empty cell there; an empty list writes the header of the default row only). ``youths``
    and ``units`` default to one valid row each; ``support``, ``quotas`` and ``policy`` (TOML
    text) are written only when given. ``encoding="utf-8-sig"`` adds a byte-order mark.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "youths.csv": (youths, youth_row),
        "units.csv": (units, unit_row),
        "support.csv": (support, team_row),
        "quotas.csv": (quotas, quota_row),
    }
    for name, (rows, default) in tables.items():
        if rows is None:
            if name in ("support.csv", "quotas.csv"):
                continue
            rows = [default()]
        header = list(dict.fromkeys(k for row in rows for k in row)) or list(default())
        with (folder / name).open("w", newline="", encoding=encoding) as fh:
            writer = csv.DictWriter(fh, header, delimiter=sep, restval="")
            writer.writeheader()
            writer.writerows(rows)
    if policy is not None:
        (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder
