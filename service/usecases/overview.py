"""What a user's start page says: the latest run, the latest planning job, how many wait."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..authz import AGGREGATE_READERS, PERSON_READERS, PLANNERS, Principal, visible_youths
from ..models import Run, ScenarioJob, YouthRecord, YouthStatus


def start_facts(session: Session, user: Principal) -> dict[str, Any]:
    """Facts by role: ``latest_run`` (allocators, planners), ``latest_job`` (planners),
    ``waiting`` (people who may see youths: the count of those they may see)."""
    facts: dict[str, Any] = {}
    if user.role in AGGREGATE_READERS:
        facts["latest_run"] = session.exec(select(Run).order_by(col(Run.id).desc())).first()
    if user.role in PLANNERS:
        facts["latest_job"] = session.exec(
            select(ScenarioJob).order_by(col(ScenarioJob.id).desc())
        ).first()
    if user.role in PERSON_READERS:
        query = select(func.count()).select_from(YouthRecord)
        query = query.where(YouthRecord.status == YouthStatus.WAITING.value)
        visible = visible_youths(user)
        if visible is not None:
            query = query.where(visible)
        facts["waiting"] = session.exec(query).one()
    return facts
