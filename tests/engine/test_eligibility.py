"""Hard rules: each one as an allowed / rejected pair at its boundary, and the vectorised
result against a plain per-pair reference."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.domain import (
    Case,
    DwellingType,
    FitWeights,
    IncomeType,
    Pet,
    PetPolicy,
    SupportMethod,
    Unit,
    Youth,
)
from solver.engine.eligibility import columns, compute_eligibility
from solver.engine.explain import describe_block
from solver.engine.rules import RULE_ORDER, RULES

from ..helpers import RUN_DATE, make_case, make_unit, make_youth


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


def reference_rules(case: Case, y: Youth, u: Unit) -> dict[str, bool]:
    """Plain per-pair statement of each rule (case-format.md): True = the rule rejects."""
    p = case.policy
    ceiling = y.rent_ceiling if y.rent_ceiling is not None else p.rent_ceiling[y.income_type]
    age = y.age_on(max(p.run_date, u.available_from))  # at move-in (case format 2)
    low, high = p.youth_dwelling_age
    deposit_limit = p.deposit_ceiling.get(y.income_type)
    return {
        "not_available_in_time": u.available_from > p.run_date + timedelta(days=p.availability_horizon_days),
        "no_affordable_unit": u.rent + u.utilities > ceiling,
        "deposit_too_high": deposit_limit is not None and (u.deposit or 0) > deposit_limit,
        "benefit_restricted": y.income_type is IncomeType.CASH_BENEFIT and u.benefit_restricted,
        "pet_not_allowed": y.pet.value > u.pets.value,
        "household_too_large": y.household_size > p.persons_per_room * u.rooms,
        "not_accessible": y.needs_accessible and not u.accessible,
        "age_outside_youth_band": u.dwelling_type is DwellingType.YOUTH and not low <= age <= high,
        "area_excluded": u.area in y.excluded_areas,
    }  # fmt: skip


def reference_fit(case: Case, y: Youth, u: Unit) -> dict[str, int]:
    """Plain per-pair statement of the fit terms."""
    p = case.policy
    income = y.monthly_income if y.monthly_income else p.ceiling_for(y)
    need = y.urgent_by if y.urgent_by is not None else p.run_date
    return {
        "rent_share": (u.rent + u.utilities) * 1000 // income,
        "area": int(bool(y.preferred_areas) and u.area not in y.preferred_areas),
        "availability": max(0, (u.available_from - need).days),
        "size": max(0, u.rooms - math.ceil(y.household_size / p.persons_per_room)),
    }


def reference_eligible(case: Case) -> set[tuple[int, int]]:
    """Pairs no rule rejects, for youths whose support is in place."""
    out = set()
    for i, y in enumerate(case.youths):
        if y.support_method is SupportMethod.ICM and not y.support_team:
            continue
        for j, u in enumerate(case.units):
            if not any(reference_rules(case, y, u).values()):
                out.add((i, j))
    return out


AREAS = ["A", "B", "C"]


@st.composite
def random_cases(draw: st.DrawFn) -> Case:
    """Small cases around every rule's boundary, under a random policy."""
    youths = []
    for i in range(draw(st.integers(0, 8))):
        method = draw(st.sampled_from(list(SupportMethod)))
        youths.append(
            make_youth(
                f"Y{i}",
                birth_date=draw(
                    st.sampled_from([date(2008, 2, 29), date(2000, 2, 29), date(2009, 12, 1)])
                    | st.integers(365 * 15, 365 * 28).map(lambda d: RUN_DATE - timedelta(days=d))
                ),
                income_type=draw(st.sampled_from(list(IncomeType))),
                monthly_income=draw(st.none() | st.integers(0, 12_000)),
                rent_ceiling=draw(st.none() | st.integers(2000, 5000)),
                pet=draw(st.sampled_from(list(Pet))),
                household_size=draw(st.integers(1, 5)),
                needs_accessible=draw(st.booleans()),
                support_method=method,
                support_team=draw(st.sampled_from([None, "T"])) if method is SupportMethod.ICM else None,
                urgent_by=draw(st.none() | st.integers(-30, 60).map(lambda d: RUN_DATE + timedelta(days=d))),
                preferred_areas=tuple(draw(st.lists(st.sampled_from([*AREAS, "Z"]), max_size=2))),
                excluded_areas=tuple(draw(st.lists(st.sampled_from([*AREAS, "Z"]), max_size=2))),
            )
        )  # fmt: skip
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
            available_from=RUN_DATE + timedelta(days=draw(st.integers(-10, 900))),
            deposit=draw(st.none() | st.integers(0, 9000)),
        )
        for j in range(draw(st.integers(0, 6)))
    ]
    low = draw(st.integers(16, 20))
    policy = {
        "youth_dwelling_age": (low, low + draw(st.integers(0, 10))),
        "persons_per_room": draw(st.integers(1, 3)),
        "weights": FitWeights(*draw(st.lists(st.integers(0, 200), min_size=4, max_size=4))),
        "deposit_ceiling": draw(
            st.dictionaries(st.sampled_from(list(IncomeType)), st.integers(0, 9000))
        ),
        "availability_horizon_days": draw(st.integers(0, 1000)),
    }
    return make_case(youths, units, **policy)


