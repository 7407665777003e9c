"""What a user's start page says needs doing, by role.

- Allocation office (admin, allocator): open offers, offers about to expire
  (``EXPIRING_DAYS``), weeks whose data changed after their latest run (the run is stale: it
  solved older data) or that were imported and never run, and urgent waiting youths.
- Case worker: their own teams' youths with what changed since they last opened each youth's
  page (the audit log knows when: ``read.queue`` by them of that youth) — a new proposal from a
  week's run, an offer made or answered; youths they never opened are marked so.
- Planner: the latest planning job. Everyone who may see youths: how many wait.

Reads that name youths are audited (``read.youths``) and committed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from solver.caseio.weeks import week_of
from solver.domain import Policy

from ..authz import (
    AGGREGATE_READERS,
    ALLOCATORS,
    PERSON_READERS,
    PLANNERS,
    Principal,
    visible_teams,
    visible_youths,
)
from ..models import (
    AuditEvent,
    Offer,
    OfferState,
    Proposal,
    Run,
    ScenarioJob,
    WeekPolicy,
    WorkStatus,
    YouthRecord,
    YouthStatus,
    local_today,
)
from .audit import audit
from .runs import is_stale, latest_run

EXPIRING_DAYS = 2  # an offer whose answer is due within this many days is about to expire
SHOWN = 10  # rows of each kind listed on the start page (the counts are whole)
OPEN_STATES = (OfferState.OFFERED.value, OfferState.ACCEPTED.value)


def start_facts(session: Session, user: Principal, today: date | None = None) -> dict[str, Any]:
    """The start page's facts for ``user`` (see the module docstring)."""
    today = today or local_today()
    facts: dict[str, Any] = {}
    if user.role in AGGREGATE_READERS:
        facts["latest_run"] = session.exec(
            select(Run).order_by(col(Run.id).desc()).limit(1)
        ).first()
    if user.role in PLANNERS:
        facts["latest_job"] = session.exec(
            select(ScenarioJob).order_by(col(ScenarioJob.id).desc()).limit(1)
        ).first()
    if user.role in PERSON_READERS:
        query = select(func.count()).select_from(YouthRecord)
        query = query.where(YouthRecord.status == YouthStatus.WAITING.value)
        visible = visible_youths(user)
        if visible is not None:
            query = query.where(visible)
        facts["waiting"] = session.exec(query).one()
    if user.role in ALLOCATORS:
        facts["todo"] = allocator_todo(session, user, today)
    own_teams = visible_teams(user)
    if user.role in PERSON_READERS and own_teams is not None:  # a case worker
        facts["changes"] = changes_since_last_visit(session, user, own_teams)
    return facts


@dataclass(frozen=True)
class AllocatorTodo:
    open_offers: int
    expiring: list[Offer]  # offered, answer due within EXPIRING_DAYS (soonest first)
    expiring_count: int
    overdue: int  # offered, answer date passed (expired at the next run or offer action)
    stale_weeks: list[dict[str, Any]]  # week, run (or None), imported_at
    urgent: list[dict[str, Any]]  # ref, urgent_by (earliest first)
    urgent_count: int
    urgent_days: int
    expiring_days: int = EXPIRING_DAYS


def _urgent_days(session: Session) -> int:
    query = sa_select(col(WeekPolicy.policy_toml)).order_by(col(WeekPolicy.week).desc()).limit(1)
    text = session.execute(query).scalar()
    days = tomllib.loads(text).get("urgent_within_days") if text else None
    return int(days) if isinstance(days, int) else Policy(run_date=local_today()).urgent_within_days


