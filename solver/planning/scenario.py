"""What-if scenario files: schema, validation and loading (``scenarios/README.md``).

A scenario is a base case (a fixture or a case folder; the live database is a hook the service
fills, :func:`solver.planning.bases.register_base_loader`), a horizon in weeks, replications
and a seed, optional calibration overrides, and a list of changes, each from a start week on.

Every key is declared once, here, as a field of a pydantic dataclass with its description and
bounds: :class:`ScenarioFile` (the top level), :class:`Calibration`, :class:`DeclineModel` and
one class per change kind, told apart by ``kind`` (a discriminated union, :data:`Change`). The
same declaration validates files, builds the values the simulation reads and gives the JSON
Schema (``python -m solver.planning.scenario > docs/scenario.schema.json``; served at
``/api/v1/schemas/scenario.json``). Loading validates the whole file and raises one
:class:`ScenarioError` listing every problem, each naming its key::

    scenarios/x.toml: changes[2].rent: must be an integer of at least 0, not -5

``changes[i]`` counts the ``[[changes]]`` blocks from 1 in file order. Weeks are numbered from 1;
week 1 is the base case's run week. What needs the base case (a team or organisation that must
exist, a start week within the horizon) is checked after the schema (:func:`_check_in_world`).

Nothing here simulates: :mod:`solver.planning.simulate` reads a :class:`ScenarioSpec`, and each
change kind has its handler in :mod:`solver.planning.changes`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import PydanticCustomError

from solver.domain import (
    QUOTA_WINDOW_WEEKS,
    Case,
    DwellingType,
    IncomeType,
    PetPolicy,
    PriorityScheme,
    Rate,
)
from solver.i18n.render import text
from solver.planning.bases import base_loader
from solver.resources import FIXTURES_DIR

FIXTURE_NAMES = ("tiny", "naestved", "copenhagen", "national")
MAX_HORIZON_WEEKS = 520  # ten years: beyond that the base case says nothing


@dataclass(frozen=True)
class ScenarioIssue:
    """One problem of a scenario: where (``source``: the file, or ``toml[0]`` of a request), the
    key (``changes[2].rent``; ``""`` for the whole file) and what is wrong as a catalogue code
    ``scenario.CODE`` with its parameters, so each reader gets it in their language."""

    source: str
    key: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return text(f"scenario.{self.code}", lang, **self.params)

    def __str__(self) -> str:  # FILE: KEY: message, in English (the CLI's and the API's line)
        return ": ".join(part for part in (self.source, self.key, self.text()) if part)


class ScenarioError(ValueError):
    """A scenario file that cannot be used: ``problems`` lists every :class:`ScenarioIssue`,
    ``issues`` the same as English lines (``FILE: KEY: message``)."""

    def __init__(self, problems: list[ScenarioIssue]) -> None:
        self.problems = problems
        self.issues = [str(p) for p in problems]
        super().__init__("\n".join(self.issues))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[ScenarioIssue]]]:
        return (ScenarioError, (self.problems,))


# --------------------------------------------------------------------------- value types

_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


def _pet_policy(value: Any) -> Any:
    if isinstance(value, PetPolicy):
        return value
    labels = [p.label for p in PetPolicy]
    if not isinstance(value, str) or value not in labels:
        raise PydanticCustomError(
            "one_of",
            "must be one of {values}, not {value}",
            {"values": ", ".join(labels), "value": repr(value)},
        )
    return PetPolicy.parse(value)


def _dogs_allowed(value: PetPolicy) -> PetPolicy:
    if value < PetPolicy.SMALL_DOGS:
        raise PydanticCustomError(
            "one_of",
            "must be one of {values}, not {value}",
            {"values": "small_dogs, all", "value": repr(value.label)},
        )
    return value


Int = Annotated[int, Strict()]
Number = Annotated[float, Strict()]  # an integer or a float; not true/false, not a string
Share = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
Pets = Annotated[
    PetPolicy,
    BeforeValidator(_pet_policy),
    PlainSerializer(lambda p: p.label, return_type=str),
    WithJsonSchema({"enum": [p.label for p in PetPolicy], "type": "string"}),
]
StartWeek = Annotated[
    int,
    Strict(),
    Field(ge=1, description="The week the change starts (1 = the base's run week … horizon)."),
]
Note = Annotated[str | None, Field(description="Free text for the reader; ignored.")]
Organisation = Annotated[
    Text | None,
    Field(description="Only this housing organisation (default: every one)."),
]
DwellingFilter = Annotated[
    DwellingType | None, Field(description="Only this dwelling type (default: every one).")
]


def _given(c: Any, key: str, code: str) -> PydanticCustomError:
    """An error about a combination of keys, reported at ``key``: ``scenario.CODE`` says what."""
    return PydanticCustomError("combination", text(f"scenario.{code}", "en"),
                               {"key": key, "code": code})  # fmt: skip


# --------------------------------------------------------------------------- calibration


@pydantic_dataclass(frozen=True, config=_CONFIG)
class DeclineModel:
    """Probabilities that a youth declines an offer, per coded reason (service ``DeclineReason``).

    Reasons are drawn in this order; the first that fires is the reason recorded. Every number
    is an assumption unless a source is named; ``scenarios/README.md`` lists them.
    """

    pet_banned: Share = Field(
        default=0.7,
        description="A youth with a dog the office does not know of, offered a dwelling that "
        "bans dogs: a ban is a barrier to accepting an offer, parting with the dog especially "
        "hard for youth with a weak network [004:3918-3930]; 0.7 is an assumption.",
    )
    area_not_preferred: Share = Field(
        default=0.2,
        description="The dwelling is outside the youth's preferred areas (youths with some).",
    )
    area_other: Share = Field(default=0.03, description="Declined over the area otherwise.")
    too_expensive: Share = Field(
        default=0.15,
        description="Rent + utilities above too_expensive_share of monthly income; 'cannot pay "
        "the rent' is 5–42 % of reasons not housed [004:8136-8158].",
    )
    too_expensive_other: Share = Field(default=0.02, description="Declined as too dear otherwise.")
    too_expensive_share: Share = Field(
        default=0.5,
        description="The share of monthly income above which a dwelling counts as too dear.",
    )
    not_ready: Share = Field(
        default=0.06,
        description="'Does not want own home': 6–21 % of youth without a home "
        "[004:8136-8158, 12050-12074]; the low end, per offer.",
    )
    no_contact: Share = Field(
        default=0.05, description="The youth cannot be reached in time (assumption)."
    )


# Tenancy loss. The seeds follow the support methods' citizens with half-yearly reports from
# 2010 to May–June 2013 [004:2069, 6349-6359] and give the share who "lost a home in the period":
# ICM 8 % [004:5253], CTI 3 % [004:7928], ACT 7 % [004:10298], all ages; and by age, all methods
# together, 18–24-year-olds 9 % against 5 % for those 25 and over [004:4098-4116] (335 and 803
# citizens: 6.2 % overall). Youth shares per method = the method's share × 9 / 6.2 (the seeds
# give no method-by-age table: a multiplicative assumption); youths without a support method
# take the youth share, 9 %.
_YOUTH_FACTOR = 9 / ((335 * 9 + 803 * 5) / (335 + 803))


@pydantic_dataclass(frozen=True, config=_CONFIG)
class TenancyLoss:
    """How often a youth housed in the run loses the home and returns to the queue.

    Each share is the chance of losing the home within ``period_weeks``; the simulation turns it
    into a constant weekly hazard ``1 − (1 − share)^(1 / period_weeks)`` by the support method
    the youth had when moving in (``scenarios/README.md``).
    """

    period_weeks: Number = Field(
        default=78.0,
        ge=1.0,
        description="The follow-up the shares are over: citizens started 2010–2012 and were "
        "followed to May–June 2013 [004:6349-6359], about 1.5 years (assumption).",
    )
    icm: Share = Field(
        default=round(0.08 * _YOUTH_FACTOR, 3),
        description="ICM: 8 % all ages [004:5253], × 9/6.2 for youth [004:4098-4116].",
    )
    cti: Share = Field(
        default=round(0.03 * _YOUTH_FACTOR, 3),
        description="CTI: 3 % all ages [004:7928], × 9/6.2 for youth [004:4098-4116].",
    )
    act: Share = Field(
        default=round(0.07 * _YOUTH_FACTOR, 3),
        description="ACT: 7 % all ages [004:10298], × 9/6.2 for youth [004:4098-4116].",
    )
    no_support: Share = Field(
        default=0.09,
        description="No support method: youth 18–24, all methods, 9 % [004:4098-4116].",
    )

    def weekly(self, method: str) -> float:
        """The weekly hazard for a support method (``ICM``, ``CTI``, ``ACT`` or ``none``)."""
        share = {"ICM": self.icm, "CTI": self.cti, "ACT": self.act}.get(method, self.no_support)
        return 1.0 - (1.0 - share) ** (1.0 / self.period_weeks)


@pydantic_dataclass(frozen=True, config=_CONFIG)
class Calibration:
    """Overrides of the simulated world's rates; ``None`` = derived from the base case.

    See :func:`solver.planning.world.calibrate` for how the derived values are computed.
    """

    arrivals_per_week: Annotated[Number | None, Field(ge=0.0)] = Field(
        default=None, description="Referrals a week (default: the base's last 52 weeks ÷ 52)."
    )
    vacancies_per_week: Annotated[Number | None, Field(ge=0.0)] = Field(
        default=None,
        description="Vacancies a week (default: base dwellings ÷ the weeks they come free over).",
    )
    leave_per_week: Share = Field(
        default=0.005,
        description="Leaving the queue by other routes (family, moved away, lost contact, own "
        "market rental): 0.5 % a week ≈ 23 % a year. Assumption; the seeds give only 73 % "
        "housed at the end of the youth project [003:106].",
    )
    quota_window_weeks: Int = Field(
        default=QUOTA_WINDOW_WEEKS,
        ge=1,
        description="Counting window of the quota ledger: the one the fixtures write.",
    )
    unit_expiry_weeks: Int = Field(
        default=4,
        ge=0,
        description="An unclaimed vacancy goes back to the organisation's own list this many "
        "weeks after it became available (assumption).",
    )
    cti_course_weeks: Int = Field(
        default=39, ge=1, description="CTI: 9 months in three phases [004:7121-7129; 003:254]."
    )
    icm_mean_weeks: Number = Field(
        default=56.0, ge=1.0, description="ICM: open-ended, 13 months on average [003:651]."
    )
    act_mean_weeks: Number = Field(
        default=104.0, ge=1.0, description="ACT: open-ended; 2 years on average (assumption)."
    )
    unrecorded_dog_share: Share = Field(
        default=0.05, description="Youths with pet 'none' who keep a dog (assumption)."
    )
    decline_pause_weeks: Int = Field(
        default=0, ge=0, description="Weeks out of the runs after a decline (0: priority kept, §6)."
    )
    decline: DeclineModel = Field(
        default_factory=DeclineModel, description="Decline probabilities per reason."
    )
    tenancy_loss: TenancyLoss = Field(
        default_factory=TenancyLoss,
        description="Tenancies lost (the youth returns to the queue), by support method.",
    )


# --------------------------------------------------------------------------- changes


@pydantic_dataclass(frozen=True, config=_CONFIG)
class AddDwellings:
    """New dwellings at the municipality's disposal: ``count`` at once and/or ``per_week``."""

    organisation: Text = Field(description="The housing organisation that lets them.")
    dwelling_type: DwellingType = Field(description="youth, family or private.")
    rent: Int = Field(ge=0, description="Monthly rent (kr).")
    start_week: StartWeek = 1
    count: Int = Field(default=0, ge=0, description="Dwellings at once, in the start week.")
    per_week: Annotated[Number, Field(ge=0.0)] = Field(
        default=0.0, description="Dwellings a week on average (Poisson) from the start week on."
    )
    utilities: Int = Field(default=0, ge=0, description="Monthly utilities (kr).")
    pets: Pets = Field(
        default="none", validate_default=True, description="Pet rule: none, cats, small_dogs, all."
    )
    rooms: Int = Field(default=1, ge=1, description="Rooms.")
    size_m2: Int | None = Field(default=None, ge=1, description="Size (m²).")
    area: Text | None = Field(
        default=None, description="Area (default: the organisation's most common area in the base)."
    )
    department: Text | None = Field(default=None, description="Department (default: ORG-new).")
    accessible: Annotated[bool, Strict()] = Field(
        default=False, description="Accessible dwellings."
    )
    benefit_restricted: Annotated[bool, Strict()] = Field(
        default=False,
        description="Combined/flexible letting that excludes cash-benefit recipients.",
    )
    outside_quota: Annotated[bool, Strict()] = Field(
        default=True,
        description="True: let by agreement outside the § 59 ledger (no claim needed). False: "
        "each dwelling is reported to the organisation's quota ledger and needs a claim.",
    )
    available_in_weeks: Int = Field(default=0, ge=0, description="Weeks from being added to free.")
    note: Note = None
    kind: Literal["add_dwellings"] = "add_dwellings"

    @model_validator(mode="after")
    def _some(self) -> AddDwellings:
        if self.count == 0 and self.per_week == 0.0:
            raise _given(self, "count", "count_or_per_week")
        return self