@settings(max_examples=300, deadline=None)
@given(random_cases())
def test_vectorised_rules_equal_the_per_pair_reference(case: Case) -> None:
    """Pairs (sorted by youth then unit), per-rule and cascade counts, fit terms and cost all
    equal a plain per-pair statement of the rules."""
    elig = compute_eligibility(case)
    pairs = list(zip(elig.youth_idx.tolist(), elig.unit_idx.tolist(), strict=True))
    assert pairs == sorted(reference_eligible(case))
    for i, y in enumerate(case.youths):
        verdicts = [reference_rules(case, y, u) for u in case.units]
        alive = [True] * len(case.units)
        for rule in RULE_ORDER:
            assert elig.rejected[rule][i] == sum(v[rule] for v in verdicts), rule
            alive = [a and not v[rule] for a, v in zip(alive, verdicts, strict=True)]
            assert elig.cascade[rule][i] == sum(alive), rule
        blocked = y.support_method is SupportMethod.ICM and not y.support_team
        assert elig.youth_blocked[i] == ("support_not_in_place" if blocked else "")
    w = case.policy.weights
    for a, (i, j) in enumerate(pairs):
        fit = reference_fit(case, case.youths[i], case.units[j])
        assert {k: int(v[a]) for k, v in elig.fit.items()} == fit
        cost = w.rent_share * fit["rent_share"] + w.area * fit["area"]
        cost += w.availability * fit["availability"] + w.size * fit["size"]
        assert elig.cost[a] == cost


def test_large_case_is_processed_in_chunks_with_the_same_result() -> None:
    """More youths than one chunk: pairs still sorted and complete."""
    youths = [make_youth(f"Y{i:05d}", pet=Pet(i % 4)) for i in range(4500)]
    units = [make_unit(f"U{j}", pets=PetPolicy(j % 4)) for j in range(8)]
    elig = compute_eligibility(make_case(youths, units))
    expected = sum(sum(1 for j in range(8) if i % 4 <= j % 4) for i in range(4500))
    assert elig.n_pairs == expected
    assert np.all(np.diff(elig.youth_idx) >= 0)
    assert elig.rejected["pet_not_allowed"][:8].tolist() == [0, 2, 4, 6, 0, 2, 4, 6]


