"""The fixture generator: deterministic, calibrated, and equal to the committed folders."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from solver.case import read_case
from solver.domain import Case, DwellingType, Gender, IncomeType, Pet, SupportMethod
from solver.eligibility import compute_eligibility
from solver.fixtures import (
    DEFAULT_SEEDS,
    PROFILES,
    RUN_DATE,
    Profile,
    generate_case,
    generate_command,
    write_case_folder,
)

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
CASE_FILES = ("youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml")
COMMITTED = ("tiny", "naestved", "copenhagen")


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in CASE_FILES}


@pytest.fixture(scope="module")
def copenhagen() -> Case:
    return generate_case("copenhagen")


@pytest.fixture(scope="module")
def national() -> Case:
    return generate_case("national")


# --------------------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_fixture_equals_a_fresh_generation(name: str, tmp_path: Path) -> None:
    """The folders in data/fixtures are byte for byte what the generator writes (no drift)."""
    generate_command(name, None, tmp_path)
    assert _files(FIXTURES / name) == _files(tmp_path)


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_fixture_reads_back_to_the_generated_case(name: str) -> None:
    """Reading a committed folder gives exactly the generated case (the writer loses nothing)."""
    assert read_case(FIXTURES / name) == generate_case(name)


def test_same_profile_and_seed_write_identical_files(tmp_path: Path) -> None:
    """Generation is a function of profile and seed: two runs, the same bytes."""
    generate_command("copenhagen", 7, tmp_path / "a")
    generate_command("copenhagen", 7, tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_a_different_seed_writes_different_files(tmp_path: Path) -> None:
    """Another seed draws other youths and dwellings (the policy stays the same)."""
    generate_command("naestved", 7, tmp_path / "a")
    generate_command("naestved", 8, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a["youths.csv"] != b["youths.csv"]
    assert a["units.csv"] != b["units.csv"]
    assert a["policy.toml"] == b["policy.toml"]


def test_no_seed_means_the_documented_seed() -> None:
    """A named profile without a seed uses its seed from DEFAULT_SEEDS (also the CLI default)."""
    assert generate_case("naestved") == generate_case("naestved", DEFAULT_SEEDS["naestved"])


def test_tiny_is_hand_made_and_ignores_the_seed() -> None:
    """tiny is written by hand: every seed gives the same case."""
    assert generate_case("tiny", 1) == generate_case("tiny", 2) == generate_case("tiny")


@pytest.mark.parametrize("name", COMMITTED)
def test_policy_file_pins_the_run_date(name: str) -> None:
    """policy.toml names run_date explicitly, so results do not depend on today."""
    assert 'run_date = "2026-11-23"' in (FIXTURES / name / "policy.toml").read_text()
    assert read_case(FIXTURES / name, today=date(2030, 1, 1)).policy.run_date == RUN_DATE


def test_write_case_folder_writes_the_five_files(tmp_path: Path) -> None:
    """write_case_folder writes every file of the case format, and it reads back equal."""
    case = generate_case("naestved")
    write_case_folder(case, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(CASE_FILES)
    assert read_case(tmp_path / "out") == case


# --------------------------------------------------------------------------- sizes and API


@pytest.mark.parametrize(
    ("name", "youths", "units"),
    [("tiny", 10, 5), ("naestved", 60, 10), ("copenhagen", 900, 80)],
)
def test_profile_sizes(name: str, youths: int, units: int) -> None:
    """Each committed profile has its documented size."""
    case = read_case(FIXTURES / name)
    assert (len(case.youths), len(case.units)) == (youths, units)


def test_a_profile_variant_is_one_replace_away() -> None:
    """dataclasses.replace on a named profile gives a custom size with the same calibration."""
    case = generate_case(dataclasses.replace(PROFILES["naestved"], n_youths=200, n_units=30), 1)
    assert (len(case.youths), len(case.units)) == (200, 30)


def test_unknown_profile_is_a_clear_error() -> None:
    """A typo names the profiles there are."""
    with pytest.raises(KeyError, match="naestved"):
        generate_case("aarhus")


def test_custom_profile_needs_a_seed() -> None:
    """A Profile object has no documented seed, so it must be given one."""
    with pytest.raises(ValueError, match="seed"):
        generate_case(PROFILES["naestved"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n_youths": 0}, "youths"),
        ({"dog_owner_share": 1.2}, "share"),
        ({"region_size": 4}, "regions"),
        ({"areas": ("A", "A")}, "distinct"),
    ],
)
def test_a_bad_profile_is_refused(change: dict, message: str) -> None:
    """Impossible sizes and shares fail when the profile is made, not halfway through."""
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(PROFILES["naestved"], **change)


# --------------------------------------------------------------------------- calibration


def test_dog_owners_are_a_fifth_to_a_third_some_with_large_dogs(copenhagen: Case) -> None:
    """~25 % own a dog (20–30 %), about a third of them large dogs [004:3918-3930]."""
    for case in (copenhagen, generate_case("national")):
        pets = [y.pet for y in case.youths]
        dogs = np.mean([p in (Pet.SMALL_DOG, Pet.LARGE_DOG) for p in pets])
        large = np.mean([p is Pet.LARGE_DOG for p in pets])
        assert 0.20 <= dogs <= 0.30
        assert 0.05 <= large <= 0.12


def test_most_departments_ban_dogs(copenhagen: Case) -> None:
    """Most dwellings allow no dog, few allow a large one [004:3918-3930]."""
    policies = np.array([int(u.pets) for u in copenhagen.units])
    assert np.mean(policies <= 1) >= 0.5  # none or cats only
    assert 0 < np.mean(policies == 3) <= 0.3


@pytest.mark.parametrize("name", ["naestved", "copenhagen"])
def test_median_rent_is_near_the_cash_benefit_ceiling(name: str) -> None:
    """Median rent within 10 % of 3,000 kr, as almen rents per m² give (domain.md §8)."""
    case = generate_case(name)
    assert 2700 <= np.median([u.rent for u in case.units]) <= 3300
    assert 2800 <= np.median([u.monthly_cost for u in case.units]) <= 3600


def test_rents_follow_the_almen_rent_per_square_metre(copenhagen: Case) -> None:
    """Rent × 12 / m² is within ±10 % (plus rounding) of 958 kr for youth and 835 kr for
    family dwellings (domain.md §8), so youth dwellings are the cheaper ones."""
    per_m2 = {DwellingType.YOUTH: 958, DwellingType.FAMILY: 835, DwellingType.PRIVATE: 1150}
    for u in copenhagen.units:
        assert u.size_m2 is not None
        ratio = u.rent * 12 / u.size_m2 / per_m2[u.dwelling_type]
        assert 0.88 <= ratio <= 1.12, u

    def median(kind: DwellingType) -> float:
        return float(np.median([u.rent for u in copenhagen.units if u.dwelling_type is kind]))

    assert median(DwellingType.YOUTH) < median(DwellingType.FAMILY)


def test_only_family_departments_use_combined_letting(copenhagen: Case) -> None:
    """A few family departments exclude cash-benefit recipients [004:3861-3880]; no others."""
    restricted = [u for u in copenhagen.units if u.benefit_restricted]
    assert 0 < len(restricted) <= 0.3 * len(copenhagen.units)
    assert all(u.dwelling_type is DwellingType.FAMILY for u in restricted)


@pytest.mark.parametrize("name", ["naestved", "copenhagen"])
def test_cti_teams_run_near_capacity(name: str) -> None:
    """Every CTI team has 0–2 free slots, and some have a slot to give."""
    case = generate_case(name)
    free = [case.policy.free_slots(t) for t in case.teams if t.method is SupportMethod.CTI]
    assert free and all(f is not None and 0 <= f <= 2 for f in free)
    assert sum(f or 0 for f in free) >= 1


@pytest.mark.parametrize("name", ["naestved", "copenhagen"])
def test_urgent_youths_and_icm_youths_without_a_team_are_present(name: str) -> None:
    """Some youths are urgent (eviction, release); some ICM youths still wait for a team."""
    case = generate_case(name)
    assert sum(case.policy.is_urgent(y) for y in case.youths) >= 1
    assert any(y.urgent_by and not case.policy.is_urgent(y) for y in case.youths)
    assert any(y.support_method is SupportMethod.ICM and not y.support_team for y in case.youths)


@pytest.mark.parametrize("name", ["naestved", "copenhagen"])
def test_quota_rows_cover_the_almen_groups_and_some_are_tight(name: str) -> None:
    """One row per almen (organisation, type), none for private landlords; some groups have
    fewer remaining claims than this week's vacancies in them."""
    case = generate_case(name)
    almen = {
        (u.organisation, u.dwelling_type)
        for u in case.units
        if u.dwelling_type is not DwellingType.PRIVATE
    }
    assert set(case.quota_by_key()) == almen
    rate = case.policy.default_quota_rate
    tight = [
        q
        for q in case.quotas
        if q.remaining(rate)
        < sum((u.organisation, u.dwelling_type) == (q.organisation, q.dwelling_type)
              for u in case.units)
    ]  # fmt: skip
    assert tight