@pydantic_dataclass(frozen=True, config=_CONFIG)
class SupportTeamChange:
    """A team's workers (absolute or added) and/or caseload cap per worker."""

    team: Text = Field(description="The team's name in the base case.")
    start_week: StartWeek = 1
    workers: Int | None = Field(default=None, ge=0, description="Workers from the start week.")
    add_workers: Int | None = Field(default=None, description="Workers added (or removed, < 0).")
    caseload_cap: Int | None = Field(default=None, ge=1, description="Youths per worker.")
    note: Note = None
    kind: Literal["support_team"] = "support_team"

    @model_validator(mode="after")
    def _one(self) -> SupportTeamChange:
        if self.workers is not None and self.add_workers is not None:
            raise _given(self, "add_workers", "workers_not_both")
        if self.workers is None and self.add_workers is None and self.caseload_cap is None:
            raise _given(self, "workers", "workers_missing")
        return self


@pydantic_dataclass(frozen=True, config=_CONFIG)
class QuotaRate:
    """The allocation right's rate for all quota rows, or those matching the filters."""

    rate: Rate = Field(description="The share of reported vacancies the municipality may claim.")
    start_week: StartWeek = 1
    organisation: Organisation = None
    dwelling_type: DwellingFilter = None
    note: Note = None
    kind: Literal["quota_rate"] = "quota_rate"


