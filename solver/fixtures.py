"""Seeded, documented generator of realistic case folders.

Profiles (``PROFILES``): ``tiny`` is written by hand so a person can check its result
(``data/fixtures/tiny/EXPECTED.md``); ``naestved``, ``copenhagen`` and ``national`` are drawn
from a :class:`Profile` with ``numpy.random.default_rng(seed)``: the same profile and seed give
identical files. Every constant cites where its number comes from (``../shared/domain.md``
sections and ``[seed:line]``); where the documents are silent the number is marked an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

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

RUN_DATE = date(2026, 11, 23)  # fixtures are pinned to one week (2026-W48) so they never drift


@dataclass(frozen=True)
class Profile:
    """What a generated municipality looks like.

    Shares are probabilities; money is kr/month.
    """

    n_youths: int
    n_units: int
    n_organisations: int
    n_areas: int
    n_cti_teams: int
    n_icm_teams: int
    n_act_teams: int
    # Areas a youth must not be placed outside of its region (national only): regions of this
    # many areas; 0 = one municipality, no regional exclusion.
    region_size: int = 0
    # Rent per m² per year: almen family ~835, youth ~958 kr (domain.md §8, Landsbyggefonden);
    # private rentals dearer (assumption: 1,150).
    rent_per_m2_year: tuple[int, int, int] = (958, 835, 1150)
    # Shares of dwelling types among the municipality's claimable vacancies (assumption).
    type_shares: tuple[float, float, float] = (0.5, 0.35, 0.15)
    # Dwelling size in m²: youth 25–45, family 40–75, private 25–60 (assumption; a 40 m²
    # one-room flat ≈ 3,000 kr/month, domain.md §8).
    rent_scale: float = 1.0  # national: dearer on average, few cheap dwellings (domain.md §8)
    dog_owner_share: float = 0.25  # ~20–30 % dog owners (issue 2; dog bans [004:3918-3930])
    large_dog_share_of_dogs: float = 0.35  # "særligt større hunde" [004:3918-3930]; assumption
    cat_share: float = 0.08  # assumption
    urgent_share: float = 0.12  # eviction/release dates (domain.md §3); assumption
    icm_without_team_share: float = 0.08  # ICM visitation pending (domain.md §4.6); assumption


PROFILES: dict[str, Profile] = {
    # Næstved, a participating ICM-youth municipality [001:31]: ~60 waiting, ~10 vacancies.
    "naestved": Profile(60, 10, 3, 6, 2, 2, 0),
    # Copenhagen's youth unit: ~100 youth in coordination, 28–32 in CTI/ICM [002:64]; youth 36 %
    # of allocation applicants [004:4385-4391]. ~900 waiting, ~80 vacancies (issue 2).
    "copenhagen": Profile(900, 80, 8, 12, 4, 4, 1),
    # A national stress case (issue 2): 20,000 × 5,000 with ≥ 2 million eligible pairs; youth are
    # placed within their own region (5 areas), and dwellings are dearer than in one
    # municipality: cheap flats are scarce (Copenhagen < 3,000 kr: 4,000 → 1,300, [004:4421-4431]).
    "national": Profile(20_000, 5_000, 60, 40, 60, 60, 10, region_size=5, rent_scale=1.1),
}
DEFAULT_SEEDS = {"tiny": 0, "naestved": 48, "copenhagen": 2012, "national": 2026}

# Income per month by type. Cash benefit 18–24 living away: 6,767 kr for 6 months, then 5,753 kr
# [004:4341-4343]; SU, disability pension and job are assumptions for the fit term only.
INCOME = {
    IncomeType.CASH_BENEFIT: (5753, 6767),
    IncomeType.SU: (6000, 6600),
    IncomeType.DISABILITY_PENSION: (12000, 15000),
    IncomeType.JOB: (9000, 16000),
}
# Most waiting youth are on cash benefits (domain.md §1, [004:4395-4398]); rest assumption.
INCOME_SHARES = {
    IncomeType.CASH_BENEFIT: 0.68,
    IncomeType.SU: 0.12,
    IncomeType.DISABILITY_PENSION: 0.05,
    IncomeType.JOB: 0.08,
    IncomeType.NONE: 0.07,
}
# Living situations [000:213-246]; shares are an assumption.
SITUATION_SHARES = {
    Situation.COUCH: 0.35,
    Situation.SHELTER: 0.2,
    Situation.STREET: 0.08,
    Situation.EVICTION_RISK: 0.15,
    Situation.UNSTABLE_HOME: 0.14,
    Situation.INSTITUTION_EXIT: 0.08,
}
# Support methods: ICM and CTI are the youth project's methods [000:380-417]; shares assumption.
METHOD_SHARES = {
    SupportMethod.ICM: 0.4,
    SupportMethod.CTI: 0.35,
    SupportMethod.ACT: 0.05,
    SupportMethod.NONE: 0.2,
}
# Department pet rules: fewer and fewer allow dogs [004:3918-3930]; shares assumption.
PET_POLICY_SHARES = {
    PetPolicy.NONE: 0.35,
    PetPolicy.CATS: 0.3,
    PetPolicy.SMALL_DOGS: 0.2,
    PetPolicy.ALL: 0.15,
}
FEMALE_SHARE = 0.44  # women 44 % of ICM youth [000:253-276]
GREENLANDIC_SHARE = 0.07  # 7 % Greenlandic background [000:253-276]
RESTRICTED_DEPARTMENT_SHARE = 0.1  # combined/flexible letting [004:3861-3880]; assumption


def _choice(rng: np.random.Generator, shares: dict, n: int) -> list:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def generate_case(profile: str | Profile, seed: int | None = None) -> Case:
    """A case for a named profile (or a :class:`Profile`) and seed."""
    if isinstance(profile, str):
        if profile == "tiny":
            return tiny_case()
        if profile not in PROFILES:
            raise KeyError(f"unknown profile {profile!r} (tiny, {', '.join(PROFILES)})")
        seed = DEFAULT_SEEDS[profile] if seed is None else seed
        profile = PROFILES[profile]
    rng = np.random.default_rng(seed if seed is not None else 0)
    p = profile
    areas = [f"Område-{i + 1:02d}" for i in range(p.n_areas)]
    orgs = [f"Boligorg-{i + 1:02d}" for i in range(p.n_organisations)]

    teams = _teams(rng, p)
    units = _units(rng, p, orgs, areas)
    youths = _youths(rng, p, areas, teams)
    quotas = _quotas(rng, units)
    return Case(tuple(youths), tuple(units), tuple(teams), tuple(quotas), Policy(run_date=RUN_DATE))


def _teams(rng: np.random.Generator, p: Profile) -> list[SupportTeam]:
    teams = []
    # CTI teams near capacity: 0–2 free slots (issue 2); cap 10 per worker [003:254].
    for i in range(p.n_cti_teams):
        workers = int(rng.integers(2, 5))
        free = int(rng.integers(0, 3))
        teams.append(SupportTeam(f"CTI-{i + 1}", SupportMethod.CTI, workers, workers * 10 - free))
    # ICM: caseload cap 8 [000:482; 003:258]; support starts at visitation, so no move-in cap.
    for i in range(p.n_icm_teams):
        workers = int(rng.integers(3, 7))
        teams.append(
            SupportTeam(
                f"ICM-{i + 1}", SupportMethod.ICM, workers, workers * 8 - int(rng.integers(0, 4))
            )
        )
    # ACT: cap 10 [004:9781-9789].
    for i in range(p.n_act_teams):
        workers = int(rng.integers(4, 8))
        free = int(rng.integers(0, 4))
        teams.append(SupportTeam(f"ACT-{i + 1}", SupportMethod.ACT, workers, workers * 10 - free))
    return teams


def _units(rng: np.random.Generator, p: Profile, orgs: list[str], areas: list[str]) -> list[Unit]:
    types = [DwellingType.YOUTH, DwellingType.FAMILY, DwellingType.PRIVATE]
    kinds = rng.choice(3, size=p.n_units, p=np.array(p.type_shares))
    n_depts = 4
    restricted = rng.random((len(orgs), n_depts)) < RESTRICTED_DEPARTMENT_SHARE
    dept_pets = np.array(_choice(rng, PET_POLICY_SHARES, len(orgs) * n_depts)).reshape(
        len(orgs), n_depts
    )
    dept_area = rng.integers(0, len(areas), size=(len(orgs), n_depts))
    units = []
    for i in range(p.n_units):
        kind = types[int(kinds[i])]
        if kind is DwellingType.YOUTH:
            size, rooms = int(rng.integers(24, 46)), 1
        elif kind is DwellingType.FAMILY:
            size = int(rng.integers(40, 76))
            rooms = 1 if size < 50 else (2 if size < 68 else 3)
        else:
            size = int(rng.integers(25, 61))
            rooms = 1 if size < 45 else 2
        rate = p.rent_per_m2_year[int(kinds[i])] * p.rent_scale
        rent = int(round(size * rate / 12 * rng.uniform(0.9, 1.1), -1))
        utilities = int(rng.integers(10, 41)) * 10
        if kind is DwellingType.PRIVATE:
            org, dept_i = f"Privat-{int(rng.integers(1, 6))}", 0
            pets = PetPolicy(int(rng.integers(0, 4)))
            area = areas[int(rng.integers(0, len(areas)))]
            is_restricted = False
        else:
            o = int(rng.integers(0, len(orgs)))
            dept_i = int(rng.integers(0, n_depts))
            org = orgs[o]
            pets = PetPolicy(int(dept_pets[o, dept_i]))
            area = areas[int(dept_area[o, dept_i])]
            is_restricted = bool(restricted[o, dept_i]) and kind is DwellingType.FAMILY
        units.append(
            Unit(
                ref=f"B{i + 1:05d}",
                organisation=org,
                department=f"{org}-afd{dept_i + 1}",
                area=area,
                dwelling_type=kind,
                rooms=rooms,
                size_m2=size,
                rent=rent,
                utilities=utilities,
                deposit=rent * 3,
                pets=pets,
                accessible=bool(rng.random() < 0.1),
                # Most vacancies come free within the 60-day horizon; some later (assumption).
                available_from=RUN_DATE + timedelta(days=int(rng.integers(0, 76))),
                benefit_restricted=is_restricted,
            )
        )
    return units


def _youths(
    rng: np.random.Generator, p: Profile, areas: list[str], teams: list[SupportTeam]
) -> list[Youth]:
    by_method: dict[SupportMethod, list[str]] = {}
    for t in teams:
        by_method.setdefault(t.method, []).append(t.team)
    incomes = _choice(rng, INCOME_SHARES, p.n_youths)
    situations = _choice(rng, SITUATION_SHARES, p.n_youths)
    methods = _choice(rng, METHOD_SHARES, p.n_youths)
    youths = []
    for i in range(p.n_youths):
        # Ages 17–25, a few just past the youth-dwelling band (domain.md §1; assumption).
        age_days = int(rng.integers(17 * 365 + 30, 26 * 365 + 200))
        income = incomes[i]
        lo_hi = INCOME.get(income)
        method = methods[i]
        if method is not SupportMethod.NONE and method not in by_method:
            method = SupportMethod.NONE
        team = None
        if method is not SupportMethod.NONE:
            team = str(rng.choice(by_method[method]))
            if method is SupportMethod.ICM and rng.random() < p.icm_without_team_share:
                team = None
        r = rng.random()
        if r < p.dog_owner_share:
            pet = Pet.LARGE_DOG if rng.random() < p.large_dog_share_of_dogs else Pet.SMALL_DOG
        elif r < p.dog_owner_share + p.cat_share:
            pet = Pet.CAT
        else:
            pet = Pet.NONE
        situation = situations[i]
        urgent_by = None
        if situation in (Situation.EVICTION_RISK, Situation.INSTITUTION_EXIT) or rng.random() < (
            p.urgent_share / 3
        ):
            urgent_by = RUN_DATE + timedelta(days=int(rng.integers(-7, 75)))
        preferred: tuple[str, ...] = ()
        excluded: tuple[str, ...] = ()
        if p.region_size:
            region = int(rng.integers(0, len(areas) // p.region_size))
            own = set(areas[region * p.region_size : (region + 1) * p.region_size])
            excluded = tuple(a for a in areas if a not in own)
            preferred = (str(rng.choice(sorted(own))),)
        else:
            if rng.random() < 0.3:
                preferred = tuple(
                    sorted(set(rng.choice(areas, size=int(rng.integers(1, 3))).tolist()))
                )
            if rng.random() < 0.1:
                excluded = (str(rng.choice(areas)),)
                preferred = tuple(a for a in preferred if a not in excluded)
        g = rng.random()
        gender = Gender.FEMALE if g < FEMALE_SHARE else (Gender.MALE if g < 0.98 else Gender.OTHER)
        youths.append(
            Youth(
                ref=f"U{i + 1:05d}",
                birth_date=RUN_DATE - timedelta(days=age_days),
                referred_on=RUN_DATE - timedelta(days=int(rng.integers(7, 700))),
                situation=situation,
                income_type=income,
                support_method=method,
                monthly_income=int(rng.integers(*lo_hi)) if lo_hi else None,
                pet=pet,
                household_size=int(rng.choice([1, 2, 3], p=[0.9, 0.08, 0.02])),
                needs_accessible=bool(rng.random() < 0.03),
                support_team=team,
                urgent_by=urgent_by,
                preferred_areas=preferred,
                excluded_areas=excluded,
                gender=gender,
                greenlandic=bool(rng.random() < GREENLANDIC_SHARE),
            )
        )
    return youths


def _quotas(rng: np.random.Generator, units: list[Unit]) -> list[QuotaGroup]:
    """One row per almen (organisation, type): vacancies in the counting window and claims so
    far, at the default rate of one in four (almenboligloven § 59 stk. 3 [003:463])."""
    keys = sorted(
        {
            (u.organisation, u.dwelling_type)
            for u in units
            if u.dwelling_type is not DwellingType.PRIVATE
        }
    )
    counts: dict[tuple[str, DwellingType], int] = {}
    for u in units:
        counts[(u.organisation, u.dwelling_type)] = (
            counts.get((u.organisation, u.dwelling_type), 0) + 1
        )
    quotas = []
    for org, kind in keys:
        here = counts[(org, kind)]
        vacancies = here * 4 + int(rng.integers(0, 12))
        # Most groups have a claim for each of this week's vacancies; a third are tight, with
        # one or two fewer (assumption: the window's earlier claims used them).
        short = int(rng.integers(1, 3)) if rng.random() < 1 / 3 else 0
        remaining = max(0, here - short)
        quotas.append(QuotaGroup(org, kind, vacancies, vacancies // 4 - remaining))
    return quotas


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


def generate_command(profile: str, seed: int | None, out: Path) -> None:
    """``boligmatch fixtures generate PROFILE --seed N --out DIR``."""
    write_case(generate_case(profile, seed), Path(out))
