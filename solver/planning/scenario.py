"""What-if scenario files: schema, validation and loading (``scenarios/README.md``).

A scenario is a base case (a fixture or a case folder; the live database is a hook the service
fills, :func:`register_base_loader`), a horizon in weeks, replications and a seed, optional
calibration overrides, and a list of changes, each from a start week on. Loading validates the
whole file and raises one :class:`ScenarioError` listing every problem, each naming its key::

    scenarios/x.toml: changes[2].rent: must be a non-negative integer

``changes[i]`` counts the ``[[changes]]`` blocks from 1 in file order. Weeks are numbered from 1;
week 1 is the base case's run week.

Nothing here simulates: :mod:`solver.planning.simulate` reads a :class:`ScenarioSpec`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeAlias

from solver.domain import QUOTA_WINDOW_WEEKS, Case, DwellingType, IncomeType, PetPolicy
from solver.resources import FIXTURES_DIR

FIXTURE_NAMES = ("tiny", "naestved", "copenhagen", "national")

BaseLoader = Callable[[str], Case]
_BASE_LOADERS: dict[str, BaseLoader] = {}


def register_base_loader(scheme: str, loader: BaseLoader) -> None:
    """Let ``base = "SCHEME"`` or ``base = "SCHEME:ARG"`` load a case through ``loader(ARG)``.

    This is the hook for the live database: the service registers ``"database"`` with a
    function that snapshots the current week's waiting youths, vacancies, teams and ledger as
    a :class:`~solver.domain.Case`. The solver itself never imports the service.
    """
    _BASE_LOADERS[scheme] = loader


class ScenarioError(ValueError):
    """A scenario file that cannot be used; ``issues`` holds one line per problem."""

    def __init__(self, issues: list[str]) -> None:
        self.issues = issues
        super().__init__("\n".join(issues))


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class DeclineModel:
    """Probabilities that a youth declines an offer, per coded reason (service ``DeclineReason``).

    Reasons are drawn in this order; the first that fires is the reason recorded. Every number
    is an assumption unless a source is named; ``scenarios/README.md`` lists them.
    """

    # A youth with a dog the office does not know of (see ``unrecorded_dog_share``) offered a
    # dwelling that bans dogs: a ban is a barrier to accepting an offer, parting with the dog is
    # especially hard for youth with a weak network [004:3918-3930]. 0.7 is an assumption.
    pet_banned: float = 0.7
    # The dwelling is outside the youth's preferred areas (only youths who have preferences).
    area_not_preferred: float = 0.2
    area_other: float = 0.03
    # Rent + utilities above ``too_expensive_share`` of monthly income (the rent-share fit
    # term's idea); "cannot pay the rent" is 5–42 % of reasons not housed [004:8136-8158].
    too_expensive: float = 0.15
    too_expensive_other: float = 0.02
    too_expensive_share: float = 0.5
    # "Does not want own home": 6–21 % of youth without a home [004:8136-8158, 12050-12074];
    # the low end, per offer.
    not_ready: float = 0.06
    no_contact: float = 0.05  # the youth cannot be reached in time (assumption)


@dataclass(frozen=True)
class Calibration:
    """Overrides of the simulated world's rates; ``None`` = derived from the base case.

    See :func:`solver.planning.simulate.calibrate` for how the derived values are computed.
    """

    arrivals_per_week: float | None = None
    vacancies_per_week: float | None = None
    # Leaving the queue by other routes (family, moved away, lost contact, own market rental):
    # 0.5 % a week ≈ 23 % a year. Assumption; the seeds give only 73 % housed at the end of the
    # youth project [003:106].
    leave_per_week: float = 0.005
    # Counting window of the quota ledger: the one the fixtures write (solver.domain).
    quota_window_weeks: int = QUOTA_WINDOW_WEEKS
    # An unclaimed vacancy goes back to the organisation's own list this many weeks after it
    # became available (assumption).
    unit_expiry_weeks: int = 4
    cti_course_weeks: int = 39  # CTI: 9 months in three phases [004:7121-7129; 003:254]
    icm_mean_weeks: float = 56.0  # ICM: open-ended, 13 months on average [003:651]
    act_mean_weeks: float = 104.0  # ACT: open-ended; 2 years on average (assumption)
    unrecorded_dog_share: float = 0.05  # youths with pet "none" who keep a dog (assumption)
    decline_pause_weeks: int = 0  # declining keeps priority by default (domain.md §6)
    decline: DeclineModel = field(default_factory=DeclineModel)


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class AddDwellings:
    """New dwellings at the municipality's disposal: ``count`` at once and/or ``per_week``."""

    organisation: str
    dwelling_type: DwellingType
    rent: int
    start_week: int = 1
    count: int = 0
    per_week: float = 0.0
    utilities: int = 0
    pets: PetPolicy = PetPolicy.NONE
    rooms: int = 1
    size_m2: int | None = None
    area: str | None = None
    department: str | None = None
    accessible: bool = False
    benefit_restricted: bool = False
    # True: let by agreement outside the § 59 ledger (no claim needed). False: each dwelling is
    # reported to the organisation's quota ledger like any vacancy and needs a claim.
    outside_quota: bool = True
    available_in_weeks: int = 0
    kind: str = "add_dwellings"