@pydantic_dataclass(frozen=True, config=_CONFIG)
class RentCeiling:
    """A new policy ceiling, or a subsidy added to every ceiling (explicit ones included)."""

    start_week: StartWeek = 1
    income_type: IncomeType | None = Field(
        default=None, description="Only this income type (default: every income type)."
    )
    ceiling: Int | None = Field(default=None, ge=0, description="The new ceiling (kr a month).")
    subsidy: Int | None = Field(
        default=None, ge=0, description="Kr a month added to every ceiling."
    )
    note: Note = None
    kind: Literal["rent_ceiling"] = "rent_ceiling"

    @model_validator(mode="after")
    def _exactly_one(self) -> RentCeiling:
        if (self.ceiling is None) == (self.subsidy is None):
            raise _given(self, "subsidy", "ceiling_or_subsidy")
        return self


@pydantic_dataclass(frozen=True, config=_CONFIG)
class DogFriendlyShare:
    """Make ``share`` of the almen departments allow dogs (pets ≥ small_dogs)."""

    share: Share = Field(description="The share of almen departments that allow dogs.")
    start_week: StartWeek = 1
    organisation: Organisation = None
    pets: Annotated[Pets, AfterValidator(_dogs_allowed)] = Field(
        default="all",
        validate_default=True,
        description="The rule a department gets when it starts allowing dogs: small_dogs or all.",
    )
    note: Note = None
    kind: Literal["dog_friendly_share"] = "dog_friendly_share"


