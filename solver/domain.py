"""Domain entities of a weekly allocation: youths, dwellings, support teams, quota groups, policy.

Every field mirrors a column of the case folder (``../shared/case-format.md``); the module holds
data and the small derived facts every layer agrees on (priority key, free slots, remaining
claims). It imports nothing from the rest of the package.

Citations ``[file:line]`` point into ``../shared/seeds/`` as in ``../shared/domain.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import PydanticCustomError


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


class DeclineReason(StrEnum):
    """Why a youth declined an offer, as the allocation office records it (domain.md §6-7): dog
    bans make youth decline [004:3918-3930]; "cannot pay the rent", "does not want own home"
    [004:8136-8158, 12050-12074]."""

    PET_NOT_ALLOWED = "pet_not_allowed"
    AREA = "area"
    TOO_EXPENSIVE = "too_expensive"
    NO_CONTACT = "no_contact"
    NOT_READY = "not_ready"
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
    case_worker: str | None = None  # user name of the responsible ICM/CTI/ACT worker

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
    address: str | None = None  # as the allocator and the youth know the dwelling
    contact: str | None = None  # the housing organisation's letting contact

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
    shared_caseload: bool | None = None  # None = the method's default (ACT shares)

    @property
    def shares_caseload(self) -> bool:
        """The team's workers share one caseload, so each sees all its youths (default: ACT
        does, ICM and CTI do not)."""
        if self.shared_caseload is not None:
            return self.shared_caseload
        return self.method is SupportMethod.ACT


# The quota ledger's counting window in weeks: quotas.csv's ``vacancies`` and ``claimed`` count
# this many weeks (this week's included). One value for the fixtures (solver.fixtures, which
# write the ledger) and the simulation (solver.planning, which rolls it week by week), so both
# read a group's vacancies as the same weekly rate. The law counts "every fourth vacancy"
# (almenboligloven § 59 stk. 3 [003:463]) without naming a window: a quarter is an assumption.
QUOTA_WINDOW_WEEKS = 13


@dataclass(frozen=True, slots=True)
class QuotaGroup:
    """The municipality's allocation right with one organisation for one dwelling type."""

    organisation: str
    dwelling_type: DwellingType
    vacancies: int
    claimed: int
    rate: Fraction | None = None  # None = policy default
    as_of: date | None = None  # the date the organisation's counts were made; None = run date

    def remaining(self, default_rate: Fraction) -> int:
        """⌊rate × vacancies⌋ − claimed, never below 0 (almenboligloven § 59 stk. 3 [003:463])."""
        rate = self.rate if self.rate is not None else default_rate
        return max(0, math.floor(rate * self.vacancies) - self.claimed)


_CONFIG = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
StrictInt = Annotated[int, Strict()]
Count = Annotated[int, Strict(), Field(ge=0)]


@pydantic_dataclass(frozen=True, config=_CONFIG)
class FitWeights:
    """Integer weights of the third-stage fit terms (``solver.engine.eligibility.fit_terms``)."""

    rent_share: Count = Field(
        default=1, description="Per mille of income spent on rent + utilities."
    )
    area: Count = Field(
        default=150,
        description="1 when the youth named preferred areas and the dwelling is in none.",
    )
    availability: Count = Field(
        default=10, description="Per day the dwelling comes free after the youth's need date."
    )
    size: Count = Field(default=100, description="Per room beyond what the household needs.")


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


# The hard rules' codes, in the cascade that names a blocked youth's reason
# (solver.engine.rules implements one function per code, in this order).
RULE_CODES = (
    "not_available_in_time",
    "no_affordable_unit",
    "deposit_too_high",
    "benefit_restricted",
    "pet_not_allowed",
    "household_too_large",
    "not_accessible",
    "age_outside_youth_band",
    "area_excluded",
)
# Rules an allocator may dispense with for one offer, with an audited dispensation: the youth's
# own area exclusion (they may agree to the area after all) and the availability horizon (a
# dwelling free later than the horizon). The rent ceiling, letting restrictions, pets, size,
# accessibility, the age band and the deposit limit are others' rules or the youth's needs; the
# quota and team capacity are never waived (domain.md §5a).
DEFAULT_WAIVABLE = ("area_excluded", "not_available_in_time")


