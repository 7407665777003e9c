"""Hard rules: each one as an allowed / rejected pair at its boundary, and the vectorised
result against a plain per-pair reference."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.domain import (
    Case,
    DwellingType,
    IncomeType,
    Pet,
    PetPolicy,
    SupportMethod,
)
from solver.eligibility import RULE_ORDER, compute_eligibility, describe_block

from .helpers import RUN_DATE, make_case, make_unit, make_youth


def eligible(youth_kw: dict[str, Any], unit_kw: dict[str, Any], **policy: Any) -> bool:
    case = make_case([make_youth(**youth_kw)], [make_unit(**unit_kw)], **policy)
    return compute_eligibility(case).n_pairs == 1


RULE_PAIRS = [
    # (rule, allowed (youth, unit, policy), rejected (youth, unit, policy))
    ("rent: rent + utilities equal to the ceiling is allowed, one krone more is not",
     ({}, {"rent": 2800, "utilities": 200}, {}), ({}, {"rent": 2801, "utilities": 200}, {})),
    ("rent: an explicit ceiling overrides the policy's",
     ({"rent_ceiling": 3600}, {"rent": 3400}, {}), ({"rent_ceiling": 2900}, {"rent": 2800}, {})),
    ("rent: SU students have a higher default ceiling",
     ({"income_type": IncomeType.SU}, {"rent": 3300}, {}), ({}, {"rent": 3300}, {})),
    ("letting: combined letting excludes cash-benefit recipients only",
     ({"income_type": IncomeType.SU}, {"benefit_restricted": True}, {}),
     ({}, {"benefit_restricted": True}, {})),
    ("pets: a small dog in a small-dogs department, not a large one",
     ({"pet": Pet.SMALL_DOG}, {"pets": PetPolicy.SMALL_DOGS}, {}),
     ({"pet": Pet.LARGE_DOG}, {"pets": PetPolicy.SMALL_DOGS}, {})),
    ("pets: a cat where only cats are allowed, not where none are",
     ({"pet": Pet.CAT}, {"pets": PetPolicy.CATS}, {}), ({"pet": Pet.CAT}, {"pets": PetPolicy.NONE}, {})),
    ("size: two persons per room",
     ({"household_size": 2}, {"rooms": 1}, {}), ({"household_size": 3}, {"rooms": 1}, {})),
    ("accessibility: needed and present, needed and absent",
     ({"needs_accessible": True}, {"accessible": True}, {}), ({"needs_accessible": True}, {}, {})),
    ("age: 25 on the run date may have a youth dwelling, 26 may not",
     ({"birth_date": date(2001, 11, 23)}, {}, {}), ({"birth_date": date(2000, 11, 23)}, {}, {})),
    ("age: 26 may have a family dwelling",
     ({"birth_date": date(2000, 11, 23)}, {"dwelling_type": DwellingType.FAMILY}, {}),
     ({"birth_date": date(2000, 11, 23)}, {"dwelling_type": DwellingType.YOUTH}, {})),
    ("age: 16 is below the band",
     ({"birth_date": date(2009, 11, 23)}, {}, {}), ({"birth_date": date(2009, 11, 24)}, {}, {})),
    ("availability: on the horizon's last day, not the day after",
     ({}, {"available_from": RUN_DATE + timedelta(days=60)}, {}),
     ({}, {"available_from": RUN_DATE + timedelta(days=61)}, {})),
    ("area: an excluded area rejects, another area does not",
     ({"excluded_areas": ("Syd",)}, {"area": "Centrum"}, {}), ({"excluded_areas": ("Centrum",)}, {"area": "Centrum"}, {})),
    ("support: ICM with a team may be housed, ICM without one may not",
     ({"support_method": SupportMethod.ICM, "support_team": "ICM-1"}, {}, {}),
     ({"support_method": SupportMethod.ICM, "support_team": None}, {}, {})),
    ("policy: a wider age band admits the 26-year-old",
     ({"birth_date": date(2000, 11, 23)}, {}, {"youth_dwelling_age": (17, 26)}),
     ({"birth_date": date(2000, 11, 23)}, {}, {"youth_dwelling_age": (17, 25)})),
    ("policy: one person per room",
     ({"household_size": 2}, {"rooms": 2}, {"persons_per_room": 1}),
     ({"household_size": 2}, {"rooms": 1}, {"persons_per_room": 1})),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "allowed", "rejected"), RULE_PAIRS, ids=[r[0] for r in RULE_PAIRS]
)
def test_rule_allows_one_side_of_its_boundary_and_rejects_the_other(
    rule: str, allowed: tuple[dict, dict, dict], rejected: tuple[dict, dict, dict]
) -> None:
    """The allowed pair is eligible; the rejected one is not."""
    assert eligible(*allowed[:2], **allowed[2])
    assert not eligible(*rejected[:2], **rejected[2])


def test_rejection_counts_are_per_rule_and_cascade_in_rule_order() -> None:
    """Counts of what each rule rejects on its own, and what is left after each in turn."""
    youth = make_youth(pet=Pet.LARGE_DOG)
    units = [
        make_unit("cheap-nodogs", rent=2500, pets=PetPolicy.NONE),
        make_unit("cheap-dogs", rent=2500, pets=PetPolicy.ALL, rooms=1),
        make_unit("dear-dogs", rent=4000, pets=PetPolicy.ALL),
        make_unit("late", available_from=RUN_DATE + timedelta(days=90)),
    ]
    elig = compute_eligibility(make_case([youth], units))
    assert elig.rejected["not_available_in_time"][0] == 1
    assert elig.rejected["no_affordable_unit"][0] == 1
    assert elig.rejected["pet_not_allowed"][0] == 2
    assert elig.cascade["not_available_in_time"][0] == 3
    assert elig.cascade["no_affordable_unit"][0] == 2
    assert elig.cascade["pet_not_allowed"][0] == 1
    assert elig.cascade["area_excluded"][0] == 1
    assert [int(u) for u in elig.unit_idx] == [1]


def test_fit_terms_match_hand_computation() -> None:
    """rent share per mille of income, area, days late, surplus rooms, weighted cost."""
    youth = make_youth(
        monthly_income=6000, preferred_areas=("Syd",), urgent_by=RUN_DATE + timedelta(days=5)
    )
    unit = make_unit(rent=2700, utilities=300, rooms=2, area="Centrum",
                     available_from=RUN_DATE + timedelta(days=12))  # fmt: skip
    elig = compute_eligibility(make_case([youth], [unit]))
    fit = {k: int(v[0]) for k, v in elig.fit.items()}
    assert fit == {"rent_share": 500, "area": 1, "availability": 7, "size": 1}
    assert int(elig.cost[0]) == 500 * 1 + 1 * 150 + 7 * 10 + 1 * 100


@pytest.mark.parametrize(
    ("youth_kw", "units", "code", "detail"),
    [
        ({"pet": Pet.LARGE_DOG}, [make_unit("a"), make_unit("b"), make_unit("c", rent=5000)],
         "pet_not_allowed", "2 dwellings within your ceiling of 3,000 kr; none allows a large dog"),
        ({}, [make_unit("a", rent=3500), make_unit("b", rent=3300)],
         "no_affordable_unit", "none of the 2 dwellings is within your ceiling of 3,000 kr (cheapest 3,500 kr)"),
        ({"support_method": SupportMethod.ICM}, [make_unit()], "support_not_in_place", "no ICM team"),
        ({}, [], "no_vacancies", "no vacant dwellings"),
        ({"birth_date": date(1999, 1, 1)}, [make_unit()], "age_outside_youth_band", "you are 27"),
    ],
)  # fmt: skip
def test_blocked_youth_gets_the_first_rule_that_leaves_nothing(
    youth_kw: dict, units: list, code: str, detail: str
) -> None:
    """describe_block: stable code, a sentence built from the cascade."""
    case = make_case([make_youth(**youth_kw)], units)
    got_code, got_detail = describe_block(case, compute_eligibility(case), 0)
    assert got_code == code
    assert detail in got_detail


def reference_eligible(case: Case) -> set[tuple[int, int]]:
    """Plain per-pair statement of the rules (case-format.md), for comparison."""
    p = case.policy
    out = set()
    for i, y in enumerate(case.youths):
        if y.support_method is SupportMethod.ICM and not y.support_team:
            continue
        ceiling = y.rent_ceiling if y.rent_ceiling is not None else p.rent_ceiling[y.income_type]
        age = y.age_on(p.run_date)
        for j, u in enumerate(case.units):
            ok = (
                u.available_from <= p.run_date + timedelta(days=p.availability_horizon_days)
                and u.rent + u.utilities <= ceiling
                and not (y.income_type is IncomeType.CASH_BENEFIT and u.benefit_restricted)
                and y.pet.value <= u.pets.value
                and y.household_size <= p.persons_per_room * u.rooms
                and (u.accessible or not y.needs_accessible)
                and (u.dwelling_type is not DwellingType.YOUTH
                     or p.youth_dwelling_age[0] <= age <= p.youth_dwelling_age[1])
                and u.area not in y.excluded_areas
            )  # fmt: skip
            if ok:
                out.add((i, j))
    return out


AREAS = ["A", "B", "C"]


@st.composite
def random_cases(draw: st.DrawFn) -> Case:
    youths = []
    for i in range(draw(st.integers(0, 8))):
        method = draw(st.sampled_from(list(SupportMethod)))
        youths.append(
            make_youth(
                f"Y{i}",
                birth_date=date(1998, 1, 1) + timedelta(days=draw(st.integers(0, 365 * 12))),
                income_type=draw(st.sampled_from(list(IncomeType))),
                rent_ceiling=draw(st.one_of(st.none(), st.integers(2000, 5000))),
                pet=draw(st.sampled_from(list(Pet))),
                household_size=draw(st.integers(1, 4)),
                needs_accessible=draw(st.booleans()),
                support_method=method,
                support_team=draw(st.sampled_from([None, "T"]))
                if method is SupportMethod.ICM
                else None,
                excluded_areas=tuple(draw(st.lists(st.sampled_from(AREAS), max_size=2))),
            )
        )
    units = [
        make_unit(
            f"U{j}",
            area=draw(st.sampled_from(AREAS)),
            dwelling_type=draw(st.sampled_from(list(DwellingType))),
            rooms=draw(st.integers(1, 3)),
            rent=draw(st.integers(2000, 5000)),
            utilities=draw(st.integers(0, 400)),
            pets=draw(st.sampled_from(list(PetPolicy))),
            accessible=draw(st.booleans()),
            benefit_restricted=draw(st.booleans()),
            available_from=RUN_DATE + timedelta(days=draw(st.integers(-10, 90))),
        )
        for j in range(draw(st.integers(0, 6)))
    ]
    return make_case(youths, units)


@settings(max_examples=200, deadline=None)
@given(random_cases())
def test_vectorised_rules_equal_the_per_pair_reference(case: Case) -> None:
    """Same eligible pairs as the plain statement, sorted by youth then unit; counts agree."""
    elig = compute_eligibility(case)
    pairs = list(zip(elig.youth_idx.tolist(), elig.unit_idx.tolist(), strict=True))
    assert pairs == sorted(reference_eligible(case))
    if case.youths:
        left = elig.cascade[RULE_ORDER[-1]]
        blocked = elig.youth_blocked != ""
        counts = np.bincount(elig.youth_idx, minlength=len(case.youths))
        assert np.array_equal(np.where(blocked, 0, left), counts)


def test_large_case_is_processed_in_chunks_with_the_same_result() -> None:
    """More youths than one chunk: pairs still sorted and complete."""
    youths = [make_youth(f"Y{i:05d}", pet=Pet(i % 4)) for i in range(4500)]
    units = [make_unit(f"U{j}", pets=PetPolicy(j % 4)) for j in range(8)]
    elig = compute_eligibility(make_case(youths, units))
    expected = sum(sum(1 for j in range(8) if i % 4 <= j % 4) for i in range(4500))
    assert elig.n_pairs == expected
    assert np.all(np.diff(elig.youth_idx) >= 0)
