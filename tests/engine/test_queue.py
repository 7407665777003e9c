"""Queue position agrees with the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from solver.domain import Case, IncomeType, Pet, PetPolicy, SupportMethod
from solver.engine.queue import queue_info
from solver.engine.week import run_case

from ..helpers import RUN_DATE, make_case, make_team, make_unit, make_youth


@st.composite
def uncapped_cases(draw: st.DrawFn) -> Case:
    """Random weeks with no binding capacity group: no CTI/ACT team, no quota row."""
    youths = [
        make_youth(
            f"Y{i}",
            referred_on=RUN_DATE - timedelta(days=draw(st.integers(1, 400))),
            urgent_by=draw(st.one_of(st.none(), st.just(RUN_DATE + timedelta(days=10)))),
            income_type=draw(
                st.sampled_from([IncomeType.CASH_BENEFIT, IncomeType.SU, IncomeType.JOB])
            ),
            pet=draw(st.sampled_from(list(Pet))),
            support_method=draw(st.sampled_from([SupportMethod.NONE, SupportMethod.ICM])),
            support_team="ICM-1",
        )
        for i in range(draw(st.integers(1, 8)))
    ]
    youths = [
        y if y.support_method is SupportMethod.ICM else replace(y, support_team=None)
        for y in youths
    ]
    units = [
        make_unit(
            f"U{j}", rent=draw(st.integers(2500, 4000)), pets=draw(st.sampled_from(list(PetPolicy)))
        )
        for j in range(draw(st.integers(1, 5)))
    ]
    team = make_team("ICM-1", method=SupportMethod.ICM, workers=3, current_caseload=10)
    return make_case(youths, units, [team])


@settings(max_examples=200, deadline=None)
@given(uncapped_cases())
def test_a_youth_at_position_one_with_an_eligible_dwelling_is_housed(case: Case) -> None:
    """Without binding capacity groups, position 1 + any eligible dwelling in the run = housed."""
    housed = {m.youth_ref for m in run_case(case).matches}
    for youth in case.youths:
        info = queue_info(case, youth.ref)
        if info.position == 1 and info.eligible_dwellings > 0:
            assert youth.ref in housed, (youth.ref, info)


def test_position_counts_higher_priority_youths_competing_for_the_same_dwellings() -> None:
    """Three youths fit U1 and U2; a dog owner fits only U2 (dogs allowed): positions 1–4.
    When the three exclude U2's area, the dog owner has nobody ahead: position 1."""
    early = [make_youth(f"Y{i}", referred_on=RUN_DATE - timedelta(days=100 - i)) for i in range(3)]
    dog = make_youth("DOG", pet=Pet.SMALL_DOG, referred_on=RUN_DATE - timedelta(days=1))
    units = [make_unit("U1"), make_unit("U2", pets=PetPolicy.SMALL_DOGS, rent=2700, area="Syd")]
    case = make_case([*early, dog], units)
    assert [queue_info(case, y.ref).position for y in case.youths] == [1, 2, 3, 4]
    picky = [replace(y, excluded_areas=("Syd",)) for y in early]
    case2 = make_case([*picky, dog], units)
    assert queue_info(case2, "DOG").position == 1
    assert "DOG" in {m.youth_ref for m in run_case(case2).matches}


def test_team_without_free_slot_is_reported_as_a_block() -> None:
    """A full CTI team is a block, not a position."""
    team = make_team(current_caseload=10)
    youth = make_youth(support_method=SupportMethod.CTI, support_team=team.team)
    info = queue_info(make_case([youth], [make_unit()], [team]), youth.ref)
    assert info.position == 1 and info.blocks == ("support_capacity",)
