"""Explanations claim optimality only when the run proved it (issue 15)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import numpy as np
import pytest
from ortools.sat.python import cp_model

from solver.core import cpsat, relaxation
from solver.core.problem import MatchResult, SolveParams, Status
from solver.core.relaxation import Verdict
from solver.core.solve import solve
from solver.domain import DwellingType, IncomeType, Pet, PetPolicy, QuotaGroup, SupportMethod
from solver.engine.build import build_problem
from solver.engine.explain import explain_unmatched
from solver.engine.week import run_case

from ..helpers import RUN_DATE, make_case, make_team, make_unit, make_youth


def _lowers_count_case():  # the case of test_youth_whose_housing_would_lower_the_count_is_told_so
    team = make_team(current_caseload=9)  # one free slot
    su = {"income_type": IncomeType.SU}
    a = make_youth("A", referred_on=RUN_DATE - timedelta(days=300), pet=Pet.SMALL_DOG,
                   support_method=SupportMethod.CTI, support_team=team.team, **su)  # fmt: skip
    b = make_youth("B", referred_on=RUN_DATE - timedelta(days=200), pet=Pet.LARGE_DOG, **su)
    c = make_youth("C", referred_on=RUN_DATE - timedelta(days=100),
                   support_method=SupportMethod.CTI, support_team=team.team)  # fmt: skip
    units = [make_unit("U1", pets=PetPolicy.ALL, benefit_restricted=True), make_unit("U2")]
    return make_case([a, b, c], units, [team])


def test_a_proven_run_says_lowers_housed_count() -> None:
    """The control: proven optimal, A is told housing A would lower the count."""
    case = _lowers_count_case()
    week = build_problem(case)
    result = solve(week.problem)
    assert result.status is Status.OPTIMAL
    reasons = {u.youth_ref: u.reason for u in explain_unmatched(case, week, result)}
    assert reasons == {"A": "lowers_housed_count"}


def test_an_unproven_run_never_says_lowers_housed_count() -> None:
    """The same allocation, not proven (a time-out): the reason says the run did not settle it,
    in both languages, and claims nothing about the count."""
    case = _lowers_count_case()
    week = build_problem(case)
    result = dataclasses.replace(solve(week.problem), status=Status.FEASIBLE)
    (miss,) = explain_unmatched(case, week, result)
    assert (miss.youth_ref, miss.reason) == ("A", "not_decided_in_time")
    assert "not proven optimal" in miss.detail("en")
    assert "ikke bevist optimal" in miss.detail("da")


def test_a_youth_whose_housing_would_raise_the_count_is_not_told_it_lowers_it() -> None:
    """An unproven allocation housing nobody while a youth fits a free dwelling (what a time-out
    returned before issue 15): housing the youth raises the count, so no lowers_housed_count."""
    case = make_case([make_youth("Y1")], [make_unit("U1")])
    week = build_problem(case)
    assert week.problem.n_arcs == 1
    empty = MatchResult(
        status=Status.FEASIBLE,
        arcs=np.zeros(0, dtype=np.int64),
        housed=0,
        priority_signature=(),
        fit_cost=0,
        solver_path="flow+cpsat",
        proven={"stage1": False, "stage2": False, "stage3": False},
    )
    (miss,) = explain_unmatched(case, week, empty)
    assert miss.reason != "lowers_housed_count"
    assert miss.reason == "not_decided_in_time"


def test_time_out_on_the_side_path_houses_youths_and_claims_no_optimality(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """End to end through the engine, every solve timing out (mocked: neither the LP
    relaxation nor CP-SAT finds anything): the week still houses youths (the network allocation
    repaired to keep the department limit), says FEASIBLE with its gap, and no explanation
    claims optimality."""
    monkeypatch.setattr(
        cpsat.AllocationModel, "solve", lambda self, limit: (cp_model.UNKNOWN, None)
    )
    monkeypatch.setattr(
        relaxation.Relaxation, "solve", lambda self, limit: relaxation.Answer(Verdict.UNKNOWN)
    )
    units = [
        make_unit("U1", department="D1", rent=2000),
        make_unit("U2", department="D1", dwelling_type=DwellingType.FAMILY),
        make_unit("U3", department="D2"),
    ]
    youths = [make_youth(f"Y{i}", referred_on=RUN_DATE - timedelta(days=50 - i)) for i in range(3)]
    quota = QuotaGroup("BoligA", DwellingType.YOUTH, vacancies=8, claimed=1)
    case = make_case(youths, units, quotas=[quota], per_department=1)
    result = run_case(case, SolveParams(time_limit_s=1))
    assert result.summary["solver_path"] == "flow+cpsat"
    assert result.status is Status.FEASIBLE and result.summary["gap"]
    assert len(result.matches) >= 1
    week = build_problem(case)
    assert not {u.reason for u in result.unmatched} & {"lowers_housed_count"}
    assert len(result.matches) + len(result.unmatched) == len(youths)
    assert week.problem.n_arcs > 0
