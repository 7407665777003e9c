"""All background work of the service, started, tracked and stopped in one place.

- **Runs** (``usecases.runs.execute_run``): a thread pool of ``BOLIGMATCH_RUN_WORKERS`` threads in
  the serving process (a run is mostly OR-Tools' C++, which releases the GIL).
- **Planning jobs** (``usecases.planning.execute``): one at a time in a child process, so a long
  simulation never delays a weekly run; the replications run in that child's processes or on
  Dask.
- **Expected waits** (``usecases.waits``): one simulation process per server, started on demand.
- **Imports** (``usecases.imports.import_uploads``): reading and writing a large case takes a
  minute of CPU and a gigabyte of memory, so it runs in an import process (one per server
  process, started with ``serve`` or else on first use; :func:`run_import`), never on the
  server's own interpreter, which keeps answering (``/health`` within 100 ms,
  benchmarks/bench_health_import.py).

Every piece of work is held under a lease (``service.leases``). The :class:`Heartbeat` of each
process renews its leases every ``BOLIGMATCH_HEARTBEAT_SECONDS`` and sweeps expired ones — at
start-up and on every beat — so work of a process that died is never left ``running``: a run
fails as interrupted ("afbrudt") and its week can be run again, a planning job is queued again
(and taken by a live server) or failed, an expected-wait computation starts again on the next
request. Several server processes on one database (``serve --workers N``) share this: any of
them sweeps, each renews only its own leases.

Child processes end with their server, also when it is killed (``service.children``).
``Jobs.stop()`` ends it all when the server stops: the planning child is ended and its job goes
back to the queue for the next server, and the expected-wait process ends.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sqlalchemy import Engine

from . import children, leases
from .settings import get_settings
from .usecases import planning, runs, waits
from .usecases.runs import execute_run

log = logging.getLogger(__name__)


_import_lock = threading.Lock()
_import_pool: ProcessPoolExecutor | None = None
_child_engine: tuple[str, Engine] | None = None  # in the import process: the last URL's


def _engine_in_child(url: str) -> Engine:
    """In the import process: one engine per database, kept from one import to the next (its
    pooled connection and its compiled statements: a new engine per import connected and
    compiled every statement again, issue 15); another URL's engine is disposed."""
    global _child_engine
    if _child_engine is not None and _child_engine[0] == url:
        return _child_engine[1]
    from .db import make_engine

    if _child_engine is not None:
        _child_engine[1].dispose()
    _child_engine = (url, make_engine(url))
    return _child_engine[1]


def _import_in_child(
    url: str, uploads: list[tuple[str, bytes]], actor: str, options: dict[str, Any]
) -> object:
    """In the import process: read the uploads as a case and import it (all or nothing);
    ``options`` are :func:`~service.usecases.imports.import_uploads`'s (``ask``, ``week``,
    ``policy``)."""
    from sqlmodel import Session

    from .usecases.imports import import_uploads

    # A failed import's connection is rolled back when the session closes (one the database
    # dropped is invalidated by the pool, PostgreSQL's pings before use).
    with Session(_engine_in_child(url)) as session:
        return import_uploads(session, uploads, actor, **options)


def _import_executor() -> ProcessPoolExecutor:
    global _import_pool
    with _import_lock:
        if _import_pool is None:
            _import_pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=children.adopt,
                initargs=(os.getpid(),),
            )
        return _import_pool


def run_import(
    url: str, uploads: list[tuple[str, bytes]], actor: str, **options: Any
) -> Future[object]:
    """Import uploaded files in the import process; the future gives ``(week, counts)`` or
    raises the import's error (a CaseError lists every issue). One import at a time."""
    global _import_pool
    try:
        return _import_executor().submit(_import_in_child, url, uploads, actor, options)
    except BrokenProcessPool:  # the process died (killed, out of memory): a new one
        with _import_lock:
            _import_pool = None
        return _import_executor().submit(_import_in_child, url, uploads, actor, options)


def _loaded(url: str | None = None) -> None:
    """In the import process: load what an import uses (the case reader, the tables, the
    database's driver), configure the table mappers (what the first query would otherwise
    do), open the connection to ``url``'s database the imports will use, and move what is
    loaded out of the garbage collector's sight (as ``serve`` does, ``gc.freeze``)."""
    import gc

    from sqlalchemy.orm import configure_mappers

    from .usecases import imports, lifecycle  # noqa: F401

    configure_mappers()
    if url is not None:
        with _engine_in_child(url).connect():
            pass
    gc.collect()
    gc.freeze()


