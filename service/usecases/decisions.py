"""The allocator's decisions for a week: pin a pair, ban a pair, withhold a youth or a dwelling.

Decisions are kept per week with their reason and author; a run of the week solves under the
active ones (they are in its snapshot as ``decisions.csv``, so the run can be repeated exactly)
and "Kør igen med mine beslutninger" is a forced re-run. A decision is checked when it is made
exactly as the engine checks ``decisions.csv`` (a pin must be an eligible pair within the team's
free slots and the quota); revoking one keeps it on record. Every change is audited.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from solver.caseio.issues import CaseError
from solver.caseio.read import check_decisions
from solver.domain import Case, Decision, DecisionKind
from solver.engine.build import build_problem

from ..models import DecisionRecord, now
from .audit import audit
from .data import bump_pool_version, standing, week_snapshot
from .errors import InvalidRequest, NotFoundError, Problem
from .texts import free_text_problems

MAX_REASON = 500


def active(session: Session, week: str) -> list[DecisionRecord]:
    """The week's decisions in force, in the order they were made."""
    query = select(DecisionRecord).where(
        DecisionRecord.week == week, col(DecisionRecord.revoked_at).is_(None)
    )
    return list(session.exec(query.order_by(col(DecisionRecord.id))).all())


def as_decision(record: DecisionRecord, row: int | None = None) -> Decision:
    return Decision(DecisionKind(record.kind), record.reason, record.youth_ref, record.unit_ref,
                    row)  # fmt: skip


def add(
    session: Session,
    week: str,
    actor: str,
    kind: str,
    youth_ref: str | None,
    unit_ref: str | None,
    reason: str,
) -> DecisionRecord:
    """Record a decision after checking it against the week as its next run would see it (the
    waiting youths, the week's vacant dwellings, the decisions already in force); committed."""
    reason = reason.strip()
    youth_ref = (youth_ref or "").strip() or None
    unit_ref = (unit_ref or "").strip() or None
    problems = free_text_problems(reason=reason)
    if kind not in {k.value for k in DecisionKind}:
        problems.append(Problem("kind", "decision_kind"))
    if not reason or len(reason) > MAX_REASON:
        problems.append(Problem("reason", "decision_reason", {"max": MAX_REASON}))
    if youth_ref is None and unit_ref is None:
        problems.append(Problem("youth_ref", "decision_needs_ref"))
    if problems:
        raise InvalidRequest(problems)
    try:
        case = week_snapshot(session, week).case()
    except LookupError:
        raise NotFoundError(f"No import for week {week}") from None
    youths, units = {y.ref for y in case.youths}, {u.ref for u in case.units}
    if youth_ref is not None and youth_ref not in youths:
        problems.append(Problem("youth_ref", "decision_youth_not_waiting", {"ref": youth_ref}))
    if unit_ref is not None and unit_ref not in units:
        problems.append(Problem("unit_ref", "decision_unit_not_vacant", {"ref": unit_ref}))
    if problems:
        raise InvalidRequest(problems)
    # The decisions a run would keep (usecases.data.standing: of two that met again, the later),
    # numbered as rows of decisions.csv, the new one last: the reader's checks compare rows (a
    # pin of a youth or dwelling pinned already, a ban of a pinned pair).
    kept, _ = standing(r for r in active(session, week) if _applies(r, youths, units))
    current = tuple(as_decision(r, row) for row, r in enumerate(kept, start=2))
    new = Decision(DecisionKind(kind), reason, youth_ref, unit_ref, len(current) + 2)
    try:
        _check(replace(case, decisions=(*current, new)), new)
    except CaseError as exc:
        problems = [Problem(i.column or "youth_ref", i.code, i.params, "case") for i in exc.issues]
        raise InvalidRequest(problems) from None
    record = DecisionRecord(week=week, kind=kind, youth_ref=youth_ref, unit_ref=unit_ref,
                            reason=reason, created_by=actor)  # fmt: skip
    session.add(record)
    session.flush()
    bump_pool_version(session, "decision.create", week, pool=False)
    audit(session, actor, "decision.create", "decision", str(record.id), f"{week} {kind}")
    session.commit()
    return record


def _check(case: Case, new: Decision) -> None:
    """The reader's and the engine's checks of the decisions, the new one last."""
    issues = check_decisions(
        case.decisions, {y.ref for y in case.youths}, {u.ref for u in case.units}
    )
    if issues:
        raise CaseError(issues)
    build_problem(case)  # raises for a pin that is not eligible or over a capacity


def _applies(record: DecisionRecord, youths: set[str], units: set[str]) -> bool:
    """A decision whose youth still waits and whose dwelling is still vacant in the week."""
    return (record.youth_ref is None or record.youth_ref in youths) and (
        record.unit_ref is None or record.unit_ref in units
    )


def revoke(session: Session, decision_id: int, actor: str) -> DecisionRecord:
    record = session.get(DecisionRecord, decision_id)
    if record is None or record.revoked_at is not None:
        raise NotFoundError("Decision not found")
    record.revoked_at, record.revoked_by = now(), actor
    session.add(record)
    bump_pool_version(session, "decision.revoke", record.week, pool=False)
    audit(session, actor, "decision.revoke", "decision", str(decision_id), record.week)
    session.commit()
    return record


def replace_imported(session: Session, week: str, decisions: tuple[Decision, ...]) -> None:
    """An import's decisions.csv replaces the decisions an earlier import of the week brought;
    the allocator's own decisions stay (in the caller's transaction). One UPDATE and one
    multi-row INSERT, no ORM object per row (issue 15)."""
    table = DecisionRecord.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.week == week, table.c.revoked_at.is_(None), table.c.created_by == "import")
        .values(revoked_at=now(), revoked_by="import")
    )
    rows = [
        {
            "week": week,
            "kind": d.kind.value,
            "youth_ref": d.youth_ref,
            "unit_ref": d.unit_ref,
            "reason": d.reason,
            "created_by": "import",
            "created_at": now(),
        }
        for d in decisions
    ]
    if rows:
        session.execute(insert(table), rows)