def _rule_codes(values: Any) -> Any:
    for value in values if isinstance(values, list | tuple) else [values]:
        if value not in RULE_CODES:
            raise PydanticCustomError(
                "not_a_rule", "{value!r} is not a rule ({allowed})",
                {"value": value, "allowed": ", ".join(RULE_CODES)},
            )  # fmt: skip
    return values


class Criterion(StrEnum):
    """A criterion of a priority scheme (case-format, "Format 2 additions to policy.toml")."""

    URGENCY = "urgency"  # urgent youths first, by urgent_by, earliest first
    SITUATION = "situation"  # by situation_rank, most severe first
    WAITING = "waiting"  # referred_on, earliest first
    POINTS = "points"  # the highest sum of the [priority.points] table


# Never a criterion, never a points key: recorded for monitoring only [000:253-276].
MONITORING_ONLY = ("gender", "greenlandic", "female", "male", "other")
# [priority.points] keys besides the situations: urgent youths, and each whole week waited.
POINT_KEYS = ("urgent", "per_week_waiting")
DEFAULT_SITUATION_RANK = (
    Situation.STREET,
    Situation.SHELTER,
    Situation.INSTITUTION_EXIT,
    Situation.COUCH,
    Situation.EVICTION_RISK,
    Situation.UNSTABLE_HOME,
)


def _no_monitoring(value: Any) -> Any:
    names = value if isinstance(value, list | tuple | dict) else [value]
    for name in names:
        if isinstance(name, str) and name.lower() in MONITORING_ONLY:
            raise PydanticCustomError(
                "monitoring_only",
                "'{name}': gender and Greenlandic background are recorded for monitoring only "
                "and can never be a priority criterion",
                {"name": name},
            )
    return value


def _points_keys(value: Any) -> Any:
    value = _no_monitoring(value)
    if isinstance(value, dict):
        allowed = {*(s.value for s in Situation), *POINT_KEYS}
        for key in value:
            if key not in allowed:
                raise PydanticCustomError(
                    "unknown_key",
                    "unknown key {key!r} (expected one of {allowed})",
                    {"key": key, "allowed": ", ".join(sorted(allowed))},
                )
    return value


def _distinct(values: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("repeated", "names a value more than once", {})
    return values


@pydantic_dataclass(frozen=True, config=_CONFIG)
class PriorityScheme:
    """The municipality's priority order: criteria, highest first; ``ref`` is always the final
    tie-break, so the order is total (domain.md §5: the choice is the municipality's)."""

    order: Annotated[
        tuple[Criterion, ...], BeforeValidator(_no_monitoring), AfterValidator(_distinct)
    ] = Field(
        default=(Criterion.URGENCY, Criterion.WAITING),
        min_length=1,
        description="Criteria, highest first: urgency, situation, waiting, points.",
    )
    situation_rank: Annotated[tuple[Situation, ...], AfterValidator(_distinct)] = Field(
        default=DEFAULT_SITUATION_RANK,
        description="Situations, most severe first (for the situation criterion); an unlisted "
        "situation comes after the listed ones.",
    )
    points: Annotated[dict[str, StrictInt], BeforeValidator(_points_keys)] = Field(
        default_factory=dict,
        description="Points per situation (street = 40), for being urgent (urgent = 30) and per "
        "whole week waited (per_week_waiting = 1); the highest sum comes first.",
    )

    def describe(self) -> dict[str, Any]:
        """The scheme as written in policy.toml (for summaries and pages)."""
        return {
            "order": [c.value for c in self.order],
            "situation_rank": [s.value for s in self.situation_rank],
            "points": dict(self.points),
        }


def _rate(value: Any) -> Fraction:
    """A rate written as 0.25, "1/4" or a Fraction: exact, between 0 and 1."""
    if isinstance(value, Fraction):
        text = str(value)
    elif isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("rate_type", 'must be a rate like 0.25 or "1/3"', {})
    else:
        # A float (0.25) is read from its shortest decimal text, so the rate stays exact.
        text = str(value)
    try:
        rate = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PydanticCustomError("not_rate", "is not a rate (0.25 or 1/4)", {}) from None
    if not 0 <= rate <= 1:
        raise PydanticCustomError("rate_range", "is not between 0 and 1", {})
    return rate


def _age_band(value: Any) -> tuple[int, int]:
    ok = (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= value[1]
    )
    if not ok:
        raise PydanticCustomError("age_band", "must be [lowest, highest] ages", {})
    return (value[0], value[1])


Rate = Annotated[
    Fraction,
    BeforeValidator(_rate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string"}],
         "description": "A rate from 0 to 1: 0.25 or \"1/4\"."}
    ),
]  # fmt: skip


