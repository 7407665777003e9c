"""Expected waits for the queue page: one simulation per pool version, computed off the request.

The distribution of weeks until a youth is housed comes from the planning simulation run on the
current conditions (``solver.planning.expected_wait.expected_waits``: the latest imported week's
snapshot, no changes, ``BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS`` replications over
``BOLIGMATCH_EXPECTED_WAIT_WEEKS`` weeks: by default 40 over 52, which reach the likely wait of
most of the queue; each youth's median comes with the 95 % interval the page shows as ± weeks).
One run serves every youth, so it is computed once per
pool version, in a separate process (the simulation is CPU-bound Python; in a thread it would
slow every request of this server).

Once per pool version *for all server processes*: the computation is a row of
``expected_wait`` held under a lease (``service.leases``). The first process to ask inserts the
row and computes; its child process writes the result into the row; every process reads it
from there (and keeps it in memory). A row whose process died is swept (:func:`sweep`) and the
next request computes it again.

A request never waits for it: the answer is ``ready`` (for the current pool), ``stale`` (an
earlier pool version's numbers while the current one is computed), ``computing`` (nothing yet),
or ``unavailable`` with a reason (the youth is not waiting in the latest week's snapshot, or the
simulation failed).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import Engine, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from .. import children, leases
from ..models import ExpectedWaitResult, PoolVersion, WorkStatus, now
from ..settings import get_settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
# engine url -> (pool token, result by youth ref) of the latest finished computation read
_ready: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {}
# engine url -> (pool token, future) of this process's computation under way
_running: dict[str, tuple[str, Future[None]]] = {}
_failed: dict[str, tuple[str, str]] = {}
# engine url -> (pool token, monotonic time) of the last look at the shared row
_looked: dict[str, tuple[str, float]] = {}
LOOK_EVERY_S = 1.0


def _compute(
    url: str,
    token: str,
    owner: str,
    weeks: int,
    reps: int,
    seed: int,
    scheduler: str | None = None,
) -> None:
    """In the child process: simulate the latest imported week and store the result in the
    row of ``token`` (while ``owner`` still holds it); on the Dask cluster ``scheduler`` if the
    service has one (``BOLIGMATCH_DASK_SCHEDULER``), else in the child itself."""
    from solver.planning.expected_wait import expected_waits

    from ..db import make_engine
    from .data import live_case

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            case = live_case(session)
        out = expected_waits(
            case, weeks=weeks, replications=reps, seed=seed, workers=1, scheduler=scheduler
        )
        values = {
            "status": WorkStatus.DONE.value,
            "result_json": json.dumps({ref: d.to_dict() for ref, d in out.items()}),
        }
    except LookupError as exc:
        values = {"status": WorkStatus.FAILED.value, "error": str(exc)}
    except Exception as exc:  # the queue page says so; the log has the trace
        log.exception("expected-wait simulation failed")
        values = {"status": WorkStatus.FAILED.value, "error": type(exc).__name__}
    with engine.begin() as conn:
        row = col(ExpectedWaitResult.pool_token) == token
        owned = col(ExpectedWaitResult.owner) == owner
        conn.execute(update(ExpectedWaitResult).where(row, owned).values(**values))
        if values["status"] == WorkStatus.DONE.value:  # earlier versions are not needed again
            conn.execute(
                delete(ExpectedWaitResult).where(
                    ~row, col(ExpectedWaitResult.status) != WorkStatus.RUNNING.value
                )
            )
    engine.dispose()


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=children.adopt,
            initargs=(os.getpid(),),
        )
    return _pool


def _claim(engine: Engine, token: str) -> bool:
    """Insert the row of ``token`` held by this process; False if another has it."""
    try:
        with Session(engine) as session:
            session.add(
                ExpectedWaitResult(pool_token=token, owner=leases.owner(), heartbeat_at=now())
            )
            session.commit()
    except IntegrityError:
        return False
    return True


def _look(engine: Engine, key: str, token: str) -> None:
    """Read the shared row of ``token``: keep a finished result, note a failure, or claim and
    start the computation when nobody has (caller holds the lock)."""
    with Session(engine) as session:
        row = session.get(ExpectedWaitResult, token)
    if row is None:
        if not _claim(engine, token):
            return
        s = get_settings()
        owner = leases.owner()
        leases.hold("expected_wait", token)
        future = _executor().submit(
            _compute,
            str(engine.url.render_as_string(False)),
            token,
            owner,
            s.expected_wait_weeks,
            s.expected_wait_replications,
            s.expected_wait_seed,
            s.dask_scheduler,
        )
        _running[key] = (token, future)
        future.add_done_callback(lambda f: _finished(engine, key, token, f))
    elif row.status == WorkStatus.DONE.value and row.result_json is not None:
        _ready[key] = (token, json.loads(row.result_json))
    elif row.status == WorkStatus.FAILED.value:
        _failed[key] = (token, row.error or "failed")


def _finished(engine: Engine, key: str, token: str, future: Future[None]) -> None:
    leases.release("expected_wait", token)
    with _lock:
        if _running.get(key, ("", None))[1] is future:
            del _running[key]
        _looked.pop(key, None)  # read the result at the next request
        if future.cancelled() or future.exception() is not None:
            log.error("expected-wait process failed", extra={"error": repr(future.exception())})


def expected_wait(session: Session, ref: str, token: str | None = None) -> dict[str, Any]:
    """The youth's expected-wait answer (see the module docstring); never blocks on the work.

    ``token``: the pool version if the caller has just read it (saves the query)."""
    if not get_settings().expected_wait_replications:
        return {"status": "unavailable", "reason": "switched off"}
    if token is None:
        version = session.get(PoolVersion, 1)
        token = version.token if version is not None else ""
    engine = session.get_bind().engine
    key = str(engine.url)
    with _lock:
        ready = _ready.get(key)
        if ready is None or ready[0] != token:
            failed = _failed.get(key)
            if failed is not None and failed[0] == token:
                return {"status": "unavailable", "reason": failed[1]}
            looked = _looked.get(key)
            fresh = looked is not None and looked[0] == token
            if not fresh or time.monotonic() - looked[1] > LOOK_EVERY_S:  # type: ignore[index]
                _looked[key] = (token, time.monotonic())
                running = _running.get(key)
                if running is None or running[0] != token:
                    _look(engine, key, token)
                ready = _ready.get(key)
                failed = _failed.get(key)
                if failed is not None and failed[0] == token:
                    return {"status": "unavailable", "reason": failed[1]}
    if ready is None:
        return {"status": "computing"}
    status = "ready" if ready[0] == token else "stale"
    dist = ready[1].get(ref)
    if dist is None:
        return {
            "status": "unavailable" if status == "ready" else "computing",
            "reason": "not waiting in the latest week",
        }
    return {"status": status, **dist}


def sweep(engine: Engine) -> int:
    """Forget computations whose process died (their lease expired): the next request starts
    them again. Returns how many."""
    running = col(ExpectedWaitResult.status) == WorkStatus.RUNNING.value
    with Session(engine) as session:
        owners = session.exec(select(ExpectedWaitResult.owner).where(running).distinct()).all()
        expired = or_(
            col(ExpectedWaitResult.heartbeat_at).is_(None),
            col(ExpectedWaitResult.heartbeat_at) < leases.cutoff(),
            col(ExpectedWaitResult.owner).in_(leases.dead_owners(owners)),
        )
        count = session.execute(delete(ExpectedWaitResult).where(running, expired)).rowcount  # type: ignore[attr-defined]
        session.commit()
    return int(count)


def forget(session: Session) -> None:
    """Drop every stored and remembered result (an erasure: they name youths by ref), in the
    caller's transaction; computations under way are discarded."""
    session.execute(delete(ExpectedWaitResult))
    reset()


def wait_until_ready(timeout: float = 120.0) -> None:
    """Block until every computation this process started has finished (tests, benchmarks)."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            if not _running:
                return
        if time.monotonic() > deadline:
            raise TimeoutError("expected-wait simulation still running")
        time.sleep(0.05)


def shutdown() -> None:
    """End the simulation process (server shutdown); the next request would start a new one.
    A computation under way is left to the sweep (its lease is no longer renewed)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
        _running.clear()
    if pool is not None:
        children.end_pool(pool)


def reset() -> None:
    """Forget every result this process remembers."""
    with _lock:
        _ready.clear()
        _failed.clear()
        _running.clear()
        _looked.clear()