@pydantic_dataclass(frozen=True, config=_CONFIG)
class LiftLettingRestrictions:
    """Combined/flexible letting no longer excludes cash-benefit recipients [004:3861-3880]."""

    start_week: StartWeek = 1
    organisation: Organisation = None
    note: Note = None
    kind: Literal["lift_letting_restrictions"] = "lift_letting_restrictions"


@pydantic_dataclass(frozen=True, config=_CONFIG)
class ScaleArrivals:
    """Referrals a week multiplied by ``factor``."""

    factor: Annotated[Number, Field(ge=0.0)] = Field(description="1.2 = 20 % more referrals.")
    start_week: StartWeek = 1
    note: Note = None
    kind: Literal["scale_arrivals"] = "scale_arrivals"


@pydantic_dataclass(frozen=True, config=_CONFIG)
class ScaleVacancies:
    """Vacancies a week (and the ledgers' reports) multiplied by ``factor``."""

    factor: Annotated[Number, Field(ge=0.0)] = Field(description="0.8 = 20 % fewer vacancies.")
    start_week: StartWeek = 1
    organisation: Organisation = None
    dwelling_type: DwellingFilter = None
    note: Note = None
    kind: Literal["scale_vacancies"] = "scale_vacancies"


@pydantic_dataclass(frozen=True, config=_CONFIG)
class RentIncrease:
    """Supply shock: new vacancies' rents raised by ``amount`` kr and/or by ``factor``."""

    start_week: StartWeek = 1
    amount: Int = Field(default=0, description="Kr a month added to the rent.")
    factor: Annotated[Number, Field(ge=0.0)] = Field(
        default=1.0, description="The rent multiplied."
    )
    organisation: Organisation = None
    dwelling_type: DwellingFilter = None
    note: Note = None
    kind: Literal["rent_increase"] = "rent_increase"

    @model_validator(mode="after")
    def _some(self) -> RentIncrease:
        if self.amount == 0 and self.factor == 1.0:
            raise _given(self, "amount", "amount_or_factor")
        return self


