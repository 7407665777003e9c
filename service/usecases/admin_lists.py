"""The admin's and the planner's long lists as pages (``usecases.listing``): the audit log,
the users, and the planning jobs. Aggregates and accounts, never a person's data, so these
reads are not audited themselves (the audit log's own read is the admin's job)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, select
from sqlmodel import Session, col

from ..models import AuditEvent, Role, ScenarioJob, User, WorkStatus
from .audit import distinct_values
from .listing import Filter, ListPage, ListRequest, ListSpec, fetch

AUDIT_COLUMNS = ("id", "at", "actor", "action", "object_type", "object_ref", "detail")


def audit_spec(session: Session) -> ListSpec:
    actors, actions = distinct_values(session)
    return ListSpec(
        sorts={
            "at": col(AuditEvent.id),  # ids grow with time; the index orders both the same
            "actor": col(AuditEvent.actor),
            "action": col(AuditEvent.action),
            "object": col(AuditEvent.object_ref),
        },
        default_sort="at",
        default_descending=True,
        tiebreak=col(AuditEvent.id).desc(),
        search=(col(AuditEvent.object_ref), col(AuditEvent.detail), col(AuditEvent.actor)),
        filters={
            "actor": Filter(col(AuditEvent.actor), tuple(actors)),
            "action": Filter(col(AuditEvent.action), tuple(actions), counted=True),
            "object_ref": Filter(col(AuditEvent.object_ref)),
        },
    )


def audit_page(
    session: Session,
    request: ListRequest,
    since: datetime | None = None,
    until: datetime | None = None,
) -> ListPage:
    """One page of the audit log in ``[since, until)`` (UTC), newest first by default."""
    base: Any = select(*(col(getattr(AuditEvent, c)) for c in AUDIT_COLUMNS))
    if since is not None:
        base = base.where(col(AuditEvent.at) >= since)
    if until is not None:
        base = base.where(col(AuditEvent.at) < until)
    return fetch(session, base, audit_spec(session), request)


USER_COLUMNS = ("id", "username", "role", "teams", "active")
USER_SPEC = ListSpec(
    sorts={"username": col(User.username), "role": col(User.role), "active": col(User.active)},
    default_sort="username",
    tiebreak=col(User.username),
    search=(col(User.username), cast(col(User.teams), String)),
    filters={"role": Filter(col(User.role), tuple(r.value for r in Role), counted=True)},
)


def user_page(session: Session, request: ListRequest) -> ListPage:
    """One page of the users (no password hashes)."""
    base = select(*(col(getattr(User, c)) for c in USER_COLUMNS))
    return fetch(session, base, USER_SPEC, request)


JOB_COLUMNS = ("id", "names", "status", "progress_done", "progress_total", "created_by",
               "created_at", "finished_at")  # fmt: skip
JOB_SPEC = ListSpec(
    sorts={
        "id": col(ScenarioJob.id),
        "status": col(ScenarioJob.status),
        "created_by": col(ScenarioJob.created_by),
    },
    default_sort="id",
    default_descending=True,
    tiebreak=col(ScenarioJob.id).desc(),
    search=(cast(col(ScenarioJob.names), String), col(ScenarioJob.created_by)),
    filters={
        "status": Filter(col(ScenarioJob.status), tuple(s.value for s in WorkStatus), counted=True)
    },
)


def job_page(session: Session, request: ListRequest) -> ListPage:
    """One page of the planning jobs, newest first by default (without their results)."""
    base = select(*(col(getattr(ScenarioJob, c)) for c in JOB_COLUMNS))
    return fetch(session, base, JOB_SPEC, request)