def _team_methods(caps: dict[SupportMethod, int]) -> dict[SupportMethod, int]:
    if SupportMethod.NONE in caps:
        raise PydanticCustomError(
            "unknown_key", "unknown key {key!r} (expected one of {allowed})",
            {"key": "none", "allowed": "ICM, CTI, ACT"},
        )  # fmt: skip
    return caps


def _merged(defaults: Callable[[], dict[Any, int]]) -> Callable[[Any], Any]:
    """A table given in part keeps the defaults of the keys it leaves out."""

    def merge(value: Any) -> Any:
        return {**defaults(), **value} if isinstance(value, dict) else value

    return merge


@pydantic_dataclass(frozen=True, config=_CONFIG)
class Policy:
    """The rules of one run; every field has the default of ``policy.toml`` in the case format.

    Declared once, with bounds and descriptions: ``solver.caseio.policy`` reads policy.toml into
    it (naming the key of every problem) and writes it back, and its JSON Schema is
    ``docs/policy.schema.json``.
    """

    run_date: date = Field(description="The run's date; policy.toml may give week instead.")
    urgent_within_days: Count = Field(
        default=28,
        description="urgent_by on or before run_date + this (past dates included) = urgent.",
    )
    availability_horizon_days: Count = Field(
        default=60, description="Dwellings available later than run_date + this are not offered."
    )
    youth_dwelling_age: Annotated[tuple[int, int], BeforeValidator(_age_band)] = Field(
        default=(17, 25), description="Inclusive ages for almen ungdomsboliger [000:554-560]."
    )
    persons_per_room: Annotated[int, Strict(), Field(ge=1)] = Field(
        default=2, description="household_size <= persons_per_room * rooms."
    )
    # Up to every fourth vacancy (almenboligloven § 59 stk. 3) [003:463; 000:539-546].
    default_quota_rate: Rate = Field(
        default=Fraction(1, 4),
        description="The allocation right's rate where quotas.csv gives none.",
    )
    rent_ceiling: Annotated[
        dict[IncomeType, Count], BeforeValidator(_merged(_default_ceilings))
    ] = Field(
        default_factory=_default_ceilings,
        description="kr/month compared with rent + utilities, by income_type.",
    )
    caseload_cap: Annotated[
        dict[SupportMethod, Count],
        BeforeValidator(_merged(_default_caps)),
        AfterValidator(_team_methods),
    ] = Field(default_factory=_default_caps, description="Youths per worker, by method.")
    per_department: Count = Field(
        default=0,
        description="Municipal placements per department in one run (0 = off); "
        '"not burden that area too much" [004:3020-3034].',
    )
    new_moveins_per_worker: Count = Field(
        default=0,
        description="CTI/ACT move-ins per worker in one run (0 = off); support peaks at "
        "move-in [000:484-487].",
    )
    weights: FitWeights = Field(
        default_factory=FitWeights, description="Integer weights of the fit terms."
    )
    priority: PriorityScheme = Field(
        default_factory=PriorityScheme, description="The municipality's priority scheme."
    )
    waivable: Annotated[tuple[str, ...], BeforeValidator(_rule_codes)] = Field(
        default=DEFAULT_WAIVABLE,
        description="Hard rules an allocator may dispense with for one offer outside the "
        "proposal, with an audited dispensation (quota and team capacity never).",
    )
    deposit_ceiling: dict[IncomeType, Count] = Field(
        default_factory=dict,
        description="kr by income_type compared with the dwelling's deposit (indskud); an "
        "income type not listed has no deposit rule.",
    )

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

    def points_of(self, youth: Youth) -> int:
        """The youth's sum of the scheme's ``[priority.points]``."""
        table = self.priority.points
        total = table.get(youth.situation.value, 0)
        if self.is_urgent(youth):
            total += table.get("urgent", 0)
        weeks = max(0, (self.run_date - youth.referred_on).days // 7)
        return total + table.get("per_week_waiting", 0) * weeks

    def priority_key(self, youth: Youth) -> tuple[Any, ...]:
        """Sort key, smallest first, by the scheme's criteria in order, then ``ref``.

        ``urgency``: urgent before others, by urgent_by; ``situation``: by ``situation_rank``
        (unlisted last); ``waiting``: referred_on; ``points``: the highest sum first. The final
        tie-break on ``ref`` (string order) makes the order total, so the lexicographically
        best housed set is unique and every run reproducible.
        """
        key: list[Any] = []
        for criterion in self.priority.order:
            if criterion is Criterion.URGENCY:
                urgent = self.is_urgent(youth)
                key += (
                    0 if urgent else 1,
                    youth.urgent_by if urgent and youth.urgent_by else date.max,
                )
            elif criterion is Criterion.SITUATION:
                rank = self.priority.situation_rank
                key.append(rank.index(youth.situation) if youth.situation in rank else len(rank))
            elif criterion is Criterion.WAITING:
                key.append(youth.referred_on)
            else:
                key.append(-self.points_of(youth))
        key.append(youth.ref)
        return tuple(key)

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


class DecisionKind(StrEnum):
    PIN = "pin"  # this youth gets this dwelling
    # This pair is excluded; with only a youth: not matched this run; only a dwelling: withheld.
    BAN = "ban"


@dataclass(frozen=True, slots=True)
class Decision:
    """The allocator's own decision for this run (case-format ``decisions.csv``): the optimiser
    proposes, the allocation office decides (domain.md §5a). ``row`` is its row in the file."""

    kind: DecisionKind
    reason: str
    youth_ref: str | None = None
    unit_ref: str | None = None
    row: int | None = None

    @property
    def withholds_youth(self) -> bool:
        return self.kind is DecisionKind.BAN and self.unit_ref is None

    @property
    def withholds_unit(self) -> bool:
        return self.kind is DecisionKind.BAN and self.youth_ref is None


@dataclass(frozen=True)
class Case:
    """One week's input: the case folder after validation."""

    youths: tuple[Youth, ...]
    units: tuple[Unit, ...]
    teams: tuple[SupportTeam, ...]
    quotas: tuple[QuotaGroup, ...]
    policy: Policy
    decisions: tuple[Decision, ...] = ()
    # Each youth's row in youths.csv as a spreadsheet numbers it (the reader's; empty for a
    # case built otherwise), for messages about a youth found after reading.
    youth_rows: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def team_by_name(self) -> dict[str, SupportTeam]:
        return {t.team: t for t in self.teams}

    def quota_by_key(self) -> dict[tuple[str, DwellingType], QuotaGroup]:
        return {(q.organisation, q.dwelling_type): q for q in self.quotas}