def _stale_weeks(session: Session, today: date) -> list[dict[str, Any]]:
    """Weeks whose latest run is stale (the data changed after it solved it: an import, an
    offer answered, a decision, …; ``usecases.runs.is_stale``) or that have no run, newest
    first, with when the week was last imported.

    Only the weeks still to be allocated: the current week and later ones, or the newest
    imported week when every import is older. A past week a newer import superseded is done;
    the data version is global, so every later change would otherwise list it as stale for
    good (the start page nagged about last week's run after this week's import)."""
    newest = session.exec(select(WeekPolicy.week).order_by(col(WeekPolicy.week).desc())).first()
    if newest is None:
        return []
    floor = min(week_of(today), newest)  # ISO weeks ("2026-W48") sort as text
    imported = dict(
        session.execute(
            sa_select(col(AuditEvent.object_ref), func.max(col(AuditEvent.at)))
            .where(col(AuditEvent.action) == "import")
            .group_by(col(AuditEvent.object_ref))
        ).all()
    )
    out = []
    weeks = select(WeekPolicy.week).where(col(WeekPolicy.week) >= floor)
    for week in session.exec(weeks.order_by(col(WeekPolicy.week).desc())).all():
        run = latest_run(session, week)
        if run is None or is_stale(session, run):
            out.append({"week": week, "run": run, "imported_at": imported.get(week)})
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def allocator_todo(session: Session, user: Principal, today: date) -> AllocatorTodo:
    """What the allocation office should look at today; audited (it lists youths)."""
    open_count = session.exec(
        select(func.count()).select_from(Offer).where(col(Offer.state).in_(OPEN_STATES))
    ).one()
    due = today + timedelta(days=EXPIRING_DAYS)
    offered = select(Offer).where(Offer.state == OfferState.OFFERED.value)
    expiring_q = offered.where(col(Offer.expires_on) >= today, col(Offer.expires_on) <= due)
    expiring = list(
        session.exec(expiring_q.order_by(col(Offer.expires_on), col(Offer.id)).limit(SHOWN)).all()
    )
    expiring_count = session.exec(select(func.count()).select_from(expiring_q.subquery())).one()
    overdue = session.exec(
        select(func.count()).select_from(offered.where(col(Offer.expires_on) < today).subquery())
    ).one()
    days = _urgent_days(session)
    urgent_q = select(col(YouthRecord.ref), col(YouthRecord.urgent_by)).where(
        YouthRecord.status == YouthStatus.WAITING.value,
        col(YouthRecord.urgent_by) <= today + timedelta(days=days),
    )
    urgent = [
        {"ref": r, "urgent_by": u}
        for r, u in session.exec(
            urgent_q.order_by(col(YouthRecord.urgent_by), col(YouthRecord.ref)).limit(SHOWN)
        ).all()
    ]
    urgent_count = session.exec(select(func.count()).select_from(urgent_q.subquery())).one()
    if urgent:
        audit(session, user.username, "read.youths", "youth", "*", f"{len(urgent)} listed")
        session.commit()
    return AllocatorTodo(
        open_offers=int(open_count),
        expiring=expiring,
        expiring_count=int(expiring_count),
        overdue=int(overdue),
        stale_weeks=_stale_weeks(session, today),
        urgent=urgent,
        urgent_count=int(urgent_count),
        urgent_days=days,
    )


@dataclass
class YouthChanges:
    """One of the case worker's youths and what happened since they last opened its page."""

    ref: str
    status: str
    last_seen: datetime | None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # catalogue key, params


def changes_since_last_visit(
    session: Session, user: Principal, teams: tuple[str, ...]
) -> list[YouthChanges]:
    """The user's teams' youths, those with something new first (never opened counts as new);
    each with the new proposals (from runs finished since) and offers made or changed since.
    Audited and committed."""
    query = sa_select(col(YouthRecord.ref), col(YouthRecord.status)).where(
        col(YouthRecord.support_team).in_(teams)
    )
    visible = visible_youths(user)  # their own youths (least privilege), not the whole team
    if visible is not None:
        query = query.where(visible)
    youths = session.execute(query.order_by(col(YouthRecord.ref))).all()
    refs = [r for r, _ in youths]
    if not refs:
        return []
    seen = dict(
        session.execute(
            sa_select(col(AuditEvent.object_ref), func.max(col(AuditEvent.at)))
            .where(
                col(AuditEvent.actor) == user.username,
                col(AuditEvent.action) == "read.queue",
                col(AuditEvent.object_ref).in_(refs),
            )
            .group_by(col(AuditEvent.object_ref))
        ).all()
    )
    out = {ref: YouthChanges(ref, status, seen.get(ref)) for ref, status in youths}
    proposals = session.execute(
        sa_select(
            col(Proposal.youth_ref),
            col(Proposal.dwelling_ref),
            col(Proposal.reason),
            col(Run.week),
            col(Run.finished_at),
        )
        .join(Run, col(Run.id) == col(Proposal.run_id))
        .where(col(Proposal.youth_ref).in_(refs), col(Run.status) == WorkStatus.DONE.value)
        .order_by(col(Run.id))
    ).all()
    latest: dict[str, tuple[str, dict[str, Any]]] = {}
    for ref, dwelling, reason, week, finished in proposals:
        event = ("seen.proposed", {"dwelling": dwelling, "week": week}) if dwelling else (
            "seen.not_housed", {"reason": reason, "week": week})  # fmt: skip
        latest[ref] = event
        last = out[ref].last_seen
        if last is not None and finished is not None and _aware(finished) > _aware(last):
            out[ref].events.append(event)
    latest_offer: dict[str, tuple[str, dict[str, Any]]] = {}
    for offer in session.exec(
        select(Offer).where(col(Offer.youth_ref).in_(refs)).order_by(col(Offer.id))
    ).all():
        event = ("seen.offer", {"dwelling": offer.dwelling_ref, "state": offer.state})
        latest_offer[offer.youth_ref] = event
        last = out[offer.youth_ref].last_seen
        if last is not None and _aware(offer.updated_at) > _aware(last):
            out[offer.youth_ref].events.append(event)
    for ref, change in out.items():
        if change.last_seen is None:  # never opened: where the youth stands, run and offer
            change.events.append(("seen.new", {}))
            change.events += [e[ref] for e in (latest, latest_offer) if ref in e]
    rows = sorted(out.values(), key=lambda c: (not c.events, c.ref))
    audit(session, user.username, "read.youths", "youth", "*", f"{len(rows)} listed")
    session.commit()
    return rows