@pydantic_dataclass(frozen=True, config=_CONFIG)
class Matching:
    """How the week's matching is done from the start week on (issue 14)."""

    method: Literal["optimal", "greedy"] = Field(
        default="optimal",
        description="optimal: the engine (the most youths housed, then priority, then fit); "
        "greedy: each vacancy in turn, by available date, to the highest-priority eligible "
        "youth — today's manual practice (solver/engine/greedy.py).",
    )
    every_weeks: Int = Field(
        default=1, ge=1, le=52, description="How often matching runs (1 = weekly, 2 = fortnightly)."
    )
    start_week: StartWeek = 1
    note: Note = None
    kind: Literal["matching"] = "matching"


@pydantic_dataclass(frozen=True, config=_CONFIG)
class PriorityChange(PriorityScheme):
    """The priority scheme from the start week on: ``order``, ``situation_rank`` and ``points``
    exactly as ``[priority]`` in policy format 2 (``../shared/case-format.md``); the keys not
    given take policy format 2's defaults, not the base's."""

    preset: Literal["standard", "situation", "points"] | None = Field(
        default=None,
        description="One of the named schemes of solver/engine/priority.py instead of order, "
        "situation_rank and points (docs/priority.md).",
    )
    start_week: StartWeek = 1
    note: Note = None
    kind: Literal["priority"] = "priority"

    @model_validator(mode="after")
    def _preset_alone(self) -> PriorityChange:
        own = PriorityScheme(self.order, self.situation_rank, dict(self.points))
        if self.preset is not None and own != PriorityScheme():
            raise _given(self, "preset", "preset_alone")
        return self

    def scheme(self) -> PriorityScheme:
        """The scheme this change puts in force."""
        from solver.engine.priority import PRESETS

        if self.preset is not None:
            return PRESETS[self.preset]
        return PriorityScheme(self.order, self.situation_rank, dict(self.points))


Change: TypeAlias = (
    AddDwellings
    | SupportTeamChange
    | QuotaRate
    | RentCeiling
    | DogFriendlyShare
    | LiftLettingRestrictions
    | ScaleArrivals
    | ScaleVacancies
    | RentIncrease
    | Matching
    | PriorityChange
)
CHANGE_KINDS: dict[str, type] = {
    "add_dwellings": AddDwellings,
    "support_team": SupportTeamChange,
    "quota_rate": QuotaRate,
    "rent_ceiling": RentCeiling,
    "dog_friendly_share": DogFriendlyShare,
    "lift_letting_restrictions": LiftLettingRestrictions,
    "scale_arrivals": ScaleArrivals,
    "scale_vacancies": ScaleVacancies,
    "rent_increase": RentIncrease,
    "matching": Matching,
    "priority": PriorityChange,
}
AnyChange = Annotated[Change, Field(discriminator="kind")]


# --------------------------------------------------------------------------- the file


