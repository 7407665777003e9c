"""Youths: the list, one youth, and one youth's queue page (position, exclusions, history).

The person reads here are the service's hot path: one trip to a worker thread and one query for
the user, the youth and the data version, and the read audited by group commit before the
answer (``usecases.audit.audit_read``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from solver.caseio.cells import MAX_REF

from ..db import get_engine, run_db
from ..models import WithdrawReason, YouthRecord, local_today
from ..usecases import lifecycle
from ..usecases.audit import audit, audit_read
from ..usecases.gdpr import erase_youth, export_youth
from ..usecases.queue import QueuePage, queue_page
from ..usecases.youths import list_youths, read_youth
from .deps import Admin, Allocator, BearerToken, PersonReader, SessionDep
from .errors import responses
from .offers import OfferPublic
from .runs import ProposalPublic

router = APIRouter(prefix="/youths", tags=["youths"])


class YouthPublic(BaseModel):
    ref: str
    status: str
    support_method: str
    support_team: str | None
    referred_on: date
    urgent_by: date | None
    withdrawn_reason: WithdrawReason | None = Field(
        default=None, description="Why the youth is withdrawn (status withdrawn)."
    )
    missing_since: str | None = Field(
        default=None,
        description="The week of an import that no longer listed this youth, until the "
        "allocator confirms (GET /missing-youths).",
    )


@router.get("", responses=responses())
def read_youths(session: SessionDep, user: PersonReader) -> list[YouthPublic]:
    """Allocators see every youth; case workers only those of their own teams."""
    return [YouthPublic(**row) for row in list_youths(session, user)]


def _json(model: BaseModel) -> Response:
    """The model as its ``response_model`` would serialise it, without validating it again."""
    return Response(model.model_dump_json(), media_type="application/json")


@router.get("/{ref}", response_model=YouthPublic, responses=responses(404))
async def get_youth(token: BearerToken, ref: str) -> Response:
    """One youth (admin, allocator, or a case worker of the youth's team; others 404)."""
    username, youth = await run_db(read_youth, token, ref)
    await audit_read(get_engine(), username, "read.youth", "youth", ref)
    return _json(YouthPublic(**youth))


class ExpectedWait(BaseModel):
    """Weeks until housed under current conditions, simulated (``service.usecases.waits``)."""

    status: str = Field(description="ready | stale | computing | unavailable")
    reason: str | None = None
    weeks: int | None = Field(default=None, description="Simulated horizon in weeks.")
    replications: int | None = None
    p_housed_within_horizon: float | None = None
    quantiles: dict[str, int | None] | None = Field(
        default=None, description="Week by which the chance of being housed reaches q."
    )
    cdf: list[float] | None = Field(default=None, description="P(housed by week k), k = 0…")
    housed_share: float | None = None
    left_share: float | None = None
    median_interval: list[int | None] | None = Field(
        default=None,
        description="95 % interval of the median week [lo, hi]; hi null: beyond the horizon.",
    )
    median_half_width: float | None = Field(
        default=None, description="Half the median interval's length in weeks (null: open)."
    )


class QueuePublic(BaseModel):
    youth_ref: str
    status: str
    position: int | None
    ahead: int | None
    eligible_dwellings: int
    pool_size: int
    excluded_by_rule: dict[str, int]
    blocks: list[str]
    nearest_miss: str | None
    what_would_help: str | None
    expected_wait: ExpectedWait
    proposals: list[ProposalPublic]
    offers: list[OfferPublic]
    standing: list[str] = Field(
        default=[], description="Where the youth stands on each criterion of the scheme."
    )


def queue_public(page: QueuePage) -> QueuePublic:
    info, waiting = page.info, page.waiting
    return QueuePublic(
        youth_ref=page.youth_ref,
        status=page.status,
        position=info.position if info and waiting else None,
        ahead=info.ahead if info and waiting else None,
        eligible_dwellings=info.eligible_dwellings if info else 0,
        pool_size=info.pool_size if info else 0,
        excluded_by_rule=info.excluded_by_rule if info else {},
        blocks=list(info.blocks) if info else [],
        nearest_miss=info.nearest_miss.text() if info and info.nearest_miss else None,
        what_would_help=info.what_would_help.text() if info and info.what_would_help else None,
        expected_wait=ExpectedWait(**page.expected_wait),
        proposals=[ProposalPublic(**p) for p in page.proposals],
        offers=[OfferPublic(**o) for o in page.offers],
        standing=[s.text("en") for s in page.standing],
    )


@router.get("/{ref}/queue", response_model=QueuePublic, responses=responses(404))
async def get_queue(token: BearerToken, ref: str) -> Response:
    """Queue position (``solver.engine.queue``), what excludes the youth, the nearest miss, and
    the youth's history of proposals and offers. Answered once the read is audited."""
    page = await run_db(queue_page, token, ref)
    await audit_read(get_engine(), page.user.username, "read.queue", "youth", ref)
    return _json(queue_public(page))


# ----------------------------------------------------------------------------- GDPR (admins)
Ref = Annotated[str, Path(min_length=1, max_length=MAX_REF)]


class YouthExport(BaseModel):
    """Everything stored about one youth (GDPR Art. 15): ``usecases.gdpr.export_youth``."""

    exported_at: datetime
    youth: dict[str, Any]
    runs: list[dict[str, Any]] = Field(description="Runs whose input held the youth: their row.")
    proposals: list[dict[str, Any]]
    offers: list[dict[str, Any]]
    decisions: list[dict[str, Any]] = Field(description="The allocator's decisions about them.")
    events: list[dict[str, Any]] = Field(description="Audit events about the youth and offers.")


class Erasure(BaseModel):
    model_config = ConfigDict(strict=True)

    reason: str = Field(min_length=1, max_length=500, description="Why (no personal data).")


class ErasurePublic(BaseModel):
    tombstone: str
    erased_at: datetime


@router.get("/{ref}/export", responses=responses(404))
def export(session: SessionDep, admin: Admin, ref: Ref) -> YouthExport:
    """Everything stored about the youth (audited as ``export.youth``)."""
    return YouthExport(**export_youth(session, admin.username, ref))


@router.post("/{ref}/erase", responses=responses(404, 409))
def erase(session: SessionDep, admin: Admin, ref: Ref, body: Erasure) -> ErasurePublic:
    """Erase the youth's personal data everywhere (GDPR Art. 17); 409 while they hold an open
    offer. The erasure record keeps only a tombstone reference."""
    erasure = erase_youth(session, admin.username, ref, body.reason)
    return ErasurePublic(tombstone=erasure.tombstone, erased_at=erasure.erased_at)


# ----------------------------------------------------------------------------- the lifecycle
# A youth's columns as in youths.csv: each value as the import would read the cell (a string,
# or a number, true/false, a list for the area columns); checked by the import's own reader.
CellValue = Annotated[str, StringConstraints(max_length=500)] | int | bool | list[str] | None


def _columns_model(name: str, columns: tuple[str, ...], doc: str) -> type[BaseModel]:
    fields: dict[str, Any] = {c: (CellValue, None) for c in columns}
    model = create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields)
    return model


