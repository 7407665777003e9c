"""What the run page shows of the allocator's decisions: the scheme in force, the decisions of
the week, the difference from the run before, and the choices of the forms."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from solver.engine.priority import PRESETS

from ..models import Offer, OverrideReason, Run, WorkStatus
from ..usecases import decisions, weeks
from ..usecases.errors import NotFoundError
from ..usecases.runs import diff, previous_run, set_aside


def decision_context(session: Session, run: Run) -> dict[str, Any]:
    # The pins this run could not honour (usecases.runs): why, in Danish, by decision.
    aside = set_aside(run, "da")
    shown = {"set_aside": {d: why for d, _, why in aside}, "set_aside_count": len(aside)}
    try:
        policy = weeks.week_policy(session, run.week)
    except NotFoundError:
        return {"scheme": None, **shown}
    earlier = previous_run(session, run) if run.status == WorkStatus.DONE.value else None
    return {
        **shown,
        "scheme": policy.priority,
        "scheme_name": weeks.scheme_name(policy.priority),
        "presets": list(PRESETS),
        "decisions": decisions.active(session, run.week),
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
