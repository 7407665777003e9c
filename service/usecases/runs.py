"""Weekly runs: one per week unless forced, solved in the background, written all at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from solver.domain import Case
from solver.engine.week import WeekResult, run_case

from ..models import Offer, Proposal, Run, WorkStatus, now
from .audit import audit
from .data import files_from_json, files_json, snapshot_case, snapshot_files, snapshot_hash
from .errors import NotFoundError

log = logging.getLogger(__name__)

Solver = Callable[..., WeekResult]


def latest_run(session: Session, week: str) -> Run | None:
    return session.exec(
        select(Run).where(Run.week == week).order_by(col(Run.generation).desc())
    ).first()


def request_run(engine: Engine, week: str, actor: str, force: bool = False) -> tuple[Run, bool]:
    """The week's run: a new one (``True``) or the existing one (``False``).

    Uniqueness is the database's: two requests racing for the same (week, generation) insert
    one row; the loser gets the winner's run.
    """
    with Session(engine) as session:
        latest = latest_run(session, week)
        if latest is not None and not force:
            return latest, False
        run = Run(week=week, generation=(latest.generation + 1) if latest else 1, created_by=actor)
        session.add(run)
        audit(session, actor, "run.request", "run", week, f"generation {run.generation}")
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            existing = latest_run(session, week)
            assert existing is not None
            return existing, False
        session.refresh(run)
        return run, True


def execute_run(engine: Engine, run_id: int, solver: Solver = run_case) -> None:
    """Snapshot the week, solve, and write every proposal and the status in one transaction.

    Any failure marks the run failed with the error and leaves no proposal behind.
    """
    try:
        with Session(engine) as session:
            run = session.get(Run, run_id)
            assert run is not None
            files = snapshot_files(session, run.week)
            run.status = WorkStatus.RUNNING.value
            run.input_snapshot = files_json(files)
            run.input_hash = snapshot_hash(files)
            run.solver_version = f"boligmatch {version('boligmatch')}, ortools {version('ortools')}"
            session.add(run)
            session.commit()
        case: Case = snapshot_case(files_from_json(files_json(files)))

        stages: list[str] = []

        def progress(stage: str, seconds: float) -> None:
            stages.append(stage)
            with Session(engine) as s:
                r = s.get(Run, run_id)
                if r is not None:
                    r.progress = stage
                    s.add(r)
                    s.commit()

        result = solver(case, progress=progress)
        with Session(engine) as session:
            for m in result.matches:  # a pinned pair says so, with the allocator's reason
                session.add(Proposal(run_id=run_id, youth_ref=m.youth_ref, dwelling_ref=m.unit_ref,
                                     cost=m.cost, fit=m.fit, reason="pin" if m.pinned else None,
                                     detail=m.pinned))  # fmt: skip
            for u in result.unmatched:
                session.add(Proposal(run_id=run_id, youth_ref=u.youth_ref, reason=u.reason,
                                     reason_params=u.params, detail=u.detail(),
                                     outranked_by=u.outranked_by))  # fmt: skip
            run = session.get(Run, run_id)
            assert run is not None
            run.status = WorkStatus.DONE.value
            run.result_status = result.status.value
            run.objective = dict(result.summary.get("objective", {}))
            run.timings = dict(result.summary.get("timings_s", {}))
            run.params = {"solver_path": result.summary.get("solver_path")}
            run.progress = "done"
            run.finished_at = now()
            session.add(run)
            session.commit()
        log.info("run finished", extra={"run_id": run_id, "housed": len(result.matches)})
    except Exception as exc:  # the run fails as a whole; the database keeps no partial result
        log.exception("run failed", extra={"run_id": run_id})
        with Session(engine) as session:
            run = session.get(Run, run_id)
            if run is not None:
                run.status = WorkStatus.FAILED.value
                run.error = f"{type(exc).__name__}: {exc}"[:500]
                run.finished_at = now()
                session.add(run)
                session.commit()


def get_run(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError("Run not found")
    return run


def read_proposals(session: Session, run_id: int, actor: str) -> list[Proposal]:
    """A run's proposals in order (matches and youths not housed), audited as a read of
    personal data and committed."""
    get_run(session, run_id)
    rows = session.exec(
        select(Proposal).where(Proposal.run_id == run_id).order_by(col(Proposal.id))
    ).all()
    audit(session, actor, "read.proposals", "run", str(run_id))
    session.commit()
    return list(rows)


def latest_offers(session: Session, proposal_ids: list[int]) -> dict[int, Offer]:
    """The latest offer made from each of these proposals."""
    out: dict[int, Offer] = {}
    if proposal_ids:
        query = select(Offer).where(col(Offer.proposal_id).in_(proposal_ids))
        for offer in session.exec(query.order_by(col(Offer.id))).all():
            if offer.proposal_id is not None:
                out[offer.proposal_id] = offer
    return out


def recent_runs(session: Session, limit: int = 20) -> list[Run]:
    return list(session.exec(select(Run).order_by(col(Run.id).desc()).limit(limit)).all())


@dataclass(frozen=True)
class Change:
    """One youth whose proposal differs between two runs of a week."""

    youth_ref: str
    kind: str  # "in": housed now, not before; "out": housed before, not now; "moved"
    before: Proposal | None  # the earlier run's line for the youth (None: not in that run)
    after: Proposal | None  # this run's line


def previous_run(session: Session, run: Run) -> Run | None:
    """The week's run of the generation before this one that finished."""
    query = select(Run).where(
        Run.week == run.week,
        col(Run.generation) < run.generation,
        Run.status == WorkStatus.DONE.value,
    )
    return session.exec(query.order_by(col(Run.generation).desc())).first()


def diff(session: Session, run: Run, earlier: Run) -> list[Change]:
    """Who is in, who is out and who moved between ``earlier`` and ``run`` (why: each line's
    reason), in this run's order."""

    def lines(r: Run) -> dict[str, Proposal]:
        rows = session.exec(select(Proposal).where(Proposal.run_id == r.id)).all()
        return {p.youth_ref: p for p in rows}

    now_, before = lines(run), lines(earlier)
    out = []
    for ref in sorted(set(now_) | set(before)):
        a, b = before.get(ref), now_.get(ref)
        housed_a = a is not None and a.dwelling_ref is not None
        housed_b = b is not None and b.dwelling_ref is not None
        if housed_b and not housed_a:
            out.append(Change(ref, "in", a, b))
        elif housed_a and not housed_b:
            out.append(Change(ref, "out", a, b))
        elif housed_a and a is not None and b is not None and a.dwelling_ref != b.dwelling_ref:
            out.append(Change(ref, "moved", a, b))
    order = {"out": 0, "in": 1, "moved": 2}
    return sorted(out, key=lambda c: (order[c.kind], c.youth_ref))
