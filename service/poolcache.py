"""The queue's pool, computed once per pool version and shared by every request of a process.

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

import numpy as np
from sqlalchemy import Connection, select
from sqlmodel import Session, col

from solver.engine.queue import QueueInfo, QueueModel

from .models import PoolVersion, YouthStatus
from .store import pool_case

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


def queue_model(db: Session | Connection) -> QueueModel | None:
    """The queue model of the current pool version (None before the first import)."""
    return _entry(db).model


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