def test_ages_span_the_youth_band_with_some_at_its_edges(copenhagen: Case) -> None:
    """Ages 17–26 at the run date: some 17–18, a few 26 (outside the youth-dwelling band)."""
    ages = np.array([y.age_on(RUN_DATE) for y in copenhagen.youths])
    assert ages.min() == 17 and ages.max() == 26
    assert 0.08 <= np.mean(ages <= 18) <= 0.2
    assert 0.01 <= np.mean(ages == 26) <= 0.08


def test_referrals_spread_over_the_past_two_years_after_the_17th_birthday(
    copenhagen: Case,
) -> None:
    """Queue starts lie 1 week to 2 years back, never before the youth turned 17."""
    days = np.array([(RUN_DATE - y.referred_on).days for y in copenhagen.youths])
    assert days.min() >= 7 and days.max() <= 730 and np.median(days) > 200
    assert all(y.age_on(y.referred_on) >= 17 for y in copenhagen.youths)


def test_income_types_are_mostly_cash_benefit(copenhagen: Case) -> None:
    """Cash benefit dominates, at its two 2013 rates [004:4341-4343]; SU, pension, job occur."""
    kinds = [y.income_type for y in copenhagen.youths]
    assert 0.6 <= np.mean([k is IncomeType.CASH_BENEFIT for k in kinds]) <= 0.76
    assert {IncomeType.SU, IncomeType.DISABILITY_PENSION, IncomeType.JOB} <= set(kinds)
    cash = {y.monthly_income for y in copenhagen.youths if y.income_type is IncomeType.CASH_BENEFIT}
    assert cash == {5753, 6767}