@dataclass(frozen=True)
class SupportTeamChange:
    """A team's workers (absolute or added) and/or caseload cap per worker."""

    team: str
    start_week: int = 1
    workers: int | None = None
    add_workers: int | None = None
    caseload_cap: int | None = None
    kind: str = "support_team"


@dataclass(frozen=True)
class QuotaRate:
    """The allocation right's rate for all quota rows, or those matching the filters."""

    rate: Fraction
    start_week: int = 1
    organisation: str | None = None
    dwelling_type: DwellingType | None = None
    kind: str = "quota_rate"


@dataclass(frozen=True)
class RentCeiling:
    """A new policy ceiling, or a subsidy added to every ceiling (explicit ones included)."""

    start_week: int = 1
    income_type: IncomeType | None = None  # None = every income type
    ceiling: int | None = None
    subsidy: int | None = None
    kind: str = "rent_ceiling"


@dataclass(frozen=True)
class DogFriendlyShare:
    """Make ``share`` of the almen departments allow dogs (pets ≥ small_dogs)."""

    share: float
    start_week: int = 1
    organisation: str | None = None
    pets: PetPolicy = PetPolicy.ALL  # the rule a department gets when it starts allowing dogs
    kind: str = "dog_friendly_share"


@dataclass(frozen=True)
class LiftLettingRestrictions:
    """Combined/flexible letting no longer excludes cash-benefit recipients [004:3861-3880]."""

    start_week: int = 1
    organisation: str | None = None
    kind: str = "lift_letting_restrictions"


@dataclass(frozen=True)
class ScaleArrivals:
    factor: float
    start_week: int = 1
    kind: str = "scale_arrivals"


@dataclass(frozen=True)
class ScaleVacancies:
    factor: float
    start_week: int = 1
    organisation: str | None = None
    dwelling_type: DwellingType | None = None
    kind: str = "scale_vacancies"


@dataclass(frozen=True)
class RentIncrease:
    """Supply shock: new vacancies' rents raised by ``amount`` kr and/or by ``factor``."""

    start_week: int = 1
    amount: int = 0
    factor: float = 1.0
    organisation: str | None = None
    dwelling_type: DwellingType | None = None
    kind: str = "rent_increase"


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
}


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
            "changes": [_change_dict(c) for c in self.changes],
            "calibration": _plain(self.calibration),
        }


def _plain(obj: Any) -> Any:
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, Fraction):
        return f"{obj.numerator}/{obj.denominator}"
    if isinstance(obj, PetPolicy):
        return obj.label
    if isinstance(obj, DwellingType | IncomeType):
        return obj.value
    return obj


def _change_dict(change: Change) -> dict[str, Any]:
    out = {"kind": change.kind}
    for k, v in _plain(change).items():
        if k != "kind" and v is not None:
            out[k] = v
    return out


# --------------------------------------------------------------------------- loading


