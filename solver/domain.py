"""Domain entities of a weekly allocation: youths, dwellings, support teams, quota groups, policy.

Every field mirrors a column of the case folder (``../shared/case-format.md``); the module holds
data and the small derived facts every layer agrees on (priority key, free slots, remaining
claims). It imports nothing from the rest of the package.

Citations ``[file:line]`` point into ``../shared/seeds/`` as in ``../shared/domain.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from fractions import Fraction


class Situation(StrEnum):
    """Living situation at referral [000:213-246]."""

    COUCH = "couch"
    SHELTER = "shelter"
    STREET = "street"
    EVICTION_RISK = "eviction_risk"
    UNSTABLE_HOME = "unstable_home"
    INSTITUTION_EXIT = "institution_exit"


class IncomeType(StrEnum):
    CASH_BENEFIT = "cash_benefit"
    SU = "su"
    DISABILITY_PENSION = "disability_pension"
    JOB = "job"
    NONE = "none"


class SupportMethod(StrEnum):
    """Support method chosen at visitation [000:380-417]."""

    ICM = "ICM"
    CTI = "CTI"
    ACT = "ACT"
    NONE = "none"


class DwellingType(StrEnum):
    YOUTH = "youth"  # almen ungdomsbolig
    FAMILY = "family"  # almen familiebolig
    PRIVATE = "private"


class Gender(StrEnum):
    """Recorded for outcome monitoring only, never for eligibility or priority [000:253-276]."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Pet(IntEnum):
    """A youth's pet, ordered by how often housing departments ban it [004:3918-3930]."""

    NONE = 0
    CAT = 1
    SMALL_DOG = 2
    LARGE_DOG = 3

    @property
    def label(self) -> str:
        return {0: "none", 1: "cat", 2: "small_dog", 3: "large_dog"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Pet:
        return _PET_BY_LABEL[text]


class PetPolicy(IntEnum):
    """A dwelling's pet rule; a pet is allowed when ``pet <= policy`` (same levels)."""

    NONE = 0
    CATS = 1
    SMALL_DOGS = 2
    ALL = 3

    @property
    def label(self) -> str:
        return {0: "none", 1: "cats", 2: "small_dogs", 3: "all"}[self.value]

    @classmethod
    def parse(cls, text: str) -> PetPolicy:
        return _PET_POLICY_BY_LABEL[text]


_PET_BY_LABEL = {p.label: p for p in Pet}
_PET_POLICY_BY_LABEL = {p.label: p for p in PetPolicy}


@dataclass(frozen=True, slots=True)
class Youth:
    """A waiting youth, known only by a pseudonymous reference (never a CPR number)."""

    ref: str
    birth_date: date
    referred_on: date  # queue start: priority counts from referral [004:5604-5624]
    situation: Situation
    income_type: IncomeType
    support_method: SupportMethod
    monthly_income: int | None = None
    rent_ceiling: int | None = None  # explicit ceiling from the benefits office; overrides policy
    pet: Pet = Pet.NONE
    household_size: int = 1
    needs_accessible: bool = False
    support_team: str | None = None
    urgent_by: date | None = None
    preferred_areas: tuple[str, ...] = ()
    excluded_areas: tuple[str, ...] = ()
    gender: Gender | None = None  # monitoring only
    greenlandic: bool | None = None  # monitoring only

    def age_on(self, day: date) -> int:
        """Completed years on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


@dataclass(frozen=True, slots=True)
class Unit:
    """A vacant dwelling the municipality may claim this week."""

    ref: str
    organisation: str
    department: str
    area: str
    dwelling_type: DwellingType
    rooms: int
    rent: int
    available_from: date
    size_m2: int | None = None
    utilities: int = 0
    deposit: int | None = None
    pets: PetPolicy = PetPolicy.NONE
    accessible: bool = False
    benefit_restricted: bool = False  # combined/flexible letting [004:3861-3880]

    @property
    def monthly_cost(self) -> int:
        """Rent plus aconto utilities: what is compared with a rent ceiling."""
        return self.rent + self.utilities


@dataclass(frozen=True, slots=True)
class SupportTeam:
    team: str
    method: SupportMethod
    workers: int
    current_caseload: int
    caseload_cap: int | None = None  # per worker; None = policy default


@dataclass(frozen=True, slots=True)
class QuotaGroup:
    """The municipality's allocation right with one organisation for one dwelling type."""

    organisation: str
    dwelling_type: DwellingType
    vacancies: int
    claimed: int
    rate: Fraction | None = None  # None = policy default

    def remaining(self, default_rate: Fraction) -> int:
        """⌊rate × vacancies⌋ − claimed, never below 0 (almenboligloven § 59 stk. 3 [003:463])."""
        rate = self.rate if self.rate is not None else default_rate
        return max(0, math.floor(rate * self.vacancies) - self.claimed)


@dataclass(frozen=True, slots=True)
class FitWeights:
    """Integer weights of the third-stage fit terms (``solver.engine.eligibility.fit_terms``)."""

    rent_share: int = 1  # per mille of monthly income spent on rent + utilities
    area: int = 150  # 1 when the youth has preferred areas and the dwelling is in none of them
    availability: int = 10  # per day the dwelling becomes available after the youth's need date
    size: int = 100  # per room beyond what the household needs


def _default_ceilings() -> dict[IncomeType, int]:
    # 3,000 kr for youth on cash benefits, the seeds' 2012 figure [004:4395-4398];
    # SU students can pay more [004:4399-4409].
    return {
        IncomeType.CASH_BENEFIT: 3000,
        IncomeType.NONE: 3000,
        IncomeType.SU: 3500,
        IncomeType.DISABILITY_PENSION: 5000,
        IncomeType.JOB: 5000,
    }


def _default_caps() -> dict[SupportMethod, int]:
    # ICM 8 [000:482; 003:258], CTI 10 [003:254], ACT 10 [004:9781-9789].
    return {SupportMethod.ICM: 8, SupportMethod.CTI: 10, SupportMethod.ACT: 10}


@dataclass(frozen=True)
class Policy:
    """The rules of one run; every field has the default of ``policy.toml`` in the case format."""

    run_date: date
    urgent_within_days: int = 28
    availability_horizon_days: int = 60
    youth_dwelling_age: tuple[int, int] = (17, 25)
    persons_per_room: int = 2
    default_quota_rate: Fraction = Fraction(
        1, 4
    )  # up to every fourth vacancy [003:463; 000:539-546]
    rent_ceiling: dict[IncomeType, int] = field(default_factory=_default_ceilings)
    caseload_cap: dict[SupportMethod, int] = field(default_factory=_default_caps)
    per_department: int = 0  # 0 = off; "not burden that area too much" [004:3020-3034]
    new_moveins_per_worker: int = 0  # 0 = off; support peaks at move-in [000:484-487]
    weights: FitWeights = field(default_factory=FitWeights)

    @property
    def urgent_cutoff(self) -> date:
        return self.run_date + timedelta(days=self.urgent_within_days)

    @property
    def availability_cutoff(self) -> date:
        return self.run_date + timedelta(days=self.availability_horizon_days)

    def ceiling_for(self, youth: Youth) -> int:
        """The youth's explicit ceiling if set, else the policy ceiling for the income type."""
        if youth.rent_ceiling is not None:
            return youth.rent_ceiling
        return self.rent_ceiling[youth.income_type]

    def is_urgent(self, youth: Youth) -> bool:
        return youth.urgent_by is not None and youth.urgent_by <= self.urgent_cutoff

    def priority_key(self, youth: Youth) -> tuple[int, date, date, str]:
        """Sort key, smallest first: urgent before others, by urgent_by, then referred_on, then ref.

        The final tie-break on ``ref`` (string order) makes the order total, so the
        lexicographically best housed set is unique and every run reproducible.
        """
        urgent = self.is_urgent(youth)
        return (
            0 if urgent else 1,
            youth.urgent_by if urgent and youth.urgent_by else date.max,
            youth.referred_on,
            youth.ref,
        )

    def free_slots(self, team: SupportTeam) -> int | None:
        """New move-ins a team can take this run; None = not limited (ICM starts at visitation).

        CTI starts only when a home is allocated [003:254, 299], so a CTI/ACT team can take at
        most ``workers × cap − caseload`` (never below 0), further capped by the optional
        per-worker move-in limit.
        """
        if team.method in (SupportMethod.ICM, SupportMethod.NONE):
            return None
        cap = team.caseload_cap if team.caseload_cap is not None else self.caseload_cap[team.method]
        slots = max(0, team.workers * cap - team.current_caseload)
        if self.new_moveins_per_worker > 0:
            slots = min(slots, self.new_moveins_per_worker * team.workers)
        return slots


@dataclass(frozen=True)
class Case:
    """One week's input: the case folder after validation."""

    youths: tuple[Youth, ...]
    units: tuple[Unit, ...]
    teams: tuple[SupportTeam, ...]
    quotas: tuple[QuotaGroup, ...]
    policy: Policy

    def team_by_name(self) -> dict[str, SupportTeam]:
        return {t.team: t for t in self.teams}

    def quota_by_key(self) -> dict[tuple[str, DwellingType], QuotaGroup]:
        return {(q.organisation, q.dwelling_type): q for q in self.quotas}
