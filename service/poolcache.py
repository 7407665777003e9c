"""The queue's pool, computed once per pool version and shared by every request of a process.

Any write that changes youths, dwellings, teams or the policy bumps ``pool_version`` in its own
transaction, so a request that reads the version sees either the old pool or the new one, never
a mix; a stale cache entry is simply rebuilt.
"""

from __future__ import annotations

import threading

import numpy as np
from sqlmodel import Session

from solver.queue import QueueModel

from .models import PoolVersion, YouthStatus
from .store import pool_case

_lock = threading.Lock()
_cache: dict[str, tuple[str, QueueModel | None]] = {}


def queue_model(session: Session) -> QueueModel | None:
    """The queue model of the current pool version (None before the first import)."""
    row = session.get(PoolVersion, 1)
    version = row.token if row is not None else ""
    key = str(session.get_bind().engine.url)
    hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        built = pool_case(session)
        model = None
        if built is not None:
            case, statuses = built
            waiting = np.array([s == YouthStatus.WAITING.value for s in statuses], dtype=bool)
            model = QueueModel(case, waiting)
        _cache[key] = (version, model)
        return model