def column_rules(case: Case) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """The readable statement: every function of ``solver.engine.rules.RULES`` over whole
    columns; (rejected, cascade) counts per youth and the (youth × unit) mask of eligible pairs."""
    ycols, ucols, ctx = columns(case)
    alive = np.ones((len(case.youths), len(case.units)), dtype=bool)
    rejected, cascade = {}, {}
    for name, rule in RULES.items():
        mask = rule(ycols, ucols, ctx)
        rejected[name] = mask.sum(axis=1)
        alive &= ~mask
        cascade[name] = alive.sum(axis=1)
    return rejected, cascade, alive


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_compiled_pass_equals_the_column_rules_over_many_areas(seed: int) -> None:
    """The compiled pass (``_pairs``) against the column functions of ``rules.py`` on a case
    with 150 areas: area codes fill three 64-bit words, areas interleave in unit order, youths
    exclude areas in every word, and every other rule is drawn at random."""
    rng = np.random.default_rng(seed)
    areas = [f"A{k:03d}" for k in range(150)]
    units = [
        make_unit(
            f"U{j}",
            area=areas[int(rng.integers(150))],
            dwelling_type=DwellingType(rng.choice(list(DwellingType))),
            rooms=int(rng.integers(1, 4)),
            rent=int(rng.integers(2000, 4000)),
            pets=PetPolicy(int(rng.integers(4))),
            accessible=bool(rng.integers(2)),
            benefit_restricted=bool(rng.integers(2)),
            deposit=int(rng.integers(0, 9000)),
            available_from=RUN_DATE + timedelta(days=int(rng.integers(0, 120))),
        )
        for j in range(int(rng.integers(1, 300)))
    ]
    youths = [
        make_youth(
            f"Y{i}",
            birth_date=RUN_DATE - timedelta(days=int(rng.integers(365 * 15, 365 * 28))),
            income_type=IncomeType(rng.choice(list(IncomeType))),
            pet=Pet(int(rng.integers(4))),
            household_size=int(rng.integers(1, 5)),
            needs_accessible=bool(rng.integers(2)),
            excluded_areas=tuple(rng.choice(areas, int(rng.integers(0, 60)), replace=False)),
        )
        for i in range(int(rng.integers(1, 40)))
    ]
    case = make_case(youths, units, deposit_ceiling={IncomeType.CASH_BENEFIT: 4000})
    elig = compute_eligibility(case)
    rejected, cascade, alive = column_rules(case)
    for rule in RULE_ORDER:
        assert elig.rejected[rule].tolist() == rejected[rule].tolist(), rule
        assert elig.cascade[rule].tolist() == cascade[rule].tolist(), rule
    yi, ui = np.nonzero(alive)
    assert elig.youth_idx.tolist() == yi.tolist()
    assert elig.unit_idx.tolist() == ui.tolist()


@pytest.mark.parametrize(("pet", "policy"), [(p, q) for p in Pet for q in PetPolicy])
def test_pet_is_allowed_exactly_when_its_level_is_at_most_the_policys(
    pet: Pet, policy: PetPolicy
) -> None:
    """none < cat < small dog < large dog against none < cats < small dogs < all."""
    assert eligible({"pet": pet}, {"pets": policy}) == (pet.value <= policy.value)


def test_empty_case_gives_empty_int64_arrays() -> None:
    """No youths or no units: no pairs, arrays of the documented dtypes and lengths."""
    for case in (make_case([], [make_unit()]), make_case([make_youth()], [])):
        elig = compute_eligibility(case)
        assert elig.n_pairs == 0
        for arr in (elig.youth_idx, elig.unit_idx, elig.cost, *elig.fit.values()):
            assert arr.dtype == np.int64 and len(arr) == 0
        for counts in (*elig.rejected.values(), *elig.cascade.values()):
            assert counts.dtype == np.int64 and len(counts) == len(case.youths)


def test_cti_and_act_youths_are_never_blocked_by_support() -> None:
    """Only ICM without a team is blocked; CTI/ACT capacity is the optimiser's, not a rule."""
    youths = [
        make_youth("a", support_method=SupportMethod.CTI, support_team="CTI-1"),
        make_youth("b", support_method=SupportMethod.ACT, support_team="ACT-1"),
        make_youth("c", support_method=SupportMethod.ICM, support_team=None),
        make_youth("d"),
    ]
    elig = compute_eligibility(make_case(youths, [make_unit()]))
    assert elig.youth_blocked.tolist() == ["", "", "support_not_in_place", ""]
    assert elig.youth_idx.tolist() == [0, 1, 3]