def resolve_base(base: str, relative_to: Path | None = None) -> Case:
    """The base case: a fixture name, a case folder, or ``SCHEME[:ARG]`` of a registered loader.

    A fixture name reads ``data/fixtures/NAME`` (or generates ``national``); a relative folder
    is looked up next to the scenario file first, then from the working directory.
    """
    from solver.caseio.read import read_case

    scheme, _, arg = base.partition(":")
    if scheme in _BASE_LOADERS:
        return _BASE_LOADERS[scheme](arg)
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
        Listing every problem, each as ``FILE: KEY: message``.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot be read ({exc})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: is not valid TOML ({exc})"]) from None
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
    v = _Validator(source)
    top = v.keys(
        data,
        "",
        required=("base",),
        optional=(
            "name",
            "description",
            "horizon_weeks",
            "replications",
            "seed",
            "calibration",
            "changes",
        ),
    )
    name = v.string(top, "name", "", default=default_name) or default_name
    description = v.string(top, "description", "", default="") or ""
    base = v.string(top, "base", "")
    horizon = v.integer(top, "horizon_weeks", "", minimum=1, default=52)
    replications = v.integer(top, "replications", "", minimum=1, default=100)
    seed = v.integer(top, "seed", "", minimum=0, default=0)
    calibration = _calibration(v, top.get("calibration"))

    case = base_case
    if case is None and base is not None:
        try:
            case = resolve_base(base, base_dir)
        except ValueError as exc:  # CaseError is a ValueError too
            first = str(exc).splitlines()
            v.fail("base", first[0] if len(first) == 1 else f"{first[0]} (and more)")

    changes: list[Change] = []
    raw_changes = top.get("changes", [])
    if not isinstance(raw_changes, list):
        v.fail("changes", "must be a list of [[changes]] tables")
        raw_changes = []
    for i, raw in enumerate(raw_changes, start=1):
        change = _change(v, f"changes[{i}]", raw, horizon or 52, case)
        if change is not None:
            changes.append(change)
    v.raise_if_any()
    assert case is not None and base is not None
    assert horizon is not None and replications is not None and seed is not None
    return ScenarioSpec(
        name=name,
        base=base,
        case=case,
        horizon_weeks=horizon,
        replications=replications,
        seed=seed,
        changes=tuple(changes),
        calibration=calibration,
        description=description,
        source=source,
    )


_MISSING: Any = object()


