"""The fixture generator: deterministic, calibrated, and equal to the committed folders."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pytest

from solver.case import read_case
from solver.domain import Pet, SupportMethod
from solver.eligibility import compute_eligibility
from solver.fixtures import PROFILES, generate_case, generate_command

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
CASE_FILES = ["youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml"]


@pytest.mark.parametrize("name", ["tiny", "naestved", "copenhagen"])
def test_committed_fixture_equals_a_fresh_generation(name: str, tmp_path: Path) -> None:
    """The folders in data/fixtures are exactly what the generator makes (they cannot drift)."""
    generate_command(name, None, tmp_path)
    same, mismatch, errors = filecmp.cmpfiles(FIXTURES / name, tmp_path, CASE_FILES, shallow=False)
    assert (same, mismatch, errors) == (CASE_FILES, [], [])


def test_same_seed_same_case_other_seed_other_case() -> None:
    """Generation is a function of profile and seed."""
    assert generate_case("naestved", 7) == generate_case("naestved", 7)
    assert generate_case("naestved", 7) != generate_case("naestved", 8)


@pytest.mark.parametrize(
    ("name", "youths", "units"), [("naestved", 60, 10), ("copenhagen", 900, 80)]
)
def test_profile_sizes(name: str, youths: int, units: int) -> None:
    """Each committed profile has its documented size and reads back cleanly."""
    case = read_case(FIXTURES / name)
    assert (len(case.youths), len(case.units)) == (youths, units)


def test_copenhagen_is_calibrated_to_the_documents() -> None:
    """Dog owners 20–30 %, median monthly cost near the 3,000 kr ceiling, CTI teams near
    capacity, urgent youths and quota rows present."""
    case = generate_case("copenhagen")
    dogs = np.mean([y.pet in (Pet.SMALL_DOG, Pet.LARGE_DOG) for y in case.youths])
    assert 0.2 <= dogs <= 0.3
    assert any(y.pet is Pet.LARGE_DOG for y in case.youths)
    assert 2600 <= np.median([u.monthly_cost for u in case.units]) <= 3600
    cti = [t for t in case.teams if t.method is SupportMethod.CTI]
    assert all(0 <= case.policy.free_slots(t) <= 2 for t in cti)  # type: ignore[operator]
    assert sum(case.policy.is_urgent(y) for y in case.youths) >= 10
    assert case.quotas
    female = np.mean([y.gender is not None and y.gender.value == "female" for y in case.youths])
    assert 0.38 <= female <= 0.5


@pytest.mark.slow
def test_national_case_has_at_least_two_million_eligible_pairs() -> None:
    """The stress case: 20,000 × 5,000 with ≥ 2 million pairs passing every hard rule."""
    case = generate_case("national")
    assert (len(case.youths), len(case.units)) == (PROFILES["national"].n_youths, 5000)
    assert compute_eligibility(case).n_pairs >= 2_000_000


def test_unknown_profile_is_a_clear_error() -> None:
    """A typo names the profiles there are."""
    with pytest.raises(KeyError, match="naestved"):
        generate_case("aarhus")