@pydantic_dataclass(frozen=True, config=_CONFIG)
class ScenarioFile:
    """A scenario file as written (TOML; the API takes the same shape as TOML text)."""

    base: Text = Field(
        description="A fixture (tiny, naestved, copenhagen, national), a case folder (relative "
        "to the file), or 'database' (service only: the latest imported week)."
    )
    name: Text | None = Field(default=None, description="Default: the file name.")
    description: Annotated[str, Strict()] = Field(
        default="", description="Shown on the planner page."
    )
    horizon_weeks: Int = Field(
        default=52,
        ge=1,
        le=MAX_HORIZON_WEEKS,
        description="Weeks simulated; week 1 is the base case's run week.",
    )
    replications: Int = Field(default=100, ge=1, description="Replications (independent runs).")
    seed: Int = Field(
        default=0, ge=0, description="Replication r uses SeedSequence(seed).spawn(R)[r]."
    )
    calibration: Calibration = Field(
        default_factory=Calibration, description="Overrides of the rates derived from the base."
    )
    changes: tuple[AnyChange, ...] = Field(
        default=(), description="Applied in file order, each from its start_week on."
    )


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[ScenarioFile]:
    return TypeAdapter(ScenarioFile)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (``docs/scenario.schema.json``)."""
    schema = _adapter().json_schema()
    schema["title"] = "scenario file"
    schema["description"] = (
        "A what-if scenario (scenarios/README.md): a base case, a horizon, replications, a "
        "seed, calibration overrides and changes, each told apart by its kind."
    )
    return schema


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class ScenarioSpec:
    """Everything a simulation needs; picklable, so it travels to pool and Dask workers."""

    name: str
    base: str  # the base as written ("copenhagen", "../cases/w48", "database")
    case: Case
    horizon_weeks: int = 52
    replications: int = 100
    seed: int = 0
    changes: tuple[Change, ...] = ()
    calibration: Calibration = field(default_factory=Calibration)
    description: str = ""
    source: str | None = None  # the file it came from

    @property
    def is_baseline(self) -> bool:
        return not self.changes

    def pairing_key(self) -> tuple[Any, ...]:
        """Scenarios with equal keys share one baseline and its replication seeds."""
        return (self.base, self.horizon_weeks, self.replications, self.seed, self.calibration)

    def as_baseline(self, name: str = "baseline") -> ScenarioSpec:
        """The same world without changes: the twin this scenario is compared with."""
        return ScenarioSpec(
            name=name,
            base=self.base,
            case=self.case,
            horizon_weeks=self.horizon_weeks,
            replications=self.replications,
            seed=self.seed,
            calibration=self.calibration,
            description=f"{self.base} as it is",
        )

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly summary (stored with results)."""
        return {
            "name": self.name,
            "description": self.description,
            "base": self.base,
            "source": self.source,
            "horizon_weeks": self.horizon_weeks,
            "replications": self.replications,
            "seed": self.seed,
            "changes": [change_dict(c) for c in self.changes],
            "calibration": TypeAdapter(Calibration).dump_python(self.calibration, mode="json"),
        }


def change_dict(change: Change) -> dict[str, Any]:
    """A change as a file would write it: its kind first, the keys that are set."""
    data = TypeAdapter(type(change)).dump_python(change, mode="json", exclude_none=True)
    return {"kind": data.pop("kind"), **data}