def test_monitoring_shares_match_the_youth_project(national: Case) -> None:
    """Women 44 %, Greenlandic background 7 % [000:253-276]; household mostly 1."""
    youths = national.youths
    assert 0.42 <= np.mean([y.gender is Gender.FEMALE for y in youths]) <= 0.46
    assert 0.06 <= np.mean([bool(y.greenlandic) for y in youths]) <= 0.08
    assert np.mean([y.household_size == 1 for y in youths]) >= 0.85


# --------------------------------------------------------------------------- tiny


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_tiny_has_every_hand_made_situation() -> None:
    """The situations EXPECTED.md relies on: one CTI slot for two CTI youths, one quota claim
    for two dwellings, a large dog, an urgent youth, ICM without team, combined letting, a
    youth priced out by an explicit ceiling, and a 26-year-old."""
    case = read_case(FIXTURES / "tiny")
    policy = case.policy
    (cti,) = [t for t in case.teams if t.method is SupportMethod.CTI]
    assert policy.free_slots(cti) == 1
    assert sum(y.support_team == cti.team for y in case.youths) == 2
    tight = [q for q in case.quotas if q.remaining(policy.default_quota_rate) == 1]
    assert any(
        sum((u.organisation, u.dwelling_type) == (q.organisation, q.dwelling_type)
            for u in case.units) == 2
        for q in tight
    )  # fmt: skip
    assert any(y.pet is Pet.LARGE_DOG for y in case.youths)
    assert sum(policy.is_urgent(y) for y in case.youths) == 1
    assert any(y.support_method is SupportMethod.ICM and not y.support_team for y in case.youths)
    assert any(u.benefit_restricted for u in case.units)
    assert any(y.income_type is IncomeType.CASH_BENEFIT for y in case.youths)
    cheapest = min(u.monthly_cost for u in case.units)
    assert any(policy.ceiling_for(y) < cheapest for y in case.youths)
    assert any(y.age_on(RUN_DATE) > 25 for y in case.youths)


