"""A youth's queue page: position, exclusions, nearest miss, expected wait and history.

The queue's pool is computed once per pool version and shared by every request of a process.

Any write that changes youths, dwellings, teams or the policy bumps ``pool_version`` in its own
transaction, so a request that reads the version sees either the old pool or the new one, never
a mix; a stale cache entry is simply rebuilt. The version is read *before* the pool, so a write
committed in between can only put newer data under the older version, which the next request
(seeing the new version) rebuilds. Each youth's ``QueueInfo`` depends on nothing but the pool,
so it is computed once per version too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, select
from sqlmodel import Session, col

from solver.engine.priority import Standing
from solver.engine.queue import QueueInfo, QueueModel

from ..authz import Principal, person_read
from ..db import read_connection
from ..models import Offer, PoolVersion, Proposal, YouthStatus
from .data import pool_case
from .waits import expected_wait

_lock = threading.Lock()
_VERSION = select(col(PoolVersion.token)).where(col(PoolVersion.id) == 1)


@dataclass
class _Entry:
    version: str
    model: QueueModel | None
    infos: dict[str, QueueInfo | None] = field(default_factory=dict)


_cache: dict[str, _Entry] = {}


def pool_version(db: Session | Connection) -> str:
    """The current pool version token ('' before the first import)."""
    return db.execute(_VERSION).scalar() or ""


def _key(db: Session | Connection) -> str:
    bind = db.get_bind() if isinstance(db, Session) else db
    return str(bind.engine.url)


def _entry(db: Session | Connection, version: str | None = None) -> _Entry:
    if version is None:
        version = pool_version(db)
    key = _key(db)
    hit = _cache.get(key)
    if hit is not None and hit.version == version:
        return hit
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit.version == version:
            return hit
        if isinstance(db, Session):
            built = pool_case(db)
        else:
            with Session(bind=db) as session:
                built = pool_case(session)
        model = None
        if built is not None:
            case, statuses = built
            waiting = np.array([s == YouthStatus.WAITING.value for s in statuses], dtype=bool)
            model = QueueModel(case, waiting)
        entry = _cache[key] = _Entry(version, model)
        return entry


def queue_info(db: Session | Connection, ref: str, version: str | None = None) -> QueueInfo | None:
    """``ref``'s queue info in the current pool version (None if not in the pool); ``version``
    if the caller has just read it (``pool_version``) in the same transaction."""
    entry = _entry(db, version)
    if ref in entry.infos:
        return entry.infos[ref]
    model = entry.model
    info = model.info(ref) if model is not None and ref in model.index else None
    entry.infos[ref] = info  # the same answer whichever thread stores it first
    return info


# ----------------------------------------------------------------------------- the queue page
PROPOSAL_FIELDS = ("id", "run_id", "youth_ref", "dwelling_ref", "cost", "fit", "reason",
                   "reason_params", "detail", "outranked_by")  # fmt: skip
OFFER_FIELDS = ("id", "proposal_id", "youth_ref", "dwelling_ref", "week", "state",
                "decline_reason", "decline_text", "expires_on")  # fmt: skip
_PROPOSALS = (
    select(*(col(getattr(Proposal, f)) for f in PROPOSAL_FIELDS))
    .where(col(Proposal.youth_ref) == bindparam("ref"))
    .order_by(col(Proposal.id))
)
_OFFERS = (
    select(*(col(getattr(Offer, f)) for f in OFFER_FIELDS))
    .where(col(Offer.youth_ref) == bindparam("ref"))
    .order_by(col(Offer.id))
)


@dataclass(frozen=True)
class QueuePage:
    """Everything the queue page shows of one youth (``info`` is None when the youth is not in
    the pool); ``waiting``: the youth waits, so position and expected wait apply."""

    user: Principal
    youth_ref: str
    status: str
    info: QueueInfo | None
    waiting: bool
    expected_wait: dict[str, Any]
    proposals: list[dict[str, Any]]
    offers: list[dict[str, Any]]
    standing: list[Standing]  # where the youth stands on each criterion of the scheme


def queue_page(token: str, ref: str) -> QueuePage:
    """The page on one connection: the user (Unauthenticated/Forbidden), the youth (NotFound,
    also for another team's youth), the cached queue info, the expected wait, the history. The
    caller audits the read (``audit_read``) before answering."""
    with read_connection() as conn:
        read = person_read(conn, token, ref)
        version, status = read.pool_version, read.youth["status"]
        info = queue_info(conn, ref, version)
        model = _entry(conn, version).model
        ranks = model.standing(ref) if model is not None and ref in model.index else []
        proposals = [dict(r._mapping) for r in conn.execute(_PROPOSALS, {"ref": ref})]
        offers = [dict(r._mapping) for r in conn.execute(_OFFERS, {"ref": ref})]
        waiting = status == YouthStatus.WAITING.value
        if waiting:
            with Session(bind=conn) as session:  # the version was read in this transaction
                wait = expected_wait(session, ref, token=version)
        else:
            wait = {"status": "unavailable", "reason": f"youth is {status}"}
    return QueuePage(read.user, ref, status, info, waiting, wait, proposals, offers, ranks)