YouthFields = _columns_model(
    "YouthFields",
    lifecycle.YOUTH_FIELDS,
    "A youth's columns as in youths.csv (../shared/case-format.md), checked as an import checks "
    "them (422 naming each wrong column). For an edit only the columns to change.",
)


class YouthRecordPublic(YouthPublic):
    """Everything the allocation office keeps about a youth's case (allocators only)."""

    birth_date: date
    situation: str
    income_type: str
    monthly_income: int | None
    rent_ceiling: int | None
    pet: str
    household_size: int
    needs_accessible: bool
    preferred_areas: list[str]
    excluded_areas: list[str]
    gender: str | None
    greenlandic: bool | None
    case_worker: str | None
    paused_until: date | None
    withdrawn_text: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    minor: bool = Field(default=False, description="Under 18 today.")


def youth_record_public(record: YouthRecord) -> YouthRecordPublic:
    fields = record.model_dump(include=set(YouthRecordPublic.model_fields))
    minor = lifecycle.age_on(record.birth_date, local_today()) < lifecycle.ADULT_AGE
    return YouthRecordPublic(**fields, minor=minor)


class Withdrawal(BaseModel):
    reason: WithdrawReason
    text: str | None = Field(default=None, max_length=lifecycle.MAX_TEXT,
                             description="Required for the reason other.")  # fmt: skip