def start_import_process(url: str | None = None) -> Future[None]:
    """Start the import process now and let it load its modules and connect to ``url``'s
    database (``serve`` does, at start-up): otherwise the first import after a start waits
    seconds for both (issue 15)."""
    return _import_executor().submit(_loaded, url)


@atexit.register
def _end_import_process() -> None:
    pool = _import_pool
    if pool is not None:
        children.end_pool(pool)


def sweep(engine: Engine) -> None:
    """Sweep every kind of work whose lease expired (see the module docstring)."""
    runs.sweep(engine)
    planning.sweep(engine)
    waits.sweep(engine)


class Heartbeat:
    """A thread that renews this process's leases and sweeps expired ones, every
    ``BOLIGMATCH_HEARTBEAT_SECONDS``; ``on_beat`` runs after each beat (taking queued work)."""

    def __init__(self, engine: Callable[[], Engine], on_beat: Callable[[], None] | None = None):
        self._engine = engine
        self._on_beat = on_beat
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        engine = self._engine()
        try:
            leases.beat(engine)
            sweep(engine)
            if self._on_beat is not None:
                self._on_beat()
        except Exception:  # the database is away: try again at the next beat
            log.exception("heartbeat failed")

    def _loop(self) -> None:
        while not self._stop.wait(get_settings().heartbeat_seconds):
            self.beat()

    def start(self) -> None:
        self.beat()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Heartbeat:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Jobs:
    """The background work of one server process."""

    def __init__(self, engine: Callable[[], Engine], run_workers: int = 1) -> None:
        self._engine = engine
        self._runs = ThreadPoolExecutor(max_workers=run_workers, thread_name_prefix="run")
        self._planning: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._jobs: dict[int, Future[None]] = {}  # planning jobs held by this process
        self._heartbeat = Heartbeat(engine, on_beat=self._take_queued)
        self._stopped = False

    def start(self) -> None:
        """Sweep what dead processes left, take queued planning jobs, start the heartbeat."""
        self._heartbeat.start()

    def start_run(self, run_id: int) -> Future[None]:
        """Solve a requested run in the background (``usecases.runs.request_run`` made it and
        this process holds it)."""
        leases.hold("run", run_id)
        return self._runs.submit(execute_run, self._engine(), run_id)

    def start_planning(self, job_id: int) -> Future[None]:
        """Run a planning job this process holds (``usecases.planning.start_job`` made it, or
        ``claim_queued`` took it) in the planning child process."""
        leases.hold("scenario_job", job_id)
        specs = planning.take_pending(job_id)
        url = self._engine().url.render_as_string(hide_password=False)
        with self._lock:
            if self._planning is None:
                self._planning = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=children.adopt,
                    initargs=(os.getpid(),),
                )
            future = self._planning.submit(
                planning.execute_in_child, url, job_id, specs, leases.owner()
            )
            self._jobs[job_id] = future
        future.add_done_callback(lambda f: self._planning_done(job_id, f))
        return future

    def _planning_done(self, job_id: int, future: Future[None]) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)
            broken = not future.cancelled() and future.exception() is not None
            if broken and not self._stopped:
                # The child died (killed, out of memory): the lease is no longer renewed, and the
                # sweep queues the job again or fails it. A new child serves the next job.
                log.error("planning process ended", extra={"job_id": job_id})
                pool, self._planning = self._planning, None
                if pool is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
        leases.release("scenario_job", job_id)

    def _take_queued(self) -> None:
        with self._lock:
            busy = bool(self._jobs) or self._stopped
        if not busy:
            for job_id in planning.claim_queued(self._engine()):
                self.start_planning(job_id)

    def stop(self, wait: bool = False) -> None:
        """Stop taking work. A running run finishes (``wait``: wait for it); the planning child
        is ended and its jobs queued again; the expected-wait process ends."""
        with self._lock:
            self._stopped = True
            held = list(self._jobs)
            pool, self._planning = self._planning, None
        self._heartbeat.stop()
        if pool is not None:
            children.end_pool(pool)
        try:
            planning.release(self._engine(), held)
        except Exception:  # the database is away: the sweep of the next server queues them
            log.exception("planning jobs not released")
        self._runs.shutdown(wait=wait)
        waits.shutdown()