class _Validator:
    """Collects ``FILE: KEY: message`` lines; each check returns None when it failed."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[str] = []

    def fail(self, key: str, message: str) -> None:
        self.issues.append(f"{self.source}: {key}: {message}")

    def raise_if_any(self) -> None:
        if self.issues:
            raise ScenarioError(self.issues)

    @staticmethod
    def key(prefix: str, name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    def keys(
        self, data: Any, prefix: str, *, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            self.fail(prefix or "(file)", "must be a table")
            return {}
        allowed = required + optional
        for k in data:
            if k not in allowed:
                self.fail(
                    self.key(prefix, k), f"unknown key (expected one of {', '.join(allowed)})"
                )
        for k in required:
            if k not in data:
                self.fail(self.key(prefix, k), "is required")
        return {k: data[k] for k in data if k in allowed}

    def integer(
        self,
        data: Mapping[str, Any],
        name: str,
        prefix: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        default: Any = _MISSING,
    ) -> int | None:
        if name not in data:
            return None if default is _MISSING else default
        value = data[name]
        key = self.key(prefix, name)
        what = "a non-negative integer" if minimum == 0 else "an integer"
        if minimum is not None and minimum > 0:
            what = f"an integer of at least {minimum}"
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be {what}, not {value!r}")
            return None
        if minimum is not None and value < minimum:
            self.fail(key, f"must be {what}, not {value}")
            return None
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}, not {value}")
            return None
        return value

    def number(
        self,
        data: Mapping[str, Any],
        name: str,
        prefix: str,
        *,
        minimum: float = 0.0,
        maximum: float | None = None,
        positive: bool = False,
        default: Any = _MISSING,
    ) -> float | None:
        if name not in data:
            return None if default is _MISSING else default
        value = data[name]
        key = self.key(prefix, name)
        if maximum is not None:
            what = f"a number from {minimum:g} to {maximum:g}"
        else:
            what = "a positive number" if positive else "a non-negative number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be {what}, not {value!r}")
            return None
        bad = value < minimum or (positive and value <= 0)
        if bad or (maximum is not None and value > maximum) or value != value:
            self.fail(key, f"must be {what}, not {value}")
            return None
        return float(value)

    def string(
        self, data: Mapping[str, Any], name: str, prefix: str, *, default: Any = _MISSING
    ) -> str | None:
        if name not in data:
            return None if default is _MISSING else default
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            self.fail(self.key(prefix, name), f"must be a non-empty string, not {value!r}")
            return None
        return value.strip()

    def boolean(
        self, data: Mapping[str, Any], name: str, prefix: str, *, default: bool
    ) -> bool | None:
        if name not in data:
            return default
        value = data[name]
        if not isinstance(value, bool):
            self.fail(self.key(prefix, name), f"must be true or false, not {value!r}")
            return None
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        name: str,
        prefix: str,
        options: Mapping[str, Any],
        *,
        default: Any = _MISSING,
    ) -> Any:
        if name not in data:
            return None if default is _MISSING else default
        value = data[name]
        if not isinstance(value, str) or value not in options:
            self.fail(self.key(prefix, name), f"must be one of {', '.join(options)}, not {value!r}")
            return None
        return options[value]

    def rate(self, data: Mapping[str, Any], name: str, prefix: str) -> Fraction | None:
        from solver.caseio.cells import parse_rate

        value = data.get(name)
        key = self.key(prefix, name)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(key, f'must be a rate from 0 to 1 like 0.25 or "1/3", not {value!r}')
            return None
        try:
            rate = parse_rate(str(value))
        except ValueError as exc:
            self.fail(key, str(exc))
            return None
        if not 0 <= rate <= 1:
            self.fail(key, f"must be a rate from 0 to 1, not {value!r}")
            return None
        return rate


_TYPES = {t.value: t for t in DwellingType}
_INCOMES = {t.value: t for t in IncomeType}
_PET_POLICIES = {p.label: p for p in PetPolicy}
_CAL_FLOATS = {
    "arrivals_per_week": (0.0, None),
    "vacancies_per_week": (0.0, None),
    "leave_per_week": (0.0, 1.0),
    "icm_mean_weeks": (1.0, None),
    "act_mean_weeks": (1.0, None),
    "unrecorded_dog_share": (0.0, 1.0),
}
_CAL_INTS = {
    "quota_window_weeks": 1,
    "unit_expiry_weeks": 0,
    "cti_course_weeks": 1,
    "decline_pause_weeks": 0,
}


def _calibration(v: _Validator, raw: Any) -> Calibration:
    if raw is None:
        return Calibration()
    data = v.keys(
        raw,
        "calibration",
        required=(),
        optional=(*_CAL_FLOATS, *_CAL_INTS, "decline"),
    )
    kwargs: dict[str, Any] = {}
    for name, (lo, hi) in _CAL_FLOATS.items():
        value = v.number(data, name, "calibration", minimum=lo, maximum=hi, default=None)
        if value is not None:
            kwargs[name] = value
    for name, lo in _CAL_INTS.items():
        ivalue = v.integer(data, name, "calibration", minimum=lo, default=None)
        if ivalue is not None:
            kwargs[name] = ivalue
    if "decline" in data:
        names = tuple(f.name for f in fields(DeclineModel))
        dec = v.keys(data["decline"], "calibration.decline", required=(), optional=names)
        dk: dict[str, float] = {}
        for name in names:
            value = v.number(
                dec, name, "calibration.decline", minimum=0.0, maximum=1.0, default=None
            )
            if value is not None:
                dk[name] = value
        kwargs["decline"] = DeclineModel(**dk)
    return Calibration(**kwargs)


_COMMON = ("kind", "start_week", "note")
_CHANGE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "add_dwellings": (
        ("organisation", "dwelling_type", "rent"),
        (
            "count",
            "per_week",
            "utilities",
            "pets",
            "rooms",
            "size_m2",
            "area",
            "department",
            "accessible",
            "benefit_restricted",
            "outside_quota",
            "available_in_weeks",
        ),
    ),
    "support_team": (("team",), ("workers", "add_workers", "caseload_cap")),
    "quota_rate": (("rate",), ("organisation", "dwelling_type")),
    "rent_ceiling": ((), ("income_type", "ceiling", "subsidy")),
    "dog_friendly_share": (("share",), ("organisation", "pets")),
    "lift_letting_restrictions": ((), ("organisation",)),
    "scale_arrivals": (("factor",), ()),
    "scale_vacancies": (("factor",), ("organisation", "dwelling_type")),
    "rent_increase": ((), ("amount", "factor", "organisation", "dwelling_type")),
}


def _change(v: _Validator, key: str, raw: Any, horizon: int, case: Case | None) -> Change | None:
    if not isinstance(raw, Mapping):
        v.fail(key, "must be a table ([[changes]])")
        return None
    kind = raw.get("kind")
    if kind not in _CHANGE_KEYS:
        v.fail(f"{key}.kind", f"must be one of {', '.join(_CHANGE_KEYS)}, not {kind!r}")
        return None
    required, optional = _CHANGE_KEYS[kind]
    before = len(v.issues)
    d = v.keys(raw, key, required=required, optional=(*_COMMON, *optional))
    if "note" in d:
        v.string(d, "note", key)
    start = v.integer(d, "start_week", key, minimum=1, maximum=horizon, default=1)
    orgs = set() if case is None else {u.organisation for u in case.units}
    if case is not None:
        orgs |= {q.organisation for q in case.quotas}

    def organisation(must_exist: bool = True) -> str | None:
        org = v.string(d, "organisation", key, default=None)
        if org is not None and must_exist and case is not None and org not in orgs:
            v.fail(f"{key}.organisation", f"{org!r} is not an organisation of the base case")
        return org

    dtype = v.choice(d, "dwelling_type", key, _TYPES, default=None)
    out: Change | None = None
    if kind == "add_dwellings":
        count = v.integer(d, "count", key, minimum=0, default=0)
        per_week = v.number(d, "per_week", key, default=0.0)
        if count == 0 and per_week == 0.0:
            v.fail(f"{key}.count", "give count (dwellings at once) or per_week (or both)")
        org = organisation(must_exist=False)
        out = AddDwellings(
            organisation=org or "",
            dwelling_type=dtype or DwellingType.YOUTH,
            rent=v.integer(d, "rent", key, minimum=0) or 0,
            start_week=start or 1,
            count=count or 0,
            per_week=per_week or 0.0,
            utilities=v.integer(d, "utilities", key, minimum=0, default=0) or 0,
            pets=v.choice(d, "pets", key, _PET_POLICIES, default=PetPolicy.NONE),
            rooms=v.integer(d, "rooms", key, minimum=1, default=1) or 1,
            size_m2=v.integer(d, "size_m2", key, minimum=1, default=None),
            area=v.string(d, "area", key, default=None),
            department=v.string(d, "department", key, default=None),
            accessible=bool(v.boolean(d, "accessible", key, default=False)),
            benefit_restricted=bool(v.boolean(d, "benefit_restricted", key, default=False)),
            outside_quota=bool(v.boolean(d, "outside_quota", key, default=True)),
            available_in_weeks=v.integer(d, "available_in_weeks", key, minimum=0, default=0) or 0,
        )
    elif kind == "support_team":
        team = v.string(d, "team", key)
        if team is not None and case is not None and team not in case.team_by_name():
            v.fail(f"{key}.team", f"{team!r} is not a team of the base case")
        workers = v.integer(d, "workers", key, minimum=0, default=None)
        add = v.integer(d, "add_workers", key, default=None)
        cap = v.integer(d, "caseload_cap", key, minimum=1, default=None)
        if workers is not None and add is not None:
            v.fail(f"{key}.add_workers", "give workers or add_workers, not both")
        if "workers" not in d and "add_workers" not in d and "caseload_cap" not in d:
            v.fail(f"{key}.workers", "give workers, add_workers or caseload_cap")
        out = SupportTeamChange(team or "", start or 1, workers, add, cap)
    elif kind == "quota_rate":
        rate = v.rate(d, "rate", key)
        org = organisation()
        if case is not None and (org is not None or dtype is not None):
            hits = [
                q
                for q in case.quotas
                if (org is None or q.organisation == org)
                and (dtype is None or q.dwelling_type is dtype)
            ]
            if not hits:
                v.fail(key, "no quota row of the base case matches organisation/dwelling_type")
        out = QuotaRate(rate or Fraction(0), start or 1, org, dtype)
    elif kind == "rent_ceiling":
        income = v.choice(d, "income_type", key, _INCOMES, default=None)
        ceiling = v.integer(d, "ceiling", key, minimum=0, default=None)
        subsidy = v.integer(d, "subsidy", key, minimum=0, default=None)
        if ("ceiling" in d) == ("subsidy" in d):
            v.fail(f"{key}.subsidy", "give exactly one of ceiling or subsidy")
        out = RentCeiling(start or 1, income, ceiling, subsidy)
    elif kind == "dog_friendly_share":
        share = v.number(d, "share", key, maximum=1.0)
        pets = v.choice(
            d,
            "pets",
            key,
            {"small_dogs": PetPolicy.SMALL_DOGS, "all": PetPolicy.ALL},
            default=PetPolicy.ALL,
        )
        out = DogFriendlyShare(share or 0.0, start or 1, organisation(), pets or PetPolicy.ALL)
    elif kind == "lift_letting_restrictions":
        out = LiftLettingRestrictions(start or 1, organisation())
    elif kind == "scale_arrivals":
        out = ScaleArrivals(v.number(d, "factor", key) or 0.0, start or 1)
    elif kind == "scale_vacancies":
        factor = v.number(d, "factor", key) or 0.0
        out = ScaleVacancies(factor, start or 1, organisation(), dtype)
    elif kind == "rent_increase":
        amount = v.integer(d, "amount", key, default=0)
        scale = v.number(d, "factor", key, default=1.0)
        if "amount" not in d and "factor" not in d:
            v.fail(f"{key}.amount", "give amount (kr) or factor (or both)")
        out = RentIncrease(start or 1, amount or 0, scale or 0.0, organisation(), dtype)
    return out if len(v.issues) == before else None
