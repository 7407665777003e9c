"""A week's policy as the allocation office sets it: the priority scheme in force.

The scheme is part of the week's ``policy.toml`` (case format 2, ``[priority]``); choosing one
rewrites that policy, so the next run and the queue follow it. Audited.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from solver.caseio.issues import CaseError, CaseIssue
from solver.caseio.policy import policy_toml, read_policy
from solver.caseio.weeks import parse_week
from solver.domain import Policy, PriorityScheme
from solver.engine.priority import PRESETS, preset_of

from ..models import WeekPolicy
from .audit import audit
from .data import bump_pool_version
from .errors import InvalidRequest, NotFoundError, Problem


def week_policy(session: Session, week: str) -> Policy:
    """The policy stored with the week's import."""
    record = session.get(WeekPolicy, week)
    if record is None:
        raise NotFoundError(f"No import for week {week}")
    issues: list[CaseIssue] = []
    policy = read_policy(record.policy_toml.encode(), parse_week(week), issues)
    if issues:  # the stored text is the service's own; this would be a defect
        raise CaseError(issues)
    return policy


def set_priority(session: Session, week: str, preset: str, actor: str) -> PriorityScheme:
    """Put one of the named schemes (``solver.engine.priority.PRESETS``) in force for the week;
    committed and audited. A scheme of the municipality's own is set in policy.toml (import)."""
    if preset not in PRESETS:
        raise InvalidRequest([Problem("preset", "priority_preset", {"allowed": list(PRESETS)})])
    record = session.get(WeekPolicy, week)
    if record is None:
        raise NotFoundError(f"No import for week {week}")
    policy = replace(week_policy(session, week), priority=PRESETS[preset])
    record.policy_toml = policy_toml(policy)
    session.add(record)
    bump_pool_version(session, "policy.priority", week)
    audit(session, actor, "policy.priority", "week", week, preset)
    session.commit()
    return policy.priority


def scheme_name(scheme: PriorityScheme) -> str:
    """The preset's name, or ``custom``."""
    return preset_of(scheme) or "custom"