def test_tiny_expected_files_account_for_every_youth_once() -> None:
    """Each youth is either matched (to a distinct dwelling) or unmatched with a known code."""
    case = read_case(FIXTURES / "tiny")
    matches = _rows(FIXTURES / "tiny" / "expected_matches.csv")
    unmatched = _rows(FIXTURES / "tiny" / "expected_unmatched.csv")
    refs = [r["youth_ref"] for r in matches] + [r["youth_ref"] for r in unmatched]
    assert sorted(refs) == sorted(y.ref for y in case.youths)
    assert len({r["unit_ref"] for r in matches}) == len(matches)
    assert {r["unit_ref"] for r in matches} <= {u.ref for u in case.units}
    assert {r["reason"] for r in unmatched} == {
        "support_not_in_place", "support_capacity", "pet_not_allowed", "quota_exhausted",
        "outranked", "no_affordable_unit",
    }  # fmt: skip


def test_tiny_has_seventeen_eligible_pairs() -> None:
    """EXPECTED.md's table of hard rules leaves 17 (youth, dwelling) pairs."""
    case = read_case(FIXTURES / "tiny")
    elig = compute_eligibility(case)
    pairs = {
        (case.youths[i].ref, case.units[j].ref)
        for i, j in zip(elig.youth_idx, elig.unit_idx, strict=True)
    }
    assert pairs == {
        ("T01", "U1"), ("T01", "U2"),
        ("T02", "U1"), ("T02", "U2"), ("T02", "U3"), ("T02", "U4"),
        ("T04", "U2"), ("T04", "U3"), ("T04", "U4"),
        ("T05", "U3"), ("T05", "U4"), ("T05", "U5"),
        ("T07", "U1"), ("T07", "U2"),
        ("T08", "U3"),
        ("T09", "U3"), ("T09", "U4"),
    }  # fmt: skip


# --------------------------------------------------------------------------- national


@pytest.mark.slow
def test_national_case_has_at_least_two_million_eligible_pairs(national: Case) -> None:
    """The stress case: 20,000 × 5,000 with ≥ 2 million pairs passing every hard rule."""
    assert (len(national.youths), len(national.units)) == (20_000, 5_000)
    assert compute_eligibility(national).n_pairs >= 2_000_000


def test_national_youths_stay_in_their_region(national: Case) -> None:
    """Each youth excludes every area outside its own region of five."""
    n_areas = len({u.area for u in national.units})
    assert n_areas == 40
    assert all(len(set(y.excluded_areas)) in (35, 36) for y in national.youths[:500])


def test_generated_dates_are_around_the_run_date(national: Case) -> None:
    """Vacancies come free within 75 days; urgent_by lies a week back to 75 days ahead."""
    avail = [(u.available_from - RUN_DATE).days for u in national.units]
    assert min(avail) == 0 and max(avail) == 75
    urgent = [y.urgent_by for y in national.youths if y.urgent_by]
    assert min(urgent) >= RUN_DATE - timedelta(days=7)
    assert max(urgent) <= RUN_DATE + timedelta(days=75)


def test_profiles_are_frozen() -> None:
    """A profile cannot be changed in place (replace makes a variant)."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROFILES["naestved"].n_youths = 1  # type: ignore[misc]
    assert isinstance(PROFILES["national"], Profile)