@pytest.mark.parametrize(
    ("youth_kw", "unit_kw", "term", "value"),
    [
        ({}, {"rent": 2400, "utilities": 300}, "rent_share", 900),  # no income: 2,700 / 3,000 ceiling
        ({"monthly_income": 0}, {"rent": 2400, "utilities": 300}, "rent_share", 900),
        ({"monthly_income": 5753}, {"rent": 2400, "utilities": 300}, "rent_share", 469),
        ({"preferred_areas": ("Centrum", "Syd")}, {}, "area", 0),
        ({"preferred_areas": ("Syd",)}, {}, "area", 1),
        ({}, {}, "area", 0),
        ({}, {"available_from": RUN_DATE - timedelta(days=5)}, "availability", 0),
        ({}, {"available_from": RUN_DATE + timedelta(days=9)}, "availability", 9),
        ({"urgent_by": RUN_DATE - timedelta(days=3)}, {}, "availability", 3),
        ({"household_size": 3}, {"rooms": 2}, "size", 0),
        ({"household_size": 3}, {"rooms": 3}, "size", 1),
        ({"household_size": 1}, {"rooms": 3}, "size", 2),
    ],
)  # fmt: skip
def test_each_fit_term_on_a_hand_worked_pair(
    youth_kw: dict, unit_kw: dict, term: str, value: int
) -> None:
    """Rent share falls back to the ceiling; area only counts with preferences; availability
    counts from urgent_by (even past) or the run date; size counts rooms beyond ceil(n/2)."""
    elig = compute_eligibility(make_case([make_youth(**youth_kw)], [make_unit(**unit_kw)]))
    assert int(elig.fit[term][0]) == value


