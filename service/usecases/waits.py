"""Expected waits for the queue page: one simulation per pool version, computed off the request.

The distribution of weeks until a youth is housed comes from the planning simulation run on the
current conditions (``solver.planning.simulate.expected_waits``: the latest imported week's
snapshot, no
changes, ``BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS`` replications over
``BOLIGMATCH_EXPECTED_WAIT_WEEKS`` weeks). One run serves every youth, so it is computed once per
pool version in a separate process (the simulation is CPU-bound Python; in a thread it would
slow every request of this server) and kept in memory.

A request never waits for it: the answer is ``ready`` (for the current pool), ``stale`` (an
earlier pool version's numbers while the current one is computed), ``computing`` (nothing yet),
or ``unavailable`` with a reason (the youth is not waiting in the latest week's snapshot, or the
simulation failed).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlmodel import Session

from solver.domain import Case

from ..models import PoolVersion
from ..settings import get_settings
from .data import live_case

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
# engine url -> (pool token, result by youth ref) of the latest finished computation
_ready: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {}
# engine url -> (pool token, future) of the computation under way
_running: dict[str, tuple[str, Future[dict[str, dict[str, Any]]]]] = {}
_failed: dict[str, tuple[str, str]] = {}


def _compute(case: Case, weeks: int, replications: int, seed: int) -> dict[str, dict[str, Any]]:
    from solver.planning.simulate import expected_waits

    out = expected_waits(case, weeks=weeks, replications=replications, seed=seed, workers=1)
    return {ref: dist.to_dict() for ref, dist in out.items()}


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def _start(key: str, token: str, session: Session) -> None:
    """Start computing for ``token`` unless it is already under way (caller holds the lock)."""
    running = _running.get(key)
    if running is not None and running[0] == token:
        return
    try:
        case = live_case(session)
    except LookupError:
        _failed[key] = (token, "nothing has been imported yet")
        return
    s = get_settings()
    future = _executor().submit(
        _compute, case, s.expected_wait_weeks, s.expected_wait_replications, s.expected_wait_seed
    )
    _running[key] = (token, future)

    def done(f: Future[dict[str, dict[str, Any]]]) -> None:
        with _lock:
            if _running.get(key, ("", None))[1] is f:
                del _running[key]
            try:
                result = f.result()
            except Exception as exc:  # the queue page says so; the log has the trace
                log.exception("expected-wait simulation failed")
                _failed[key] = (token, f"{type(exc).__name__}")
                return
            _ready[key] = (token, result)

    future.add_done_callback(done)


def expected_wait(session: Session, ref: str, token: str | None = None) -> dict[str, Any]:
    """The youth's expected-wait answer (see the module docstring); never blocks on the work.

    ``token``: the pool version if the caller has just read it (saves the query)."""
    if not get_settings().expected_wait_replications:
        return {"status": "unavailable", "reason": "switched off"}
    if token is None:
        row = session.get(PoolVersion, 1)
        token = row.token if row is not None else ""
    key = str(session.get_bind().engine.url)
    with _lock:
        ready = _ready.get(key)
        if ready is None or ready[0] != token:
            failed = _failed.get(key)
            if failed is not None and failed[0] == token:
                return {"status": "unavailable", "reason": failed[1]}
            _start(key, token, session)
    if ready is None:
        return {"status": "computing"}
    status = "ready" if ready[0] == token else "stale"
    dist = ready[1].get(ref)
    if dist is None:
        return {"status": "unavailable" if status == "ready" else "computing",
                "reason": "not waiting in the latest week"}  # fmt: skip
    return {"status": status, **dist}


def wait_until_ready(timeout: float = 120.0) -> None:
    """Block until every computation under way has finished (tests, benchmarks)."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            if not _running:
                return
        if time.monotonic() > deadline:
            raise TimeoutError("expected-wait simulation still running")
        time.sleep(0.05)


def shutdown() -> None:
    """End the simulation process (server shutdown); the next request would start a new one."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
        _running.clear()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def reset() -> None:
    """Forget every result (tests)."""
    with _lock:
        _ready.clear()
        _failed.clear()
        _running.clear()
