"""Database engine and sessions: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from .settings import get_settings

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, a busy timeout and thread sharing.

    ``hide_parameters``: a database error's message (logged with its traceback when it is not
    caught) carries the SQL but never the values bound to it (incomes, birth dates)."""
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30},
                        "hide_parameters": True}  # fmt: skip
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        else:  # a file: connections are cheap, and a short pool makes threads queue for one
            kwargs.update(pool_size=10, max_overflow=40)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: no corruption on a crash; the last commits may be lost on power
            # loss. The production database is PostgreSQL.
            cur.execute("PRAGMA synchronous=NORMAL")
            # Read pages through a memory map (no read() copies; a read transaction that finds
            # the WAL changed must drop its page cache, and re-reading is then cheap).
            cur.execute("PRAGMA mmap_size=268435456")
            cur.close()

        return engine
    # A pool as large as the threads that use it at once (run_db's limit, the sync routes'
    # thread pool): connections made and dropped above pool_size cost a server process each.
    engine = create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=10,
                           hide_parameters=True)  # fmt: skip

    @event.listens_for(engine, "handle_error")
    def _no_row_values(context: Any) -> None:
        # PostgreSQL's DETAIL repeats the refused row's values ("Failing row contains (…)"):
        # the error keeps its primary message only.
        original, wrapped = context.original_exception, context.sqlalchemy_exception
        diag = getattr(original, "diag", None)
        if diag is not None and diag.message_detail:
            full = str(original)
            original.args = (diag.message_primary or type(original).__name__,)
            if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
                wrapped.args = (wrapped.args[0].replace(full, str(original)), *wrapped.args[1:])

    return engine


_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def db_threads(url: str) -> int:
    """Threads per process for the async routes' database work (``BOLIGMATCH_DB_THREADS``;
    0: 2 for SQLite, whose reads are in-process CPU work under the GIL, 8 for a server)."""
    configured = get_settings().db_threads
    if configured > 0:
        return configured
    return 2 if url.startswith("sqlite") else 8


async def run_db(fn: Callable[..., T], *args: Any) -> T:
    """Blocking database work from an async route: one trip to a worker thread for the lot.

    At most ``db_threads`` such calls run at once per process; the rest wait their turn in
    order on the event loop. (Without the limit, 40 threads take turns holding the GIL under
    load, and the extra switching costs more CPU per request and long tails.)"""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(db_threads(get_settings().database_url))
    return await to_thread.run_sync(fn, *args, limiter=limiter)


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A connection for reads only. SQLite: one read transaction for all of them (it otherwise
    starts one per statement, each re-validating its page cache against the WAL), so they also
    share one snapshot. A server database: autocommit, which spares the BEGIN and ROLLBACK round
    trips and changes nothing for reads (READ COMMITTED takes a snapshot per statement)."""
    engine = get_engine()
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        # (An in-memory database's one shared connection may be inside another's transaction.)
        elif not isinstance(engine.pool, StaticPool):
            conn.exec_driver_sql("BEGIN")
        yield conn


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def get_session() -> Iterator[Session]:
    """A request's session. Objects stay readable after commit (audit commits before the
    response is built)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