DETAILS = [
    ({}, [make_unit("a", available_from=RUN_DATE + timedelta(days=61))],
     "not_available_in_time", "the only dwelling is not available within 60 days"),
    ({}, [make_unit("a", rent=3500), make_unit("b", rent=3250),
          make_unit("c", rent=1000, available_from=RUN_DATE + timedelta(days=90))],
     "no_affordable_unit", "none of the 2 dwellings is within your ceiling of 3,000 kr (cheapest 3,450 kr)"),
    ({"rent_ceiling": 12000}, [make_unit("a", rent=12500)],
     "no_affordable_unit", "the only dwelling is not within your ceiling of 12,000 kr (cheapest 12,700 kr)"),
    ({"income_type": IncomeType.CASH_BENEFIT}, [make_unit("a", deposit=7890), make_unit("b", deposit=4860)],
     "deposit_too_high", "2 dwellings within your ceiling of 3,000 kr; all ask a deposit above "
     "your limit of 4,000 kr (the lowest is 4,860 kr)"),
    ({}, [make_unit("a", benefit_restricted=True), make_unit("b", benefit_restricted=True)],
     "benefit_restricted", "2 dwellings within your ceiling of 3,000 kr; all use combined letting, "
     "which excludes cash-benefit recipients"),
    ({"pet": Pet.LARGE_DOG}, [make_unit("a"), make_unit("b"), make_unit("c"), make_unit("d", rent=5000)],
     "pet_not_allowed", "3 dwellings within your ceiling of 3,000 kr; none allows a large dog"),
    ({"pet": Pet.CAT}, [make_unit("a")],
     "pet_not_allowed", "1 dwelling within your ceiling of 3,000 kr; it does not allow a cat"),
    ({"household_size": 3}, [make_unit("a"), make_unit("b")],
     "household_too_large", "2 dwellings fit your rent and pet; none has room for 3 persons"),
    ({"needs_accessible": True}, [make_unit("a")],
     "not_accessible", "1 dwelling fits your rent, pet and household; it is not accessible"),
    ({"birth_date": date(1999, 1, 1)}, [make_unit("a"), make_unit("b")],
     "age_outside_youth_band", "the 2 dwellings that fit otherwise are youth dwellings for ages 17–25; you are 27"),
    ({"excluded_areas": ("Centrum",)}, [make_unit("a")],
     "area_excluded", "the only dwelling that fits otherwise is in an area you must not be placed in"),
    ({"support_method": SupportMethod.ICM}, [make_unit()],
     "support_not_in_place", "ICM support is not in place yet: no ICM team is assigned, and housing waits for it"),
    ({}, [], "no_vacancies", "there are no vacant dwellings this week"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("youth_kw", "units", "code", "detail"), DETAILS, ids=[d[2] for d in DETAILS]
)
def test_blocked_youth_gets_the_first_rule_that_leaves_nothing_and_one_sentence(
    youth_kw: dict, units: list, code: str, detail: str
) -> None:
    """describe_block: the stable code and the exact sentence built from the cascade."""
    case = make_case(
        [make_youth(**youth_kw)], units, deposit_ceiling={IncomeType.CASH_BENEFIT: 4000}
    )
    why = describe_block(case, compute_eligibility(case), 0)
    assert (why.code, why.text("en")) == (code, detail)


def test_every_reason_code_has_a_sentence_test() -> None:
    """The table above covers every rule in RULE_ORDER and both youth-level codes."""
    assert {d[2] for d in DETAILS} == {*RULE_ORDER, "support_not_in_place", "no_vacancies"}


def test_the_cascade_names_the_earliest_rule_when_several_would_block() -> None:
    """A dear dwelling that also bans the dog is reported as unaffordable (rule order)."""
    youth = make_youth(pet=Pet.LARGE_DOG)
    case = make_case([youth], [make_unit("a", rent=4000, pets=PetPolicy.NONE)])
    elig = compute_eligibility(case)
    assert elig.rejected["no_affordable_unit"][0] == 1 and elig.rejected["pet_not_allowed"][0] == 1
    assert describe_block(case, elig, 0).code == "no_affordable_unit"


def test_describing_a_youth_who_has_a_dwelling_is_an_error() -> None:
    """describe_block is for youths with no eligible pair; others are the optimiser's to explain."""
    case = make_case()
    with pytest.raises(ValueError, match="nothing blocks it"):
        describe_block(case, compute_eligibility(case), 0)


DEPOSIT_PAIRS = [
    # (income type, deposit, policy ceilings, rejected?)
    (IncomeType.CASH_BENEFIT, 8000, {IncomeType.CASH_BENEFIT: 8000}, False),  # at the limit
    (IncomeType.CASH_BENEFIT, 8001, {IncomeType.CASH_BENEFIT: 8000}, True),
    (IncomeType.CASH_BENEFIT, None, {IncomeType.CASH_BENEFIT: 0}, False),  # no deposit given
    (IncomeType.CASH_BENEFIT, 1, {IncomeType.CASH_BENEFIT: 0}, True),
    (IncomeType.SU, 50_000, {IncomeType.CASH_BENEFIT: 8000}, False),  # no rule for SU
    (IncomeType.CASH_BENEFIT, 50_000, {}, False),  # no [deposit_ceiling] at all
]


@pytest.mark.parametrize(("income", "deposit", "ceilings", "rejected"), DEPOSIT_PAIRS)
def test_the_deposit_rule_on_allowed_and_rejected_pairs(
    income: IncomeType, deposit: int | None, ceilings: dict, rejected: bool
) -> None:
    """[deposit_ceiling] by income type against the dwelling's deposit; unlisted types: no rule."""
    case = make_case([make_youth(income_type=income)], [make_unit(deposit=deposit)],
                     deposit_ceiling=ceilings)  # fmt: skip
    elig = compute_eligibility(case)
    assert elig.rejected["deposit_too_high"][0] == int(rejected)
    assert elig.n_pairs == int(not rejected)


AGE_PAIRS = [
    # (birth date, available_from, band, rejected?) — the run date is 2026-11-23
    (date(2001, 11, 23), RUN_DATE, (17, 25), False),  # 25 today
    (date(2000, 12, 1), RUN_DATE, (17, 25), False),  # still 25 at the run date
    (date(2000, 12, 1), date(2026, 12, 1), (17, 25), True),  # 26 the day the dwelling is free
    (date(2009, 12, 24), RUN_DATE, (17, 25), True),  # 16
    (date(2009, 12, 24), date(2026, 12, 24), (17, 25), False),  # 17 when it comes free
    (date(2008, 2, 29), date(2027, 2, 28), (19, 25), True),  # 18 on 28 Feb of a common year
    (date(2008, 2, 29), date(2027, 3, 1), (19, 25), False),  # 19 on 1 March
    (date(2001, 11, 23), date(2025, 1, 1), (17, 25), False),  # free before the run date: today
]


@pytest.mark.parametrize(("born", "available", "band", "rejected"), AGE_PAIRS)
def test_the_youth_dwelling_age_band_is_checked_at_move_in(
    born: date, available: date, band: tuple[int, int], rejected: bool
) -> None:
    """The age on the later of the run date and available_from (case format 2), 29 February too."""
    case = make_case([make_youth(birth_date=born, referred_on=date(2025, 1, 1))],
                     [make_unit(available_from=available)], youth_dwelling_age=band,
                     availability_horizon_days=400)  # fmt: skip
    elig = compute_eligibility(case)
    assert elig.rejected["age_outside_youth_band"][0] == int(rejected)
