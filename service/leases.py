"""Leases on background work: which process does it, and when it last said so.

A row of background work (a run, a planning job, an expected-wait computation) carries
``owner`` (the process: ``host:pid:random``) and ``heartbeat_at``. The process *holds* the rows
it works on (:func:`hold`), and its heartbeat (``service.jobs``) renews them every
``BOLIGMATCH_HEARTBEAT_SECONDS``. A lease is *expired* when its heartbeat is older than
``BOLIGMATCH_LEASE_SECONDS``, or at once when its owner ran on this host and that process is gone.
Each use case sweeps its own expired rows (``runs.sweep``, ``planning.sweep``, ``waits.sweep``);
every write that ends a piece of work checks that its owner still holds it (compare-and-set),
so work whose lease was swept while its process was stalled (a long lock, a database outage)
never writes a result over the sweep's.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from .models import ExpectedWaitResult, Run, ScenarioJob, now
from .settings import get_settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_owner: tuple[int, str] | None = None
# kind -> keys this process holds
_held: dict[str, set[object]] = {"run": set(), "scenario_job": set(), "expected_wait": set()}
_KEY = {
    "run": (Run, col(Run.id)),
    "scenario_job": (ScenarioJob, col(ScenarioJob.id)),
    "expected_wait": (ExpectedWaitResult, col(ExpectedWaitResult.pool_token)),
}


def owner() -> str:
    """This process's owner id (a new one in a forked or spawned child)."""
    global _owner
    pid = os.getpid()
    with _lock:
        if _owner is None or _owner[0] != pid:
            _owner = (pid, f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}")
        return _owner[1]


def hold(kind: str, key: object) -> None:
    """This process works on ``key``: the heartbeat renews its lease until :func:`release`."""
    with _lock:
        _held[kind].add(key)


def release(kind: str, key: object) -> None:
    with _lock:
        _held[kind].discard(key)


def held(kind: str) -> list[object]:
    with _lock:
        return list(_held[kind])


def beat(engine: Engine) -> None:
    """Renew the leases of every row this process holds (one UPDATE per kind)."""
    me, moment = owner(), now()
    with engine.begin() as conn:
        for kind, (table, key) in _KEY.items():
            keys = held(kind)
            if keys:
                owned = col(table.owner) == me  # type: ignore[attr-defined]
                statement = update(table).where(key.in_(keys), owned)
                conn.execute(statement.values(heartbeat_at=moment))


def cutoff() -> datetime:
    """Leases renewed before this instant have expired."""
    return now() - timedelta(seconds=get_settings().lease_seconds)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def dead_owners(owners: Collection[str | None]) -> list[str]:
    """The owners among ``owners`` that ran on this host and whose process is gone (their
    leases expire at once, without waiting for the heartbeat to age)."""
    host, dead = socket.gethostname(), []
    for o in set(owners):
        if not o or o == owner():
            continue
        parts = o.rsplit(":", 2)  # host:pid:random (a host name has no ':')
        if (
            len(parts) == 3
            and parts[0] == host
            and parts[1].isdigit()
            and not _alive(int(parts[1]))
        ):
            dead.append(o)
    return dead