def scenario_toml(data: Mapping[str, Any]) -> str:
    """A scenario as TOML (the planner's form composes one): top-level keys, ``[calibration]``
    tables and ``[[changes]]`` blocks; values are strings, numbers, booleans, lists of strings
    and (``points``) tables of integers. Reading it back gives ``data``."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        text = str(v).replace("\\", "\\\\").replace('"', '\\"')
        text = "".join(c if " " <= c != "\x7f" else f"\\u{ord(c):04x}" for c in text)
        return f'"{text}"'

    def table(prefix: str, t: Mapping[str, Any], header: str) -> list[str]:
        lines = [header] if header else []
        nested = []
        for k, v in t.items():
            if isinstance(v, Mapping):
                nested.append((k, v))
            elif k != "changes":
                lines.append(f"{k} = {value(v)}")
        for k, v in nested:
            name = f"{prefix}.{k}" if prefix else k
            lines += ["", *table(name, v, f"[{name}]")]
        return lines

    lines = table("", {k: v for k, v in data.items() if k != "changes"}, "")
    for change in data.get("changes", ()):
        lines += ["", *table("changes", change, "[[changes]]")]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- loading


def resolve_base(base: str, relative_to: Path | None = None) -> Case:
    """The base case: a fixture name, a case folder, or ``SCHEME[:ARG]`` of a registered loader.

    A fixture name reads ``data/fixtures/NAME`` (or generates ``national``); a relative folder
    is looked up next to the scenario file first, then from the working directory.
    """
    from solver.caseio.read import read_case

    scheme, _, arg = base.partition(":")
    loader = base_loader(scheme)
    if loader is not None:
        return loader(arg)
    if base in FIXTURE_NAMES:
        folder = FIXTURES_DIR / base
        if folder.is_dir():
            return read_case(folder)
        from solver.fixtures.generate import generate_case

        return generate_case(base)
    candidates = [Path(base)]
    if relative_to is not None and not Path(base).is_absolute():
        candidates.insert(0, relative_to / base)
    for folder in candidates:
        if folder.is_dir():
            return read_case(folder)
    if scheme == "database":
        raise ValueError("the live database is available only through the service")
    raise ValueError(
        f"{base!r} is neither a fixture ({', '.join(FIXTURE_NAMES)}) nor a case folder"
    )


def load_scenario(path: Path | str, *, base_case: Case | None = None) -> ScenarioSpec:
    """Read and validate a scenario file; ``base_case`` skips resolving ``base``.

    Raises
    ------
    ScenarioError
        Listing every problem (:class:`ScenarioIssue`, in English ``FILE: KEY: message``).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        issue = ScenarioIssue(str(path), "", "unreadable", {"error": str(exc)})
        raise ScenarioError([issue]) from None
    except tomllib.TOMLDecodeError as exc:
        issue = ScenarioIssue(str(path), "", "not_toml", {"error": str(exc)})
        raise ScenarioError([issue]) from None
    return parse_scenario(
        data, source=str(path), base_dir=path.parent, default_name=path.stem, base_case=base_case
    )


def parse_scenario(
    data: Mapping[str, Any],
    *,
    source: str = "<scenario>",
    base_dir: Path | None = None,
    default_name: str = "scenario",
    base_case: Case | None = None,
) -> ScenarioSpec:
    """Validate a parsed scenario (the TOML as a dict; the API can send JSON of the same shape)."""
    issues: list[ScenarioIssue] = []

    def fail(key: str, code: str, **params: Any) -> None:
        issues.append(ScenarioIssue(source, key, code, params))

    if not isinstance(data, Mapping):
        raise ScenarioError([ScenarioIssue(source, "(file)", "not_table")])
    file: ScenarioFile | None = None
    bad_keys: set[str] = set()
    try:
        file = _adapter().validate_python(dict(data))
    except ValidationError as exc:
        for error in exc.errors():
            key, code, params = _issue(error)
            bad_keys.add(key)
            fail(key, code, **params)

    case = base_case
    base = data.get("base")
    if case is None and isinstance(base, str) and base.strip() and "base" not in bad_keys:
        try:
            case = resolve_base(base.strip(), base_dir)
        except ValueError as exc:  # CaseError is a ValueError too
            first = str(exc).splitlines() or [""]
            fail("base", "base_unreadable",
                 error=first[0] if len(first) == 1 else f"{first[0]} (and more)")  # fmt: skip
    if file is not None:
        _check_in_world(file, case, fail)
    if issues:
        raise ScenarioError(issues)
    assert file is not None and case is not None
    return ScenarioSpec(
        name=file.name or default_name,
        base=file.base,
        case=case,
        horizon_weeks=file.horizon_weeks,
        replications=file.replications,
        seed=file.seed,
        changes=tuple(file.changes),
        calibration=file.calibration,
        description=file.description.strip(),
        source=source,
    )


def _check_in_world(file: ScenarioFile, case: Case | None, fail: Callable[..., None]) -> None:
    """What the schema cannot know: start weeks within the horizon, and teams, organisations
    and quota rows that the base case has (skipped when the base could not be read)."""
    orgs: set[str] = set()
    if case is not None:
        orgs = {u.organisation for u in case.units} | {q.organisation for q in case.quotas}
    for i, c in enumerate(file.changes, start=1):
        key = f"changes[{i}]"
        if c.start_week > file.horizon_weeks:
            fail(f"{key}.start_week", "at_most", limit=file.horizon_weeks, value=repr(c.start_week))
        if case is None:
            continue
        org = getattr(c, "organisation", None)
        if org is not None and not isinstance(c, AddDwellings) and org not in orgs:
            fail(f"{key}.organisation", "not_organisation", value=repr(org))
        if isinstance(c, SupportTeamChange) and c.team not in case.team_by_name():
            fail(f"{key}.team", "not_team", value=repr(c.team))
        if isinstance(c, QuotaRate) and (c.organisation is not None or c.dwelling_type):
            hits = [
                q
                for q in case.quotas
                if c.organisation in (None, q.organisation)
                and c.dwelling_type in (None, q.dwelling_type)
            ]
            if not hits:
                fail(key, "no_quota_row")


