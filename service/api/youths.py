"""Youths: the list, one youth, and one youth's queue page (position, exclusions, history).

The person reads here are the service's hot path: one trip to a worker thread and one query for
the user, the youth and the data version, and the read audited by group commit before the
answer (``usecases.audit.audit_read``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from ..db import get_engine, run_db
from ..usecases.audit import audit_read
from ..usecases.gdpr import erase_youth, export_youth
from ..usecases.queue import QueuePage, queue_page
from ..usecases.youths import list_youths, read_youth
from .deps import Admin, BearerToken, PersonReader, SessionDep
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
Ref = Annotated[str, Path(min_length=1, max_length=64)]


class YouthExport(BaseModel):
    """Everything stored about one youth (GDPR Art. 15): ``usecases.gdpr.export_youth``."""

    exported_at: datetime
    youth: dict[str, Any]
    runs: list[dict[str, Any]] = Field(description="Runs whose input held the youth: their row.")
    proposals: list[dict[str, Any]]
    offers: list[dict[str, Any]]
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
