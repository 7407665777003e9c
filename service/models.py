"""Tables. Personal data is limited to what allocation needs; youths are known by pseudonymous
``ref`` only (never a CPR number). Gender and Greenlandic background are for outcome monitoring.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Text, UniqueConstraint
from sqlalchemy.orm import deferred
from sqlmodel import Field, SQLModel

from solver.caseio.weeks import OFFICE_ZONE, office_today

LOCAL = OFFICE_ZONE  # the office's clock (solver.caseio.weeks): what a day and a date mean here


def now() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in Copenhagen, the office's date: an offer's answer date, a claim's date, the
    pages' day filters, a case's default run date (``solver.caseio.weeks.office_today``)."""
    return office_today()


class Role(StrEnum):
    ADMIN = "admin"
    ALLOCATOR = "allocator"
    PLANNER = "planner"
    CASEWORKER = "caseworker"


class YouthStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    HOUSED = "housed"
    WITHDRAWN = "withdrawn"


class DwellingStatus(StrEnum):
    VACANT = "vacant"
    OFFERED = "offered"
    LET = "let"
    WITHDRAWN = "withdrawn"


class WorkStatus(StrEnum):
    """Where a piece of background work is: a weekly run or a planning job."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OverrideReason(StrEnum):
    """Why the allocation office offers a dwelling the run did not propose (domain.md §5a)."""

    SOCIAL_ASSESSMENT = "social_assessment"  # the office's professional assessment
    URGENT_SITUATION = "urgent_situation"  # an acute situation the data does not show
    CONTINUITY = "continuity"  # keeping the youth near their network, school or support
    LANDLORD_AGREEMENT = "landlord_agreement"  # agreed with the housing organisation
    OTHER = "other"


class OfferState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    SIGNED = "signed"
    MOVED_IN = "moved_in"
    WITHDRAWN = "withdrawn"  # the youth was withdrawn while the offer was live (usecases.lifecycle)


class WithdrawReason(StrEnum):
    """Why a youth leaves the waiting list without a dwelling from the office (issue 10)."""

    HOUSED_OTHERWISE = "housed_otherwise"  # found a home by other means
    MOVED_AWAY = "moved_away"  # moved out of the municipality
    LEFT_TARGET_GROUP = "left_target_group"  # no longer in the target group
    NO_CONTACT = "no_contact"  # the office cannot reach the youth
    OTHER = "other"  # with a text


# The database's integer range: an id beyond it cannot exist (requests are refused before any
# query).
MAX_ID = 2**31 - 1

# One rule for user names and team names, wherever users are created (API, pages, CLI).
USERNAME_PATTERN = r"^[A-Za-z0-9._@-]{1,64}$"
TEAM_PATTERN = r"^[A-Za-z0-9ÆØÅæøå._ -]{1,64}$"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    role: str
    password_hash: str
    teams: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    # Tokens issued before this instant (ms since the epoch) are void: logging out sets it.
    sessions_valid_from: int = Field(default=0, sa_column=Column(BigInteger, nullable=False,
                                                                 server_default="0"))  # fmt: skip


class YouthRecord(SQLModel, table=True):
    __tablename__ = "youth"
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True)
    birth_date: date
    referred_on: date
    situation: str
    income_type: str
    support_method: str
    monthly_income: int | None = None
    rent_ceiling: int | None = None
    pet: str = "none"
    household_size: int = 1
    needs_accessible: bool = False
    support_team: str | None = Field(default=None, index=True)
    urgent_by: date | None = None
    preferred_areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    excluded_areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    gender: str | None = None
    greenlandic: bool | None = None
    case_worker: str | None = Field(default=None, index=True)
    status: str = Field(default=YouthStatus.WAITING.value, index=True)
    paused_until: date | None = None
    updated_at: datetime = Field(default_factory=now)
    # Withdrawn (status ``withdrawn``): the coded reason, its text (for ``other``), when, by whom.
    withdrawn_reason: str | None = None
    withdrawn_text: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    # The week of the import that no longer listed this waiting youth, until the allocator
    # confirms (withdraw or keep waiting): ``usecases.lifecycle.missing_youths``.
    missing_since: str | None = Field(default=None, index=True)


class DwellingRecord(SQLModel, table=True):
    __tablename__ = "dwelling"
    __table_args__ = (UniqueConstraint("week", "ref", name="uq_dwelling_week_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(index=True)  # ISO week of the import, e.g. 2026-W48
    ref: str = Field(index=True)
    organisation: str
    department: str
    area: str
    dwelling_type: str
    rooms: int
    size_m2: int | None = None
    rent: int
    utilities: int = 0
    deposit: int | None = None
    pets: str = "none"
    accessible: bool = False
    available_from: date
    benefit_restricted: bool = False
    address: str | None = None
    contact: str | None = None
    status: str = Field(default=DwellingStatus.VACANT.value, index=True)


class TeamRecord(SQLModel, table=True):
    __tablename__ = "team"
    team: str = Field(primary_key=True)
    method: str
    workers: int
    caseload_cap: int | None = None
    current_caseload: int
    shared_caseload: bool | None = None


class QuotaRecord(SQLModel, table=True):
    """A quota group's latest report from its organisation (quotas.csv): the counts as of
    ``as_of``. The row is also the group's lock (``usecases.ledger``): kept across imports,
    updated in place, never a count the service increments; claims are rows of ``claim``."""

    __tablename__ = "quota"
    organisation: str = Field(primary_key=True)
    dwelling_type: str = Field(primary_key=True)
    vacancies: int
    claimed: int
    rate: str | None = None  # exact fraction text, e.g. "1/4"
    as_of: date | None = None  # the organisation's counting date (None: the run date)
    reported_at: datetime | None = None  # when the import recorded this report


class QuotaReport(SQLModel, table=True):
    """Every report an import recorded for a quota group, as of its ``as_of`` (history: the
    latest is also in ``quota``; these rows are never overwritten)."""

    __tablename__ = "quota_report"
    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(index=True)
    dwelling_type: str
    vacancies: int
    claimed: int
    rate: str | None = None
    as_of: date
    import_id: str = Field(index=True)
    reported_at: datetime = Field(default_factory=now)


class VacancyRecord(SQLModel, table=True):
    """A vacancy an organisation reported (a dwelling of an import's units.csv): one row per
    week and dwelling, never overwritten by a later import."""

    __tablename__ = "vacancy"
    __table_args__ = (UniqueConstraint("week", "dwelling_ref", name="uq_vacancy_week_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(index=True)
    dwelling_type: str
    department: str
    dwelling_ref: str
    week: str = Field(index=True)
    available_from: date
    as_of: date  # the report's counting date
    import_id: str = Field(index=True)
    reported_at: datetime = Field(default_factory=now)


class ClaimKind(StrEnum):
    MUNICIPALITY = "municipality"  # a claim the municipality made outside an offer
    SIGNED_OFFER = "signed_offer"  # an offer signed: its hold became a claim


class ClaimRecord(SQLModel, table=True):
    """One claim of the municipality's allocation right (almenboligloven § 59): a row per
    claimed dwelling; the quota's counts are derived from these rows."""

    __tablename__ = "claim"
    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(index=True)
    dwelling_type: str
    department: str
    dwelling_ref: str
    week: str
    offer_id: int | None = Field(default=None, foreign_key="offer.id", unique=True)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    claimed_on: date = Field(index=True)
    kind: str = ClaimKind.SIGNED_OFFER.value
    created_at: datetime = Field(default_factory=now)
    # A municipality claim is recorded by hand (``usecases.claims``): by whom, the office's own
    # words (no personal data), and, when it was recorded by mistake, its withdrawal. A
    # withdrawn claim counts nowhere; the row stays, so the ledger's history is complete.
    created_by: str | None = None
    note: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


class AgreementRate(SQLModel, table=True):
    """The allocation agreement's rate for an organisation and dwelling type from a date on
    (its history: a new rate is a new row)."""

    __tablename__ = "agreement_rate"
    __table_args__ = (
        UniqueConstraint("organisation", "dwelling_type", "valid_from", name="uq_rate_from"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(index=True)
    dwelling_type: str
    rate: str  # exact fraction text, e.g. "1/4"
    valid_from: date
    import_id: str = ""


class WeekPolicy(SQLModel, table=True):
    __tablename__ = "week_policy"
    week: str = Field(primary_key=True)
    policy_toml: str


# A run's input snapshot is the week's files (~0.2 MB for a city, ~10 MB nationally): loaded
# only where it is read (``run.input_snapshot``), not with every run row. Loading it with each
# run cost a copenhagen ``POST /runs`` more than its solve (issue 15).
_SNAPSHOT = Column("input_snapshot", JSON)


class Run(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("week", "generation", name="uq_run_week_generation"),)
    __mapper_args__ = {"properties": {"input_snapshot": deferred(_SNAPSHOT)}}
    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(index=True)
    generation: int = 1  # a forced re-run of a week is the next generation
    status: str = WorkStatus.QUEUED.value
    progress: str = ""
    input_hash: str = ""
    input_snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=_SNAPSHOT)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    solver_version: str = ""
    result_status: str | None = None
    objective: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    timings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    error: str | None = None
    created_by: str = ""
    created_at: datetime = Field(default_factory=now)
    finished_at: datetime | None = None
    # The lease (service.jobs): the process doing the run and when it last said so.
    owner: str | None = None
    heartbeat_at: datetime | None = None
    # Set when retention dropped the input snapshot (the hash stays): what it held, counted.
    input_counts: dict[str, int] | None = Field(default=None, sa_column=Column(JSON))
    # The data version (``PoolVersion.version``) the run solved; the run is stale once the
    # data moved on (``usecases.runs.is_stale``). None: not snapshotted yet.
    data_version: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class Proposal(SQLModel, table=True):
    """One line of a run: a proposed match, or a youth not housed with its reason."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="run.id", index=True)
    youth_ref: str = Field(index=True)
    dwelling_ref: str | None = None
    cost: int | None = None
    fit: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON))
    reason: str | None = None
    # The reason's parameters (solver.engine.explain.Reason): the pages render the sentence in
    # Danish from them; ``detail`` keeps the English sentence for the API and old rows.
    reason_params: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    detail: str | None = None
    outranked_by: int = 0


class Offer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The proposal it was made from; None for an override (an offer the run did not propose).
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id", index=True)
    youth_ref: str = Field(index=True)
    dwelling_ref: str
    week: str
    state: str = OfferState.OFFERED.value
    decline_reason: str | None = None
    decline_text: str | None = None
    expires_on: date
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    created_by: str = ""
    # An override: the allocator's coded reason and text, and the waivable rules dispensed.
    override_reason: str | None = None
    override_text: str | None = None
    dispensations: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # A minor's guardian's consent to the contract (required before signing): who gave it
    # (the guardian, as the office names them), on which day, and who recorded it when.
    guardian: str | None = None
    consent_on: date | None = None
    consent_by: str | None = None
    consent_at: datetime | None = None


class DecisionRecord(SQLModel, table=True):
    """An allocator's decision for a week (case-format decisions.csv): a pin, a banned pair, a
    withheld youth or dwelling, with the reason; runs of the week solve under the active ones."""

    __tablename__ = "decision"
    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(index=True)
    kind: str  # pin | ban
    youth_ref: str | None = Field(default=None, index=True)
    unit_ref: str | None = None
    reason: str
    created_by: str = ""
    created_at: datetime = Field(default_factory=now)
    revoked_by: str | None = None
    revoked_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    actor: str = Field(index=True)
    action: str = Field(index=True)
    object_type: str
    object_ref: str = Field(index=True)
    detail: str = ""


class PoolVersion(SQLModel, table=True):
    """One row: a fresh random token on every write that changes the queue's inputs (youths,
    dwellings, teams, policy), in the same transaction. Caches of derived data key on it; a
    random token (not a counter) never repeats, even across a recreated database."""

    __tablename__ = "pool_version"
    id: int = Field(default=1, primary_key=True)
    token: str = ""
    # The data version: +1 on every such write (runs record the one they solved), with when
    # and what changed last (an action code and the week, for "newer data" messages).
    version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False,
                                                     server_default="0"))  # fmt: skip
    changed_at: datetime | None = None
    change: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ScenarioJob(SQLModel, table=True):
    """A planning job: scenarios simulated against their baselines (``service.scenarios``)."""

    __tablename__ = "scenario_job"
    id: int | None = Field(default=None, primary_key=True)
    names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    request: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=WorkStatus.QUEUED.value, index=True)
    progress_done: int = 0
    progress_total: int = 0
    error: str | None = None
    result_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_by: str = ""
    created_at: datetime = Field(default_factory=now)
    finished_at: datetime | None = None
    # The lease (service.jobs); ``attempts``: how often a process began it (a job whose process
    # died is queued again until it has had ``jobs.MAX_ATTEMPTS``).
    owner: str | None = None
    heartbeat_at: datetime | None = None
    attempts: int = 0


class ExpectedWaitResult(SQLModel, table=True):
    """The expected-wait simulation of one pool version (``service.usecases.waits``): computed
    once by whichever process holds its lease, read by every process."""

    __tablename__ = "expected_wait"
    pool_token: str = Field(primary_key=True)
    status: str = WorkStatus.RUNNING.value
    owner: str | None = None
    heartbeat_at: datetime | None = None
    result_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = None
    created_at: datetime = Field(default_factory=now)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted per account and per client address (``usecases.users``).
    ``key`` is a SHA-256 (never the typed name: people type passwords into the name field)."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True)
    failures: int = 0
    window_start: datetime = Field(default_factory=now)
    locked_until: datetime | None = None


class YouthErasure(SQLModel, table=True):
    """What is left of an erased youth (``usecases.gdpr``): a random tombstone reference that
    replaced theirs in proposals, offers and run snapshots, when, by whom and why.

    ``ref_digest`` (an erasure on request only): a keyed hash of the erased reference
    (``gdpr.ref_digest``), so an import or a registration that would bring the youth back is
    refused; the reference itself is not kept."""

    __tablename__ = "youth_erasure"
    id: int | None = Field(default=None, primary_key=True)
    tombstone: str = Field(unique=True)
    erased_at: datetime = Field(default_factory=now)
    erased_by: str
    reason: str
    ref_digest: str | None = Field(default=None, index=True)


class SiteKey(SQLModel, table=True):
    """Keys of this installation made once by the migrations, e.g. ``erasure``: the key of the
    erased references' digests (``usecases.gdpr.ref_digest``)."""

    __tablename__ = "site_key"
    name: str = Field(primary_key=True)
    value: str
