"""Format 2 of policy.toml: the municipality's [priority] scheme and [deposit_ceiling]."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from solver.caseio.issues import CaseError
from solver.caseio.policy import policy_toml
from solver.caseio.read import read_case
from solver.domain import Criterion, IncomeType, Situation

from ..helpers import RUN_DATE, make_youth, write_csvs

SCHEME = """
[priority]
order = ["urgency", "situation", "waiting"]
situation_rank = ["street", "shelter", "institution_exit", "couch", "eviction_risk", "unstable_home"]
[priority.points]
street = 40
urgent = 30
per_week_waiting = 1
[deposit_ceiling]
cash_benefit = 8000
"""


def test_a_scheme_and_a_deposit_ceiling_are_read_and_written_back(tmp_path: Path) -> None:
    """The example of the case format reads into the policy and survives policy_toml."""
    write_csvs(tmp_path, policy='week = "2026-W48"\n' + SCHEME)
    policy = read_case(tmp_path).policy
    assert policy.priority.order == (Criterion.URGENCY, Criterion.SITUATION, Criterion.WAITING)
    assert policy.priority.situation_rank[0] is Situation.STREET
    assert policy.priority.points == {"street": 40, "urgent": 30, "per_week_waiting": 1}
    assert policy.deposit_ceiling == {IncomeType.CASH_BENEFIT: 8000}
    write_csvs(tmp_path, policy=policy_toml(policy))
    assert read_case(tmp_path).policy == policy


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        ('[priority]\norder = ["urgency", "gender"]\n', "priority.order", "monitoring only"),
        ('[priority]\norder = ["greenlandic"]\n', "priority.order", "monitoring only"),
        ("[priority.points]\nfemale = 5\n", "priority.points", "monitoring only"),
        ("[priority.points]\nlottery = 5\n", "priority.points.lottery", "unknown key"),
        ('[priority]\norder = ["waiting", "waiting"]\n', "priority.order", "more than once"),
        ('[priority]\norder = ["age"]\n', "priority.order.0", "is not one of"),
        ("[priority]\norder = []\n", "priority.order", "not a valid value"),
        ('[priority.points]\nstreet = "many"\n', "priority.points.street", "whole number"),
        ("[deposit_ceiling]\nsu = -1\n", "deposit_ceiling.su", "at least 0"),
        ("[deposit_ceiling]\nrich = 1\n", "deposit_ceiling.rich", "unknown key"),
    ],
)
def test_a_bad_scheme_is_an_error_naming_the_key(
    tmp_path: Path, toml: str, key: str, message: str
) -> None:
    """Gender and Greenlandic background can never be a criterion; other mistakes name the key."""
    write_csvs(tmp_path, policy=toml)
    with pytest.raises(CaseError) as err:
        read_case(tmp_path)
    assert str(err.value).startswith(f"policy.toml, {key}: "), str(err.value)
    assert message in str(err.value)


def test_each_criterion_orders_youths_as_the_case_format_says(tmp_path: Path) -> None:
    """urgency by urgent_by, situation by rank (unlisted last), waiting by referral, points by
    the highest sum; ref breaks ties."""
    write_csvs(tmp_path, policy=SCHEME.replace('"urgency", "situation", "waiting"', '"points"'))
    policy = read_case(tmp_path, today=RUN_DATE).policy
    street = make_youth("A", situation=Situation.STREET, referred_on=RUN_DATE)
    waited = make_youth("B", situation=Situation.COUCH, referred_on=RUN_DATE - timedelta(weeks=50))
    urgent = make_youth("C", situation=Situation.COUCH, referred_on=RUN_DATE,
                        urgent_by=RUN_DATE + timedelta(days=3))  # fmt: skip
    assert [policy.points_of(y) for y in (street, waited, urgent)] == [40, 50, 30]
    ranked = sorted((street, waited, urgent), key=policy.priority_key)
    assert [y.ref for y in ranked] == ["B", "A", "C"]

    by_situation = policy.__class__(
        run_date=RUN_DATE, priority={"order": ["situation"], "situation_rank": ["couch"]}
    )
    shelter = make_youth("D", situation=Situation.SHELTER)
    assert sorted((shelter, waited), key=by_situation.priority_key)[0].ref == "B"  # couch listed
    tie = make_youth("E", situation=Situation.SHELTER)
    assert by_situation.priority_key(shelter) < by_situation.priority_key(tie)  # ref: D < E


def test_the_default_scheme_is_todays_order(tmp_path: Path) -> None:
    """No [priority]: urgency, then waiting, then ref — the order before format 2."""
    write_csvs(tmp_path)
    policy = read_case(tmp_path, today=date(2026, 11, 23)).policy
    late = make_youth("A", referred_on=date(2026, 1, 1))
    early = make_youth("B", referred_on=date(2025, 1, 1))
    urgent = make_youth("C", referred_on=date(2026, 6, 1), urgent_by=date(2026, 11, 30))
    assert [y.ref for y in sorted((late, early, urgent), key=policy.priority_key)] == [
        "C",
        "B",
        "A",
    ]