class WithdrawalPublic(BaseModel):
    youth: YouthRecordPublic
    offers_withdrawn: list[int] = Field(description="The youth's live offers, now withdrawn.")


@router.post("", status_code=201, responses=responses(409))
def register_youth(
    session: SessionDep,
    user: Allocator,
    body: YouthFields,  # type: ignore[valid-type]
) -> YouthRecordPublic:
    """Register one waiting youth; 409 when the reference exists."""
    values = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return youth_record_public(lifecycle.register_youth(session, user.username, values))


@router.patch("/{ref}", responses=responses(404))
def edit_youth(
    session: SessionDep,
    user: Allocator,
    ref: Ref,
    body: YouthFields,  # type: ignore[valid-type]
) -> YouthRecordPublic:
    """Change some of a youth's columns (null empties an optional one); the whole row is
    checked again as an import checks it."""
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return youth_record_public(lifecycle.edit_youth(session, user.username, ref, changes))


@router.post("/{ref}/withdraw", responses=responses(404, 409))
def withdraw(session: SessionDep, user: Allocator, ref: Ref, body: Withdrawal) -> WithdrawalPublic:
    """Withdraw (close) a waiting or offered youth with a coded reason (other: with a text).
    The youth leaves the pool; their live offers are withdrawn and the dwellings vacant again.
    409 for a housed or already withdrawn youth."""
    record, offers = lifecycle.withdraw_youth(session, user.username, ref, body.reason.value,
                                              body.text)  # fmt: skip
    withdrawn = [o.id for o in offers if o.id is not None]
    return WithdrawalPublic(youth=youth_record_public(record), offers_withdrawn=withdrawn)


@router.post("/{ref}/reopen", responses=responses(404, 409))
def reopen(session: SessionDep, user: Allocator, ref: Ref) -> YouthRecordPublic:
    """A withdrawn youth waits again; 409 for a youth who is not withdrawn."""
    return youth_record_public(lifecycle.reopen_youth(session, user.username, ref))


missing_router = APIRouter(prefix="/missing-youths", tags=["youths"])


class MissingAnswer(BaseModel):
    ref: str = Field(min_length=1, max_length=MAX_REF)
    action: str = Field(
        description="keep (keep waiting) or a withdrawal reason",
        json_schema_extra={"enum": [lifecycle.KEEP, *(r.value for r in WithdrawReason)]},
    )
    text: str | None = Field(default=None, max_length=lifecycle.MAX_TEXT)


class MissingConfirm(BaseModel):
    answers: list[MissingAnswer] = Field(default=[], max_length=10000)
    all: str | None = Field(
        default=None,
        description="The same answer for every youth on the list (instead of answers).",
        json_schema_extra={"enum": [lifecycle.KEEP, *(r.value for r in WithdrawReason)]},
    )
    text: str | None = Field(default=None, max_length=lifecycle.MAX_TEXT)


class MissingDone(BaseModel):
    kept: int
    withdrawn: int


@missing_router.get("", responses=responses())
def read_missing(session: SessionDep, user: Allocator) -> list[YouthRecordPublic]:
    """The waiting youths an import no longer listed, awaiting the allocator's answer."""
    rows = lifecycle.missing_youths(session)
    audit(session, user.username, "read.youths", "youth", "missing", f"{len(rows)} listed")
    session.commit()
    return [youth_record_public(r) for r in rows]


@missing_router.post("/confirm", responses=responses(409))
def confirm_missing(session: SessionDep, user: Allocator, body: MissingConfirm) -> MissingDone:
    """Keep waiting or withdraw (with a reason) each youth missing from an import, or all of
    them (``all``); all or nothing. 409 naming a youth who is not on the list."""
    answers = [(a.ref, a.action, a.text) for a in body.answers]
    if body.all is not None:
        answers += [(y.ref, body.all, body.text) for y in lifecycle.missing_youths(session)]
    kept, withdrawn = lifecycle.confirm_missing(session, user.username, answers)
    return MissingDone(kept=kept, withdrawn=withdrawn)
