"""Youths as people read them: the list (a case worker's own teams only) and one youth.

Every read of a person is audited: a list as one event (how many were listed), one youth as
``read.youth``; the caller answers only after the event is committed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from ..authz import YOUTH_COLUMNS, Principal, person_read, visible_youths
from ..db import read_connection
from ..models import YouthRecord, YouthStatus
from .audit import audit
from .queue import pool_version, queue_info

MAX_LISTED = 2000


def list_youths(
    session: Session, user: Principal, *, with_queue: bool = False, limit: int | None = None
) -> list[dict[str, Any]]:
    """The youths ``user`` may see (``YOUTH_COLUMNS``), by reference; ``with_queue`` adds each
    one's position, eligible dwellings and blocks. Audited and committed."""
    query = select(*(col(getattr(YouthRecord, c)) for c in YOUTH_COLUMNS)).order_by(
        col(YouthRecord.ref)
    )
    visible = visible_youths(user)
    if visible is not None:
        query = query.where(visible)
    if limit is not None:
        query = query.limit(limit)
    rows = [dict(r._mapping) for r in session.execute(query).all()]
    if with_queue:
        version = pool_version(session)
        for row in rows:
            info = queue_info(session, row["ref"], version)
            waiting = row["status"] == YouthStatus.WAITING.value
            row["position"] = info.position if info and waiting else None
            row["eligible"] = info.eligible_dwellings if info else None
            row["blocks"] = list(info.blocks) if info else []
    audit(session, user.username, "read.youths", "youth", "*", f"{len(rows)} listed")
    session.commit()
    return rows


def read_youth(token: str, ref: str) -> tuple[str, dict[str, Any]]:
    """The youth's ``YOUTH_COLUMNS`` for the token's user (401/403/404 as ``person_read``), and
    the user's name for the audit."""
    with read_connection() as conn:
        read = person_read(conn, token, ref)
    return read.user.username, read.youth
