"""Seeded, documented generator of realistic case folders.

Four named profiles (:data:`PROFILES`, seeds in :data:`DEFAULT_SEEDS`):

- ``tiny``: ten youths and five dwellings **written by hand** (:func:`tiny_case`) so a person can
  check the optimiser's answer; ``data/fixtures/tiny/EXPECTED.md`` works it out step by step.
- ``naestved``: a mid-size municipality, 60 waiting youths, 10 vacancies.
- ``copenhagen``: a large municipality, 900 waiting youths, 80 vacancies.
- ``national``: a stress case, 20,000 youths × 5,000 dwellings with at least 2 million
  (youth, dwelling) pairs passing every hard rule; generated on demand, never committed.

The random profiles are drawn from a :class:`Profile` with ``numpy.random.default_rng(seed)``,
so the same profile and seed give identical files. Every fixture is pinned to the run date
:data:`RUN_DATE` (written explicitly into ``policy.toml``), so it does not drift over time.

Every number below says where it comes from: a section of ``../shared/domain.md`` (``§8``), a
seed document line (``[004:4395-4398]``, files in ``../shared/seeds/``), a public source outside
the seeds, or *assumption* where the documents are silent.

Use ``generate_case("naestved", 48)`` for a :class:`~solver.domain.Case`, ``write_case_folder``
to write one, and ``dataclasses.replace(PROFILES["naestved"], n_youths=200)`` for a variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .case import write_case
from .domain import (
    Case,
    DwellingType,
    Gender,
    IncomeType,
    Pet,
    PetPolicy,
    Policy,
    QuotaGroup,
    Situation,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)

T = TypeVar("T")

# Fixtures are pinned to one week (Monday of 2026-W48) so their results never change.
RUN_DATE = date(2026, 11, 23)

DWELLING_TYPES = (DwellingType.YOUTH, DwellingType.FAMILY, DwellingType.PRIVATE)

# Calibration defaults shared by the random profiles (each a Profile field, overridable).

# Almen rents (domain.md §8, Landsbyggefonden, outside the seeds): youth dwellings ~958,
# family dwellings ~835 kr/m²/year; private rentals dearer (assumption: 1,150).
RENT_PER_M2_YEAR = (958, 835, 1150)
# Dwelling sizes in m² by type (assumption), chosen so a typical youth dwelling (~35 m²) costs
# about 2,550 kr + utilities and the median dwelling about 3,000 kr: around the cash-benefit
# ceiling (domain.md §8: a 40 m² one-room flat ≈ 3,000 kr/month). Family dwellings claimed for
# youth are the small ones.
SIZE_M2 = ((22, 42), (35, 65), (25, 55))
# Aconto utilities (heating, water) kr/month: assumption for small flats.
UTILITIES = (100, 400)
# Claimable vacancies by type: youth, family, private. The allocation right covers almen youth
# and family dwellings (§ 59 stk. 3 [003:463; 000:539-546]); private landlords only by
# agreement, so fewer (assumption).
TYPE_SHARES = (0.5, 0.35, 0.15)
# Department pet rules none/cats/small_dogs/all: fewer and fewer departments allow dogs, large
# dogs most often banned [004:3918-3930]; the split itself is an assumption (65 % ban dogs).
PET_POLICY_SHARES = (0.35, 0.30, 0.20, 0.15)

# Ages in completed years at the run date: target group 17–25 (domain.md §1), the ICM youth
# project 18–24 [000:253-276]; some 17–18, a few 25 and 26 at the youth-dwelling band's edge
# (policy youth_dwelling_age = [17, 25]). The split is an assumption.
AGE_SHARES = (
    (17, 0.04), (18, 0.10), (19, 0.12), (20, 0.13), (21, 0.13),
    (22, 0.13), (23, 0.12), (24, 0.11), (25, 0.08), (26, 0.04),
)  # fmt: skip
# Most waiting youth are on cash benefits: the 3,000 kr ceiling is theirs [004:4395-4398]; SU
# students can pay more [004:4399-4409]. The split is an assumption.
INCOME_SHARES = (
    (IncomeType.CASH_BENEFIT, 0.68),
    (IncomeType.SU, 0.12),
    (IncomeType.DISABILITY_PENSION, 0.05),
    (IncomeType.JOB, 0.08),
    (IncomeType.NONE, 0.07),
)
# Living situations [000:213-246]: most homeless youth couch-surf, a smaller group stays in
# § 110 shelters, a few sleep in a car. Half are at risk rather than homeless (eviction risk,
# unstable home): women are 44 % overall, 49 % at risk and 39 % homeless [000:253-276], so
# 0.49 r + 0.39 (1 − r) = 0.44 gives r = ½. The split within each half is an assumption.
SITUATION_SHARES = (
    (Situation.COUCH, 0.28),
    (Situation.SHELTER, 0.10),
    (Situation.STREET, 0.04),
    (Situation.INSTITUTION_EXIT, 0.08),
    (Situation.EVICTION_RISK, 0.22),
    (Situation.UNSTABLE_HOME, 0.28),
)
AT_RISK = frozenset({Situation.EVICTION_RISK, Situation.UNSTABLE_HOME})
# Support methods ICM/CTI (the youth project's methods [000:380-417]), ACT in the largest
# cities [004:9781-9789], none. The split is an assumption.
METHOD_SHARES = (
    (SupportMethod.ICM, 0.40),
    (SupportMethod.CTI, 0.25),
    (SupportMethod.ACT, 0.05),
    (SupportMethod.NONE, 0.30),
)
# Household sizes: mostly alone; a couple or a young parent with a child (assumption).
HOUSEHOLD_SHARES = ((1, 0.88), (2, 0.09), (3, 0.03))

# Monthly income by type (kr, before tax), used by the rent-share fit term. Cash benefit for
# 18–24 living away from home: 6,767 kr for the first 6 months, then 5,753 kr [004:4341-4343].
CASH_BENEFIT_RATES = (6767, 5753)
CASH_BENEFIT_FIRST_MONTHS_SHARE = 0.3  # assumption: share still in their first 6 months
# SU away from home ~6,800–7,100 kr (2024–2026 rates, outside the seeds); disability pension
# and job incomes: assumptions.
INCOME_RANGE = {
    IncomeType.SU: (6800, 7100),
    IncomeType.DISABILITY_PENSION: (17000, 21000),
    IncomeType.JOB: (9000, 16000),
}
FEMALE_SHARE = {True: 0.49, False: 0.39}  # at risk / homeless [000:253-276]; 44 % overall
OTHER_GENDER_SHARE = 0.01  # assumption
GREENLANDIC_SHARE = 0.07  # 7 % Greenlandic background [000:253-276]
# Caseload caps per worker: the policy defaults, ICM 8, CTI 10, ACT 10 (see solver.domain).
CAP = Policy(run_date=RUN_DATE).caseload_cap


@dataclass(frozen=True)
class Profile:
    """What a generated municipality looks like; every share is a probability in [0, 1].

    Sizes
        ``n_youths`` waiting youths, ``n_units`` vacancies the municipality may claim this week,
        ``areas`` (districts), ``n_organisations`` almen housing organisations with
        ``departments_per_type`` departments (afdelinger) per dwelling type each, and
        ``n_private_landlords``. ``region_size`` > 0 splits the areas into regions of that many
        areas and keeps every youth inside one region (expressed as excluded areas): a national
        pool of many municipalities, each placing its own youth.
    Support teams
        ``n_cti_teams``, ``n_icm_teams``, ``n_act_teams`` with ``workers`` per team (a range);
        CTI/ACT teams run near capacity with ``cti_free_slots`` / ``act_free_slots`` free slots
        (ranges, inclusive); ``icm_without_team_share`` of ICM youths still wait for a team.
    Dwellings
        ``type_shares`` (youth, family, private), ``size_m2`` and ``rent_per_m2_year`` by type,
        ``rent_scale`` (× all rents), ``rent_spread`` (± uniform noise), ``utilities`` (range),
        ``pet_policy_shares`` (none, cats, small_dogs, all; drawn per department),
        ``restricted_department_share`` of family departments with combined/flexible letting
        (benefit_restricted), ``accessible_unit_share``, and ``available_within_days``
        (available_from is the run date plus 0 … this many days; the policy horizon is 60).
    Youths
        ``age_shares``, ``income_shares``, ``situation_shares``, ``method_shares``,
        ``household_shares`` as (value, share) pairs; ``dog_owner_share`` with
        ``large_dog_share_of_dogs``, ``cat_share``; ``needs_accessible_share``;
        ``preferred_area_share`` (1–2 preferred areas), ``excluded_area_share`` (one excluded
        area); ``referred_days_ago`` (range); urgent_by is set for every youth at eviction risk or
        leaving an institution and for ``other_urgent_share`` of the rest, at the run date plus
        ``urgent_by_days`` (range; urgent when within the policy's 28 days).
    Quotas
        one row per almen (organisation, type) at the default rate ¼: a counting window of
        about ``window_weeks`` weeks of vacancies like this one, and ``quota_tight_share`` of
        groups whose remaining claims fall ``quota_shortfall`` (range) short of this week's
        vacancies in the group.
    """

    n_youths: int
    n_units: int
    areas: tuple[str, ...]
    n_organisations: int
    n_cti_teams: int
    n_icm_teams: int
    n_act_teams: int = 0
    region_size: int = 0
    departments_per_type: int = 3  # assumption
    n_private_landlords: int = 5  # assumption
    # Support teams. Workers per team: assumption, the order of Copenhagen's youth unit with
    # 28–32 youth in CTI/ICM [002:64]. CTI near capacity (domain.md §1: hard caseload limits).
    workers: tuple[int, int] = (1, 4)
    cti_free_slots: tuple[int, int] = (0, 2)
    act_free_slots: tuple[int, int] = (0, 3)
    icm_without_team_share: float = 0.08  # ICM starts at visitation [003:258, 299]; assumption
    # Dwellings.
    type_shares: tuple[float, float, float] = TYPE_SHARES
    size_m2: tuple[tuple[int, int], ...] = SIZE_M2
    rent_per_m2_year: tuple[int, int, int] = RENT_PER_M2_YEAR
    rent_scale: float = 1.0
    rent_spread: float = 0.1  # assumption: ±10 % between departments of one kind
    utilities: tuple[int, int] = UTILITIES
    pet_policy_shares: tuple[float, float, float, float] = PET_POLICY_SHARES
    # "A few" departments use combined/flexible letting that excludes cash benefit recipients
    # [004:3861-3880]; the share is an assumption.
    restricted_department_share: float = 0.15
    accessible_unit_share: float = 0.10  # assumption
    # Vacancies are reported up to ~2½ months ahead (assumption); the 60-day horizon of the
    # policy leaves about a fifth for a later run.
    available_within_days: int = 75
    # Youths.
    age_shares: tuple[tuple[int, float], ...] = AGE_SHARES
    income_shares: tuple[tuple[IncomeType, float], ...] = INCOME_SHARES
    situation_shares: tuple[tuple[Situation, float], ...] = SITUATION_SHARES
    method_shares: tuple[tuple[SupportMethod, float], ...] = METHOD_SHARES
    household_shares: tuple[tuple[int, float], ...] = HOUSEHOLD_SHARES
    # ~20–30 % own a dog (project brief; "a good part of homeless citizens have a dog"
    # [004:3918-3930]); about a third of the dogs large (assumption).
    dog_owner_share: float = 0.25
    large_dog_share_of_dogs: float = 0.35
    cat_share: float = 0.08  # assumption
    needs_accessible_share: float = 0.03  # assumption: "a few"
    preferred_area_share: float = 0.30  # assumption
    excluded_area_share: float = 0.10  # assumption (e.g. away from a former milieu)
    referred_days_ago: tuple[int, int] = (7, 730)  # queue start over the past 1–2 years
    other_urgent_share: float = 0.04  # e.g. a shelter stay ending (assumption)
    urgent_by_days: tuple[int, int] = (-7, 75)  # assumption; about 4 in 10 inside 28 days
    # Quotas.
    window_weeks: int = 4  # assumption: the counting window holds ~4 weeks' vacancies
    quota_tight_share: float = 1 / 3  # assumption: some groups are tight
    quota_shortfall: tuple[int, int] = (1, 2)

    def __post_init__(self) -> None:
        if min(self.n_youths, self.n_units, self.n_organisations) < 1:
            raise ValueError("A profile needs youths, dwellings and organisations.")
        if min(self.n_cti_teams, self.n_icm_teams, self.n_act_teams) < 0:
            raise ValueError("Negative number of teams.")
        if not self.areas or len(set(self.areas)) != len(self.areas):
            raise ValueError("Areas must be given and distinct.")
        if self.region_size and len(self.areas) % self.region_size:
            raise ValueError("The areas must split into whole regions.")
        shares = [
            self.icm_without_team_share,
            self.restricted_department_share,
            self.accessible_unit_share,
            self.dog_owner_share + self.cat_share,
            self.large_dog_share_of_dogs,
            self.needs_accessible_share,
            self.preferred_area_share,
            self.excluded_area_share,
            self.other_urgent_share,
            self.quota_tight_share,
        ]
        if not all(0 <= s <= 1 for s in shares):
            raise ValueError("A share outside [0, 1].")
        for pairs in (
            self.age_shares,
            self.income_shares,
            self.situation_shares,
            self.method_shares,
            self.household_shares,
        ):
            if any(s < 0 for _, s in pairs) or sum(s for _, s in pairs) <= 0:
                raise ValueError("Shares must be non-negative with a positive sum.")


# Copenhagen's ten districts (bydele), Vesterbro and Kongens Enghave counted as one.
COPENHAGEN_DISTRICTS = (
    "Indre By", "Østerbro", "Nørrebro", "Vesterbro/Kgs. Enghave", "Valby",
    "Vanløse", "Brønshøj-Husum", "Bispebjerg", "Amager Øst", "Amager Vest",
)  # fmt: skip


def _areas(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}-{i + 1:02d}" for i in range(n))


PROFILES: dict[str, Profile] = {
    # Næstved, one of the ICM youth project's municipalities [001:31]: ~60 waiting youth and
    # ~10 vacancies a week (project brief). Areas: the town's districts and its larger villages.
    "naestved": Profile(
        n_youths=60,
        n_units=10,
        areas=("Næstved C", "Næstved Nord", "Næstved Øst", "Fensmark", "Glumsø", "Karrebæksminde"),
        n_organisations=3,
        n_cti_teams=2,
        n_icm_teams=2,
    ),
    # Copenhagen: youth were 36 % of the allocation applicants [004:4385-4391]; its youth unit
    # has 100 youth in coordination and 28–32 in CTI/ICM [002:64]. ~900 waiting, ~80 vacancies
    # (project brief). Areas: the city's ten districts (bydele).
    "copenhagen": Profile(
        n_youths=900,
        n_units=80,
        areas=COPENHAGEN_DISTRICTS,
        n_organisations=8,
        n_cti_teams=4,
        n_icm_teams=3,
        n_act_teams=1,
    ),
    # National stress case (project brief): 20,000 × 5,000, ≥ 2 million eligible pairs. Eight
    # regions of five areas; each youth is placed within its own region. Rents 15 % dearer than
    # one municipality's average: cheap flats are scarce (Copenhagen's dwellings under 3,000 kr
    # fell from ~4,000 to ~1,300 in 2010–2012 [004:4421-4431]). This gives ~2.3 million eligible
    # pairs with seed 2026, comfortably above the 2 million asked for.
    "national": Profile(
        n_youths=20_000,
        n_units=5_000,
        areas=_areas("Område", 40),
        region_size=5,
        n_organisations=60,
        departments_per_type=6,
        n_private_landlords=40,
        n_cti_teams=60,
        n_icm_teams=60,
        n_act_teams=10,
        rent_scale=1.15,
    ),
}
# The documented seed of each profile (tiny is hand-made: the seed is ignored). Any seed works;
# these are the ones of the committed folders and of `boligmatch fixtures generate` by default.
DEFAULT_SEEDS: dict[str, int] = {"tiny": 0, "naestved": 48, "copenhagen": 2012, "national": 2026}
PROFILE_NAMES = ("tiny", *PROFILES)


def generate_case(profile: str | Profile, seed: int | None = None) -> Case:
    """A case for a named profile (or a :class:`Profile`) and a seed.

    Parameters
    ----------
    profile
        ``"tiny"``, ``"naestved"``, ``"copenhagen"``, ``"national"`` or a :class:`Profile`.
    seed
        Seed of ``numpy.random.default_rng``. ``None`` means the named profile's documented
        seed (:data:`DEFAULT_SEEDS`); a custom :class:`Profile` needs one. ``tiny`` is
        hand-made and ignores it.

    Returns
    -------
    Case
        The same (profile, seed) always gives an equal case, and so identical files.
    """
    if isinstance(profile, str):
        if profile == "tiny":
            return tiny_case()
        if profile not in PROFILES:
            raise KeyError(f"Unknown profile {profile!r}; known: {', '.join(PROFILE_NAMES)}.")
        seed = DEFAULT_SEEDS[profile] if seed is None else seed
        profile = PROFILES[profile]
    if seed is None:
        raise ValueError("A custom profile needs a seed.")
    rng = np.random.default_rng(seed)
    teams = _teams(rng, profile)
    units = _units(rng, profile)
    youths = _youths(rng, profile, teams)
    quotas = _quotas(rng, profile, units)
    return Case(youths, units, teams, quotas, Policy(run_date=RUN_DATE))


def write_case_folder(case: Case, folder: Path | str) -> None:
    """Write ``case`` as a case folder (``youths.csv``, ``units.csv``, ``support.csv``,
    ``quotas.csv``, ``policy.toml`` with an explicit ``run_date``), via
    :func:`solver.case.write_case`."""
    write_case(case, Path(folder))


def generate_command(profile: str, seed: int | None, out: Path) -> None:
    """``boligmatch fixtures generate PROFILE [--seed N] --out DIR``: write a fresh case folder.

    ``seed=None`` takes the profile's documented seed (:data:`DEFAULT_SEEDS`).
    """
    write_case_folder(generate_case(profile, seed), out)


# --------------------------------------------------------------------------- drawing


def _draw(rng: np.random.Generator, pairs: Sequence[tuple[T, float]], n: int) -> list[T]:
    """``n`` values drawn with the given shares (normalised)."""
    p = np.array([s for _, s in pairs], dtype=float)
    picks = rng.choice(len(pairs), size=n, p=p / p.sum())
    return [pairs[int(i)][0] for i in picks]


def _between(rng: np.random.Generator, lo_hi: tuple[int, int], n: int) -> np.ndarray:
    """``n`` integers uniform in the inclusive range."""
    return rng.integers(lo_hi[0], lo_hi[1] + 1, size=n)


def _birthday(birth: date, years: int) -> date:
    """The ``years``-th birthday (29 February → 1 March in common years)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def _teams(rng: np.random.Generator, p: Profile) -> tuple[SupportTeam, ...]:
    """Teams of each method. CTI/ACT: caseload = workers × cap − free slots, the cap left to the
    policy (CTI 10 [003:254], ACT 10 [004:9781-9789]). ICM: support has started, so its caseload
    is at most workers × 8 [000:482]; it limits no move-in."""
    teams: list[SupportTeam] = []
    plan = (
        (SupportMethod.CTI, p.n_cti_teams, p.cti_free_slots),
        (SupportMethod.ICM, p.n_icm_teams, (0, 3)),  # ICM room: assumption, unused by rules
        (SupportMethod.ACT, p.n_act_teams, p.act_free_slots),
    )
    for method, n, free_range in plan:
        workers = _between(rng, p.workers, n)
        free = _between(rng, free_range, n)
        for i in range(n):
            caseload = max(0, int(workers[i]) * CAP[method] - int(free[i]))
            teams.append(SupportTeam(f"{method.value}-{i + 1}", method, int(workers[i]), caseload))
    return tuple(teams)


def _units(rng: np.random.Generator, p: Profile) -> tuple[Unit, ...]:
    """Vacancies: almen youth/family dwellings in departments (each with an area, a pet rule,
    and for family departments maybe combined letting), and private rentals."""
    n, n_org, n_dep = p.n_units, p.n_organisations, p.departments_per_type
    # Department attributes, indexed [organisation, type (0 youth, 1 family), department].
    dep_area = rng.integers(0, len(p.areas), size=(n_org, 2, n_dep))
    dep_pets = rng.choice(4, size=(n_org, 2, n_dep), p=np.array(p.pet_policy_shares))
    dep_restricted = rng.random((n_org, 2, n_dep)) < p.restricted_department_share
    dep_restricted[:, 0, :] = False  # combined letting is a family-housing tool [004:3861-3880]

    kind = rng.choice(3, size=n, p=np.array(p.type_shares) / sum(p.type_shares))
    org = rng.integers(0, n_org, size=n)
    dep = rng.integers(0, n_dep, size=n)
    landlord = rng.integers(0, p.n_private_landlords, size=n)
    private_area = rng.integers(0, len(p.areas), size=n)
    private_pets = rng.choice(4, size=n, p=np.array(p.pet_policy_shares))
    lo = np.array([r[0] for r in p.size_m2])[kind]
    hi = np.array([r[1] for r in p.size_m2])[kind]
    size = rng.integers(lo, hi + 1)
    noise = rng.uniform(1 - p.rent_spread, 1 + p.rent_spread, size=n)
    per_m2 = np.array(p.rent_per_m2_year, dtype=float)[kind] * p.rent_scale
    rent = (np.round(size * per_m2 / 12 * noise / 10) * 10).astype(np.int64)  # whole tens
    utilities = _between(rng, (p.utilities[0] // 10, p.utilities[1] // 10), n) * 10
    accessible = rng.random(n) < p.accessible_unit_share
    available = rng.integers(0, p.available_within_days + 1, size=n)
    two_room_youth = rng.random(n) < 0.1  # a few youth dwellings have 2 rooms (assumption)

    units = []
    for i in range(n):
        k = int(kind[i])
        dwelling_type = DWELLING_TYPES[k]
        m2 = int(size[i])
        if dwelling_type is DwellingType.PRIVATE:
            organisation = f"Privat-{int(landlord[i]) + 1:02d}"
            department = organisation
            area = p.areas[int(private_area[i])]
            pets = PetPolicy(int(private_pets[i]))
            restricted = False
            rooms = 1 if m2 < 45 else 2  # assumption
        else:
            o, d = int(org[i]), int(dep[i])
            organisation = f"Boligorg-{o + 1:02d}"
            department = f"{organisation}-afd{k * n_dep + d + 1:02d}"
            area = p.areas[int(dep_area[o, k, d])]
            pets = PetPolicy(int(dep_pets[o, k, d]))
            restricted = bool(dep_restricted[o, k, d])
            if dwelling_type is DwellingType.YOUTH:
                rooms = 2 if two_room_youth[i] and m2 >= 40 else 1
            else:
                rooms = 1 if m2 < 50 else (2 if m2 < 68 else 3)  # assumption
        units.append(
            Unit(
                ref=f"B{i + 1:05d}",
                organisation=organisation,
                department=department,
                area=area,
                dwelling_type=dwelling_type,
                rooms=rooms,
                size_m2=m2,
                rent=int(rent[i]),
                utilities=int(utilities[i]),
                deposit=int(rent[i]) * 3,  # at most 3 months' rent (lejeloven; outside seeds)
                pets=pets,
                accessible=bool(accessible[i]),
                available_from=RUN_DATE + timedelta(days=int(available[i])),
                benefit_restricted=restricted,
            )
        )
    return tuple(units)


def _youths(
    rng: np.random.Generator, p: Profile, teams: tuple[SupportTeam, ...]
) -> tuple[Youth, ...]:
    """Waiting youths, drawn column by column."""
    n = p.n_youths
    by_method: dict[SupportMethod, list[str]] = {}
    for t in teams:
        by_method.setdefault(t.method, []).append(t.team)

    ages = _draw(rng, p.age_shares, n)
    days_into_year = rng.integers(0, 365, size=n)
    referred = _between(rng, p.referred_days_ago, n)
    incomes = _draw(rng, p.income_shares, n)
    first_months = rng.random(n) < CASH_BENEFIT_FIRST_MONTHS_SHARE
    amount_u = rng.random(n)
    situations = _draw(rng, p.situation_shares, n)
    methods = _draw(rng, p.method_shares, n)
    team_pick = rng.random(n)
    no_team = rng.random(n) < p.icm_without_team_share
    pet_u = rng.random(n)
    large_u = rng.random(n)
    households = _draw(rng, p.household_shares, n)
    accessible = rng.random(n) < p.needs_accessible_share
    other_urgent = rng.random(n) < p.other_urgent_share
    urgent_days = _between(rng, p.urgent_by_days, n)
    region = rng.integers(0, len(p.areas) // p.region_size if p.region_size else 1, size=n)
    preferred_u = rng.random(n)
    n_preferred = rng.integers(1, 3, size=n)
    area_picks = rng.random((n, 3))
    excluded_u = rng.random(n)
    gender_u = rng.random(n)
    greenlandic = rng.random(n) < GREENLANDIC_SHARE

    youths = []
    for i in range(n):
        # Birth date: `age` completed years on the run date, anywhere within that year.
        age = ages[i]
        birth = date(RUN_DATE.year - age, RUN_DATE.month, RUN_DATE.day) - timedelta(
            days=int(days_into_year[i])
        )
        # Referred at 17 or later (the target group's lower age, domain.md §1), a week ago at least.
        since_17 = max(7, (RUN_DATE - _birthday(birth, 17)).days)
        income = incomes[i]
        if income is IncomeType.CASH_BENEFIT:
            amount: int | None = CASH_BENEFIT_RATES[0 if first_months[i] else 1]
        elif income in INCOME_RANGE:
            lo, hi = INCOME_RANGE[income]
            amount = int(round(lo + (hi - lo) * amount_u[i], -1))
        else:
            amount = None
        method = methods[i]
        if method is not SupportMethod.NONE and method not in by_method:
            method = SupportMethod.NONE  # the profile has no team of that method
        team = None
        if method is not SupportMethod.NONE:
            options = by_method[method]
            team = options[int(team_pick[i] * len(options))]
            if method is SupportMethod.ICM and no_team[i]:
                team = None  # visitation done, ICM team not yet assigned: not eligible
        if pet_u[i] < p.dog_owner_share:
            pet = Pet.LARGE_DOG if large_u[i] < p.large_dog_share_of_dogs else Pet.SMALL_DOG
        elif pet_u[i] < p.dog_owner_share + p.cat_share:
            pet = Pet.CAT
        else:
            pet = Pet.NONE
        situation = situations[i]
        urgent_by = None
        # Eviction and release dates are what urgent_by records (domain.md §3).
        if situation in (Situation.EVICTION_RISK, Situation.INSTITUTION_EXIT) or other_urgent[i]:
            urgent_by = RUN_DATE + timedelta(days=int(urgent_days[i]))
        # Areas: own region only (national), some preferences and exclusions inside it.
        if p.region_size:
            r = int(region[i])
            own = p.areas[r * p.region_size : (r + 1) * p.region_size]
            outside = tuple(a for a in p.areas if a not in own)
        else:
            own, outside = p.areas, ()
        preferred: tuple[str, ...] = ()
        if preferred_u[i] < p.preferred_area_share:
            picks = {own[int(area_picks[i, j] * len(own))] for j in range(int(n_preferred[i]))}
            preferred = tuple(sorted(picks))
        excluded = outside
        if excluded_u[i] < p.excluded_area_share:
            away = own[int(area_picks[i, 2] * len(own))]
            preferred = tuple(a for a in preferred if a != away)
            excluded = tuple(sorted({*outside, away}))
        female = FEMALE_SHARE[situation in AT_RISK]
        g = gender_u[i]
        gender = (
            Gender.FEMALE
            if g < female
            else (Gender.OTHER if g >= 1 - OTHER_GENDER_SHARE else Gender.MALE)
        )
        youths.append(
            Youth(
                ref=f"U{i + 1:05d}",
                birth_date=birth,
                referred_on=RUN_DATE - timedelta(days=min(int(referred[i]), since_17)),
                situation=situation,
                income_type=income,
                support_method=method,
                monthly_income=amount,
                pet=pet,
                household_size=households[i],
                needs_accessible=bool(accessible[i]),
                support_team=team,
                urgent_by=urgent_by,
                preferred_areas=preferred,
                excluded_areas=excluded,
                gender=gender,
                greenlandic=bool(greenlandic[i]),
            )
        )
    return tuple(youths)


def _quotas(
    rng: np.random.Generator, p: Profile, units: tuple[Unit, ...]
) -> tuple[QuotaGroup, ...]:
    """One row per almen (organisation, type) at the default rate ¼ (almenboligloven § 59
    stk. 3 [003:463; 000:539-546]); private landlords have none.

    The counting window holds about ``window_weeks`` weeks of vacancies like this one (this
    week's included), and earlier claims leave one remaining claim per vacancy this week, except
    in ``quota_tight_share`` of groups, which are ``quota_shortfall`` claims short.
    """
    here: dict[tuple[str, DwellingType], int] = {}
    for u in units:
        if u.dwelling_type is not DwellingType.PRIVATE:
            key = (u.organisation, u.dwelling_type)
            here[key] = here.get(key, 0) + 1
    quotas = []
    for (org, kind), count in sorted(here.items()):
        vacancies = count * p.window_weeks * 4 + int(rng.integers(0, 4))
        tight = rng.random() < p.quota_tight_share
        short = int(_between(rng, p.quota_shortfall, 1)[0]) if tight else 0
        remaining = max(0, count - short)
        claimed = vacancies // 4 - remaining
        quotas.append(QuotaGroup(org, kind, vacancies, claimed))
    return tuple(quotas)


# --------------------------------------------------------------------------- tiny


def tiny_case() -> Case:
    """Ten youths and five dwellings, written by hand so that each hard rule bites and six
    reason codes appear, each unambiguously, and the result can be checked on paper:
    ``data/fixtures/tiny/EXPECTED.md``."""
    d = date.fromisoformat
    teams = (
        # 1 worker × cap 10 − caseload 9 = exactly 1 free slot, wanted by T01 and T02.
        SupportTeam("CTI-Syd", SupportMethod.CTI, workers=1, current_caseload=9),
        SupportTeam("ICM-Nord", SupportMethod.ICM, workers=2, current_caseload=10),
    )
    quotas = (
        # ⌊8 × ¼⌋ − 1 claimed = 1 remaining claim for the two BoligNord youth dwellings U1, U2.
        QuotaGroup("BoligNord", DwellingType.YOUTH, vacancies=8, claimed=1),
        # ⌊12 × ¼⌋ − 0 = 3 remaining for U3, U4: not binding. The rate is written explicitly.
        QuotaGroup("BoligSyd", DwellingType.FAMILY, vacancies=12, claimed=0, rate=Fraction(1, 4)),
    )

    def unit(ref: str, org: str, area: str, kind: DwellingType, rooms: int, rent: int,
             util: int, pets: PetPolicy, avail: str, restricted: bool = False) -> Unit:  # fmt: skip
        return Unit(ref, org, f"{org}-afd1", area, kind, rooms, rent, d(avail), None, util,
                    None, pets, False, restricted)  # fmt: skip

    yb, fb, pb = DwellingType.YOUTH, DwellingType.FAMILY, DwellingType.PRIVATE
    units = (
        unit("U1", "BoligNord", "Nord", yb, 1, 2600, 200, PetPolicy.NONE, "2026-11-23"),
        unit("U2", "BoligNord", "Nord", yb, 1, 2750, 150, PetPolicy.CATS, "2026-12-01"),
        unit("U3", "BoligSyd", "Syd", fb, 2, 3100, 300, PetPolicy.ALL, "2026-11-23"),
        # Combined letting: no cash-benefit recipients.
        unit("U4", "BoligSyd", "Syd", fb, 1, 2500, 250, PetPolicy.SMALL_DOGS, "2026-12-07", True),
        unit("U5", "Privat-1", "Centrum", pb, 1, 4200, 300, PetPolicy.ALL, "2026-11-30"),
    )

    def youth(ref: str, born: str, referred: str, income: IncomeType, amount: int | None,
              method: SupportMethod, team: str | None, **kw: Any) -> Youth:  # fmt: skip
        kw.setdefault("situation", Situation.COUCH)
        return Youth(ref=ref, birth_date=d(born), referred_on=d(referred), income_type=income,
                     support_method=method, monthly_income=amount, support_team=team,
                     **kw)  # fmt: skip

    cash, su = IncomeType.CASH_BENEFIT, IncomeType.SU
    cti, icm, none = SupportMethod.CTI, SupportMethod.ICM, SupportMethod.NONE
    youths = (
        # Urgent: eviction on 2026-12-05, inside the 28-day window.
        youth("T01", "2004-04-10", "2025-10-01", cash, 6767, cti, "CTI-Syd",
              urgent_by=d("2026-12-05"), situation=Situation.EVICTION_RISK),
        # Competes with T01 for CTI-Syd's one slot; on SU it also fits U3 and U4.
        youth("T02", "2003-08-01", "2025-01-15", su, 6800, cti, "CTI-Syd"),
        youth("T03", "2002-02-02", "2025-02-01", cash, 5753, icm, "ICM-Nord", pet=Pet.LARGE_DOG),
        youth("T04", "2005-05-05", "2025-03-01", su, 6400, icm, "ICM-Nord", pet=Pet.CAT),
        # 26 on the run date: outside the youth-dwelling band 17–25.
        youth("T05", "2000-05-01", "2025-06-01", IncomeType.JOB, 12000, none, None),
        # ICM chosen at visitation, no team yet: support not in place.
        youth("T06", "2006-01-01", "2024-12-01", cash, 6767, icm, None),
        youth("T07", "2004-09-09", "2025-08-01", cash, 5753, none, None),
        youth("T08", "2002-12-12", "2025-09-01", IncomeType.DISABILITY_PENSION, 18000, none, None,
              household_size=3),
        youth("T09", "2003-03-03", "2025-10-15", su, 6200, none, None, excluded_areas=("Nord",)),
        # The benefits office set a 2,500 kr ceiling (rent arrears): every dwelling costs more.
        youth("T10", "2001-07-07", "2025-11-01", cash, 5753, none, None, rent_ceiling=2500,
              situation=Situation.SHELTER),
    )  # fmt: skip
    return Case(youths, units, teams, quotas, Policy(run_date=RUN_DATE))
