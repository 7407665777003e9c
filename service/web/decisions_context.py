"""What the run page shows of the allocator's decisions: the scheme in force, the decisions of
the week, the difference from the run before, and the choices of the forms."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from solver.engine.priority import PRESETS

from ..models import OverrideReason, Run, WorkStatus
from ..usecases import decisions, weeks
from ..usecases.errors import NotFoundError
from ..usecases.runs import diff, previous_run


def decision_context(session: Session, run: Run) -> dict[str, Any]:
    try:
        policy = weeks.week_policy(session, run.week)
    except NotFoundError:
        return {"scheme": None}
    earlier = previous_run(session, run) if run.status == WorkStatus.DONE.value else None
    return {
        "scheme": policy.priority,
        "scheme_name": weeks.scheme_name(policy.priority),
        "presets": list(PRESETS),
        "decisions": decisions.active(session, run.week),
        "earlier": earlier,
        "changes": diff(session, run, earlier) if earlier is not None else [],
        "waivable": list(policy.waivable),
        "override_reasons": [r.value for r in OverrideReason],
    }
