"""Audit events: who did or read what, when and why. Never personal field values.

Writes are audited in the writer's own transaction (``audit``). Reads are audited through a
group commit (``audit_read``): the events of concurrent requests are inserted and committed
together by one thread per engine, and each request waits until *its* event is committed before
it answers, so every answered read is on record (as before), at one commit per batch instead of
one per request, and no request thread ever waits for the database's write lock.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from ..models import AuditEvent, now


def audit(
    session: Session, actor: str, action: str, object_type: str, ref: str, detail: str = ""
) -> None:
    """Record an event in the caller's transaction."""
    session.add(
        AuditEvent(
            actor=actor, action=action, object_type=object_type, object_ref=ref, detail=detail
        )
    )


_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]


class _GroupCommit:
    """One engine's audit writer: a thread that commits whatever events are pending as one
    multi-row INSERT, then resolves their futures (or fails them all with the error). The thread
    stops after ``idle_s`` without events and is started again by the next one."""

    idle_s = 2.0

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cond = threading.Condition()
        self._pending: list[tuple[dict[str, Any], Future[None]]] = []
        self._running = False

    def submit(self, row: dict[str, Any]) -> Future[None]:
        future: Future[None] = Future()
        with self._cond:
            self._pending.append((row, future))
            if self._running:
                self._cond.notify()
            else:
                self._running = True
                threading.Thread(target=self._loop, name="audit-writer", daemon=True).start()
        return future

    def _loop(self) -> None:
        while True:
            with self._cond:
                if not self._pending:
                    self._cond.wait(self.idle_s)
                if not self._pending:
                    self._running = False
                    break
                batch, self._pending = self._pending, []
            try:
                with self.engine.begin() as conn:
                    conn.execute(_INSERT, [row for row, _ in batch])
            except BaseException as exc:  # every waiting request fails with the cause
                for _, future in batch:
                    future.set_exception(exc)
            else:
                for _, future in batch:
                    future.set_result(None)
        with _writers_lock:  # idle: let the engine go (tests make one per database)
            if _writers.get(id(self.engine)) is self:
                del _writers[id(self.engine)]


_writers_lock = threading.Lock()
_writers: dict[int, _GroupCommit] = {}


def _writer(engine: Engine) -> _GroupCommit:
    with _writers_lock:
        writer = _writers.get(id(engine))
        if writer is None or writer.engine is not engine:
            writer = _writers[id(engine)] = _GroupCommit(engine)
        return writer


def submit_read(
    engine: Engine, actor: str, action: str, object_type: str, ref: str, detail: str = ""
) -> Future[None]:
    """Queue a read's event for the next group commit; the future resolves once committed."""
    row = {"at": now(), "actor": actor, "action": action, "object_type": object_type,
           "object_ref": ref, "detail": detail}  # fmt: skip
    return _writer(engine).submit(row)


async def audit_read(
    engine: Engine, actor: str, action: str, object_type: str, ref: str, detail: str = ""
) -> None:
    """Record a person-level read; returns once the event is committed (raises if it cannot
    be, so the read is not answered)."""
    await asyncio.wrap_future(submit_read(engine, actor, action, object_type, ref, detail))


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list: exact actor, action and object reference (empty = any), an
    interval of time (UTC), newest first, at most ``limit``."""

    actor: str = ""
    action: str = ""
    object_ref: str = ""
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    limit: int = 200


def search(session: Session, f: AuditFilter) -> list[AuditEvent]:
    """The events matching ``f`` (the API's ``GET /audit`` and the admin's log page)."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(f.limit)
    if f.actor:
        query = query.where(AuditEvent.actor == f.actor)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.object_ref:
        query = query.where(AuditEvent.object_ref == f.object_ref)
    if f.since is not None:
        query = query.where(col(AuditEvent.at) >= f.since)
    if f.until is not None:
        query = query.where(col(AuditEvent.at) < f.until)
    return list(session.exec(query).all())


def distinct_values(session: Session) -> tuple[list[str], list[str]]:
    """Every actor and every action on record (the log page's pick lists)."""
    actors = session.exec(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)).all()
    actions = session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return list(actors), list(actions)
