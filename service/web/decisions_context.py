"""What the run page shows of the allocator's decisions: the scheme in force, the decisions of
the week, the difference from the run before, and the choices of the forms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from solver.engine.priority import PRESETS

from ..models import DecisionRecord, Offer, OverrideReason, Run, WorkStatus
from ..usecases import decisions, weeks
from ..usecases.errors import NotFoundError
from ..usecases.runs import diff, previous_run, set_aside


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _since_run(session: Session, run: Run, active: list[DecisionRecord]) -> dict[str, Any]:
    """The week's decisions against the run: those in force made after it (not in it: the
    next run keeps them), and those in force when it was requested that were revoked since
    (the run solved with them, though the list of decisions in force no longer shows them)."""
    requested = _aware(run.created_at)
    revoked = session.exec(
        select(DecisionRecord)
        .where(DecisionRecord.week == run.week, col(DecisionRecord.revoked_at).is_not(None))
        .order_by(col(DecisionRecord.id))
    ).all()
    in_run = [d for d in revoked if _aware(d.created_at) <= requested]
    return {
        "made_after": {d.id for d in active if _aware(d.created_at) > requested},
        "revoked_since": [d for d in in_run if _aware(d.revoked_at or requested) > requested],
    }


def decision_context(session: Session, run: Run) -> dict[str, Any]:
    # The pins this run could not honour (usecases.runs): why, in Danish, by decision.
    aside = set_aside(run, "da")
    shown = {"set_aside": {d: why for d, _, why in aside}, "set_aside_count": len(aside)}
    try:
        policy = weeks.week_policy(session, run.week)
    except NotFoundError:
        return {"scheme": None, **shown}
    earlier = previous_run(session, run) if run.status == WorkStatus.DONE.value else None
    active = decisions.active(session, run.week)
    return {
        **shown,
        **_since_run(session, run, active),
        "scheme": policy.priority,
        "scheme_name": weeks.scheme_name(policy.priority),
        "presets": list(PRESETS),
        "decisions": active,
        "earlier": earlier,
        "changes": diff(session, run, earlier) if earlier is not None else [],
        "waivable": list(policy.waivable),
        "override_reasons": [r.value for r in OverrideReason],
        # The week's offers outside the proposal: they use claims and slots the run saw taken.
        "overrides": session.exec(
            select(Offer)
            .where(Offer.week == run.week, col(Offer.proposal_id).is_(None))
            .order_by(col(Offer.id))
        ).all(),
    }