# --------------------------------------------------------------------------- messages


def _key(loc: tuple[Any, ...]) -> str:
    """``("changes", 1, "support_team", "team")`` → ``changes[2].team``."""
    out = ""
    after_index = False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
            after_index = True
            continue
        if after_index and out.startswith("changes") and part in CHANGE_KINDS:
            after_index = False  # the union's tag, not a key
            continue
        after_index = False
        out += f".{part}" if out else str(part)
    return out


def _table(loc: tuple[Any, ...]) -> type:
    """The class whose keys are allowed where ``loc``'s last key is."""
    parent = [p for p in loc[:-1] if not isinstance(p, int)]
    if parent[:1] == ["changes"] and len(parent) > 1 and parent[1] in CHANGE_KINDS:
        return CHANGE_KINDS[parent[1]]
    if parent == ["calibration", "decline"]:
        return DeclineModel
    if parent == ["calibration", "tenancy_loss"]:
        return TenancyLoss
    if parent == ["calibration"]:
        return Calibration
    return ScenarioFile


def _issue(error: Any) -> tuple[str, str, dict[str, Any]]:
    """A pydantic error as (key, ``scenario.CODE``, parameters) a planner reads."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    key = _key(loc)
    shown = {"value": repr(value)}
    kinds = ", ".join(CHANGE_KINDS)
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        allowed = ", ".join(f.name for f in fields(_table(loc)) if f.name != "kind")
        return key, "unknown_key", {"allowed": allowed}
    if kind in ("missing_argument", "missing"):
        return key, "required", {}
    if kind == "union_tag_invalid":
        return f"{key}.kind", "kind_invalid", {"kinds": kinds, "tag": repr(ctx.get("tag"))}
    if kind == "union_tag_not_found":
        return f"{key}.kind", "kind_required", {"kinds": kinds}
    if kind in ("rate_type", "not_rate", "rate_range"):
        return key, "not_rate", shown
    if kind == "unknown_key":  # a [priority.points] key (solver.domain)
        return f"{key}.{ctx.get('key')}", "unknown_key", {"allowed": ctx.get("allowed")}
    if kind == "combination":
        return f"{key}.{ctx['key']}", ctx["code"], {}
    if kind == "monitoring_only":  # a priority criterion or points key (solver.domain)
        return key, "monitoring_only", {"name": ctx.get("name")}
    if kind == "repeated":
        return key, "repeated", {}
    if kind == "one_of":  # (_pet_policy: the value comes quoted)
        return key, "one_of", {"expected": ctx.get("values"), "value": ctx.get("value")}
    if kind in ("float_type", "float_parsing"):
        return key, "not_number", shown
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return key, "not_integer", shown
    if kind in ("bool_type", "bool_parsing"):
        return key, "not_bool", shown
    if kind in ("string_type", "string_too_short"):
        return key, "not_text", shown
    if kind == "greater_than_equal":
        code = "at_least_integer" if isinstance(value, int) else "at_least_number"
        return key, code, {"limit": ctx.get("ge"), **shown}
    if kind == "less_than_equal":
        return key, "at_most", {"limit": ctx.get("le"), **shown}
    if kind == "finite_number":
        return key, "not_finite", shown
    if kind in ("enum", "literal_error"):
        return key, "one_of", {"expected": ctx.get("expected"), **shown}
    if kind in ("dict_type", "dataclass_type", "dataclass_args_type", "model_type"):
        return key, "not_table", {}
    if kind in ("tuple_type", "list_type"):
        return key, "not_list", {}
    return key, "invalid", {"message": error["msg"]}


if __name__ == "__main__":  # python -m solver.planning.scenario > docs/scenario.schema.json
    import json

    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
