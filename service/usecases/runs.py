"""Weekly runs: one per week unless forced, solved in the background, written all at once.

A run is held under a lease by the process that solves it (``service.leases``). A run whose
process died (its lease expired) is swept to ``failed`` with progress ``interrupted``
("afbrudt"): nothing of it was written, since proposals and the status ``done`` are committed
together and only by the lease's owner. A week whose latest run failed is run again by the next
request, without ``force``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass, replace
from importlib.metadata import version
from typing import Any

from sqlalchemy import Engine, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from solver.caseio.issues import CaseError, CaseIssue
from solver.domain import Case, DecisionKind
from solver.engine.week import WeekResult, run_case
from solver.i18n.render import text

from .. import leases
from ..models import (
    DecisionRecord,
    Offer,
    PoolVersion,
    Proposal,
    Run,
    WeekPolicy,
    WorkStatus,
    YouthRecord,
    now,
)
from .audit import audit
from .bulk import insert_rows
from .data import Snapshot, data_version, files_json, snapshot_hash, week_snapshot
from .errors import ConflictError, NotFoundError

log = logging.getLogger(__name__)

Solver = Callable[..., WeekResult]


def latest_run(session: Session, week: str) -> Run | None:
    return session.exec(
        select(Run).where(Run.week == week).order_by(col(Run.generation).desc()).limit(1)
    ).first()


ACTIVE = (WorkStatus.QUEUED.value, WorkStatus.RUNNING.value)
INTERRUPTED = "interrupted"


def sweep(engine: Engine) -> int:
    """Fail every queued or running run whose lease expired (its process died or stalled):
    status ``failed``, progress ``interrupted``. Returns how many."""
    with Session(engine) as session:
        active = col(Run.status).in_(ACTIVE)
        owners = session.exec(select(Run.owner).where(active).distinct()).all()
        expired = or_(
            col(Run.heartbeat_at).is_(None),
            col(Run.heartbeat_at) < leases.cutoff(),
            col(Run.owner).in_(leases.dead_owners(owners)),
        )
        statement = (
            update(Run)
            .where(active, expired)
            .values(
                status=WorkStatus.FAILED.value,
                progress=INTERRUPTED,
                error="interrupted: the process solving the run stopped; nothing was written",
                finished_at=now(),
                owner=None,
            )
        )
        count = session.execute(statement).rowcount  # type: ignore[attr-defined]
        session.commit()
    if count:
        log.warning("runs interrupted", extra={"runs": count})
    return int(count)


def request_run(engine: Engine, week: str, actor: str, force: bool = False) -> tuple[Run, bool]:
    """The week's run: a new one (``True``, held by this process) or the existing one
    (``False``). A week whose latest run failed (an error, or interrupted) or is stale (the data
    changed since it solved it) gets a new one: without ``force`` a stale run is never returned.

    Uniqueness is the database's: two requests racing for the same (week, generation) insert
    one row; the loser gets the winner's run.
    """
    sweep(engine)
    with Session(engine) as session:
        if session.get(WeekPolicy, week) is None:
            raise ConflictError(f"Nothing is imported for week {week}.")
        latest = latest_run(session, week)
        if (
            latest is not None
            and not force
            and latest.status != WorkStatus.FAILED.value
            and not is_stale(session, latest)
        ):
            return latest, False
        run = Run(
            week=week,
            generation=(latest.generation + 1) if latest else 1,
            created_by=actor,
            owner=leases.owner(),
            heartbeat_at=now(),
        )
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


def _owned(run_id: int, *states: str) -> Any:
    """The run, if this process still holds its lease and it is in one of ``states``."""
    return (
        update(Run)
        .where(col(Run.id) == run_id, col(Run.owner) == leases.owner(), col(Run.status).in_(states))
        .execution_options(synchronize_session=False)
    )


PROGRESS_EVERY_S = 0.25
SOLVER_VERSION = f"boligmatch {version('boligmatch')}, ortools {version('ortools')}"


class LeaseLost(Exception):
    """The run's lease was swept while this process worked on it: its result is discarded."""


class ProgressWriter:
    """A run's latest finished stage, written for the pages from a thread of its own, first
    after ``PROGRESS_EVERY_S`` and then not more often; the solve hands it the stage and goes
    on.

    A copenhagen run's stages take milliseconds each, and a commit per stage cost more than the
    engine; on SQLite the first commit after a national snapshot's also checkpoints it (~0.3 s
    that the solve waited for, issue 15). Leaving the block stops the writer: a stage not yet
    written is dropped (the run's own final write says ``done``), and a write under way ends
    first. Only the lease's owner writes, and only while the run is running."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self._engine, self._run_id = engine, run_id
        self._latest: str | None = None
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(
            target=self._write, name=f"run-{run_id}-progress", daemon=True
        )

    def __enter__(self) -> ProgressWriter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        self._thread.join()

    def __call__(self, stage: str, seconds: float) -> None:
        with self._changed:
            self._latest = stage
            self._changed.notify()

    def _write(self) -> None:
        while True:
            with self._changed:  # a run done within PROGRESS_EVERY_S writes no progress
                self._changed.wait_for(lambda: self._closed, timeout=PROGRESS_EVERY_S)
                self._changed.wait_for(lambda: self._closed or self._latest is not None)
                if self._closed:
                    return
                stage, self._latest = self._latest, None
            try:
                with Session(self._engine) as s:
                    s.execute(_owned(self._run_id, WorkStatus.RUNNING.value).values(progress=stage))
                    s.commit()
            except Exception:  # progress is for the pages; the run goes on without it
                log.warning("run progress not written", exc_info=True)


def execute_run(engine: Engine, run_id: int, solver: Solver = run_case) -> None:
    """Snapshot the week, solve, and write every proposal and the status in one transaction.

    Any failure marks the run failed with the error and leaves no proposal behind. Only the
    lease's owner writes: a run swept meanwhile stays as the sweep left it.
    """
    leases.hold("run", run_id)
    try:
        with Session(engine) as session:
            run = session.get(Run, run_id)
            assert run is not None
            started = session.execute(
                _owned(run_id, WorkStatus.QUEUED.value).values(
                    status=WorkStatus.RUNNING.value, heartbeat_at=now()
                )
            )
            if started.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost
            # The snapshot and the version it is of, read consistently: SQLite holds the write
            # lock since the update above; PostgreSQL waits for a change being committed (which
            # holds the version row until commit) and keeps the next one from committing.
            if session.get_bind().dialect.name != "sqlite":
                session.execute(
                    select(PoolVersion.version)
                    .where(PoolVersion.id == 1)
                    .with_for_update(read=True)
                ).all()
            run.data_version = data_version(session)
            week = run.week
            snapshot = week_snapshot(session, week)
            run.status = WorkStatus.RUNNING.value
            run.input_snapshot = files_json(snapshot.files)
            run.input_hash = snapshot_hash(snapshot.files)
            run.solver_version = SOLVER_VERSION
            session.add(run)
            session.commit()
        case: Case = snapshot.case()  # what reading the stored files gives (test_snapshot.py)

        values: dict[str, Any] = {}
        with ProgressWriter(engine, run_id) as progress:
            try:
                result = solver(case, progress=progress)
            except CaseError as exc:
                issues = unhonourable_pins(exc)
                if issues is None:
                    raise
                snapshot = _set_aside(engine, week, case, snapshot, issues)
                # The run solved, and keeps, the snapshot without them.
                values.update(input_snapshot=files_json(snapshot.files),
                              input_hash=snapshot_hash(snapshot.files))  # fmt: skip
                result = solver(snapshot.case(), progress=progress)
        rows = proposal_rows(run_id, result)
        values["params"] = {"solver_path": result.summary.get("solver_path")}
        if snapshot.set_aside:
            values["params"]["set_aside"] = list(snapshot.set_aside)
            log.warning("run set decisions aside",
                        extra={"run_id": run_id, "decisions": len(snapshot.set_aside)})  # fmt: skip
        with Session(engine) as session:
            insert_rows(session, Proposal.__table__, rows)  # type: ignore[attr-defined]
            done = session.execute(
                _owned(run_id, WorkStatus.RUNNING.value).values(
                    status=WorkStatus.DONE.value,
                    result_status=result.status.value,
                    objective=dict(result.summary.get("objective", {})),
                    timings=dict(result.summary.get("timings_s", {})),
                    progress="done",
                    finished_at=now(),
                    **values,
                )
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()  # the proposals go with it
                raise LeaseLost
            session.commit()
        log.info("run finished", extra={"run_id": run_id, "housed": len(result.matches)})
    except LeaseLost:
        log.warning("run lease lost; its result is discarded", extra={"run_id": run_id})
    except Exception as exc:  # the run fails as a whole; the database keeps no partial result
        log.exception("run failed", extra={"run_id": run_id})
        with Session(engine) as session:
            active = _owned(run_id, *ACTIVE)
            session.execute(
                active.values(
                    status=WorkStatus.FAILED.value,
                    finished_at=now(),
                    error=f"{type(exc).__name__}: {exc}"[:500],
                )
            )
            session.commit()
    finally:
        leases.release("run", run_id)


# The engine's refusals of a pin (solver.engine.decisions.apply_decisions): the pair is no
# longer eligible, or its team or quota group has no room left for it.
UNHONOURABLE = frozenset({"pin_not_eligible", "pin_team_full", "pin_group_full"})


def unhonourable_pins(exc: CaseError) -> list[CaseIssue] | None:
    """The issues of ``exc`` when each is a pin of the snapshot's decisions.csv that the week can
    no longer honour, else None (the run fails on any other issue)."""
    issues = list(exc.issues)
    pins = [i for i in issues if i.file == "decisions.csv" and i.code in UNHONOURABLE]
    if not issues or len(pins) != len(issues) or any(i.row is None for i in pins):
        return None
    return pins


def _set_aside(
    engine: Engine, week: str, case: Case, snapshot: Snapshot, issues: list[CaseIssue]
) -> Snapshot:
    """Set aside the pins the week can no longer honour, so the run solves the rest of the week
    instead of failing until the allocator revokes them.

    A pin is checked when it is made (``usecases.decisions``), but it holds nothing: a later
    offer (an override, say) can take the last claim of its quota group or the last slot of its
    team, an import can lower what a group allows, an edit can make the youth no longer fit the
    dwelling. The run then solves the snapshot without those pins' rows (which it stores
    instead) and records each pin's decision with the engine's reason; the decision stays in
    force, and the run page says it was set aside and why. The record names no person: the
    decision does (and erasure tombstones it)."""
    by_row = {d.row: d for d in case.decisions}
    with Session(engine) as session:
        pins = {
            (d.youth_ref, d.unit_ref): d.id
            for d in session.exec(
                select(DecisionRecord).where(
                    DecisionRecord.week == week,
                    DecisionRecord.kind == DecisionKind.PIN.value,
                    col(DecisionRecord.revoked_at).is_(None),
                )
            ).all()
        }
    record = []
    for issue in issues:
        pin = by_row[issue.row]
        decision = pins.get((pin.youth_ref, pin.unit_ref))  # None: revoked since the snapshot
        record.append({"decision": decision, "code": issue.code, "params": dict(issue.params)})
    rest = snapshot.without("decisions.csv", {i.row for i in issues if i.row})
    return replace(rest, set_aside=(*rest.set_aside, *record))


def set_aside(run: Run, lang: str) -> list[tuple[int | None, str, str]]:
    """The decisions ``run`` set aside: (decision id, code, why in ``lang``), for the API and
    the run page."""
    return [(p["decision"], p["code"], text(f"case.{p['code']}", lang, **p["params"]))
            for p in (run.params or {}).get("set_aside", [])]  # fmt: skip


FINISHED = (WorkStatus.DONE.value, WorkStatus.FAILED.value)
POLL_S = 0.05


def wait_finished(
    engine: Engine, run_id: int, timeout: float, future: Future[None] | None = None
) -> None:
    """Return once the run has finished (done or failed) or after ``timeout`` seconds: on
    ``future`` when this process solves it, else by reading its status every ``POLL_S``. What
    ``POST /runs`` with ``wait`` and the page that starts a run do, so a week that solves in a
    moment opens finished (no round of polling: issue 15)."""
    if timeout <= 0:
        return
    if future is not None:
        futures.wait([future], timeout=timeout)
        return
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            status = session.exec(select(Run.status).where(Run.id == run_id)).first()
        if status is None or status in FINISHED or time.monotonic() >= deadline:
            return
        time.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))


def proposal_rows(run_id: int, result: WeekResult) -> list[dict[str, Any]]:
    """A run's proposals as rows, in order: the matches (a pinned pair says so, with the
    allocator's reason), then the youths not housed with their reasons. Written with one
    multi-row INSERT (no ORM object per row); ids follow this order."""
    rows: list[dict[str, Any]] = [
        {
            "run_id": run_id,
            "youth_ref": m.youth_ref,
            "dwelling_ref": m.unit_ref,
            "cost": m.cost,
            "fit": m.fit,
            "reason": "pin" if m.pinned else None,
            "reason_params": None,
            "detail": m.pinned,
            "outranked_by": 0,
        }
        for m in result.matches
    ]
    details: dict[str, str] = {}  # a city's week has ~50 distinct reasons among ~800 youths
    for u in result.unmatched:
        key = f"{u.reason} {sorted(u.params.items())!r}"
        detail = details.get(key)
        if detail is None:
            detail = details[key] = u.detail()
        rows.append(
            {
                "run_id": run_id,
                "youth_ref": u.youth_ref,
                "dwelling_ref": None,
                "cost": None,
                "fit": {},
                "reason": u.reason,
                "reason_params": u.params,
                "detail": detail,
                "outranked_by": u.outranked_by,
            }
        )
    return rows


def is_stale(session: Session, run: Run) -> bool:
    """Whether the data changed since ``run`` solved it (a run not yet snapshotted is not)."""
    if run.data_version is None:
        return run.status == WorkStatus.DONE.value  # done before runs recorded their version
    return run.data_version != data_version(session)


def stale_runs(session: Session, runs: list[Run]) -> set[int]:
    """The ids of the stale ones among ``runs`` (one read of the version)."""
    current = data_version(session)
    return {
        r.id
        for r in runs
        if r.id is not None
        and (
            (r.data_version is None and r.status == WorkStatus.DONE.value)
            or (r.data_version is not None and r.data_version != current)
        )
    }


def get_run(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError("Run not found")
    return run


def read_proposals(session: Session, run_id: int, actor: str) -> list[Proposal]:
    """A run's proposals in order (matches and youths not housed), audited as a read of
    personal data and committed."""
    return proposal_slice(session, run_id, actor)[0]


def proposal_slice(
    session: Session, run_id: int, actor: str, limit: int | None = None, offset: int = 0
) -> tuple[list[Proposal], int]:
    """A run's proposals in order from ``offset`` (at most ``limit``; all without one) and how
    many the run has; audited as a read of personal data and committed."""
    get_run(session, run_id)
    total = session.exec(
        select(func.count()).select_from(Proposal).where(Proposal.run_id == run_id)
    ).one()
    query = select(Proposal).where(Proposal.run_id == run_id).order_by(col(Proposal.id))
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.exec(query).all())
    audit(session, actor, "read.proposals", "run", str(run_id))
    session.commit()
    return rows, int(total)


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
    # The youth's status now when this run did not have them (an offer, a home or a withdrawal
    # since the earlier run took them out of the pool; "waiting": a decline's pause).
    status: str | None = None


def previous_run(session: Session, run: Run) -> Run | None:
    """The week's run of the generation before this one that finished."""
    query = select(Run).where(
        Run.week == run.week,
        col(Run.generation) < run.generation,
        Run.status == WorkStatus.DONE.value,
    )
    return session.exec(query.order_by(col(Run.generation).desc()).limit(1)).first()


def diff(session: Session, run: Run, earlier: Run) -> list[Change]:
    """Who is in, who is out and who moved between ``earlier`` and ``run`` (why: each line's
    reason), in this run's order."""

    def lines(r: Run) -> dict[str, Proposal]:
        rows = session.exec(select(Proposal).where(Proposal.run_id == r.id)).all()
        return {p.youth_ref: p for p in rows}

    now_, before = lines(run), lines(earlier)
    gone = [ref for ref, p in before.items() if p.dwelling_ref is not None and ref not in now_]
    query = select(YouthRecord.ref, YouthRecord.status).where(col(YouthRecord.ref).in_(gone))
    status = dict(session.exec(query).all()) if gone else {}
    out = []
    for ref in sorted(set(now_) | set(before)):
        a, b = before.get(ref), now_.get(ref)
        housed_a = a is not None and a.dwelling_ref is not None
        housed_b = b is not None and b.dwelling_ref is not None
        if housed_b and not housed_a:
            out.append(Change(ref, "in", a, b))
        elif housed_a and not housed_b:
            out.append(Change(ref, "out", a, b, status.get(ref) if b is None else None))
        elif housed_a and a is not None and b is not None and a.dwelling_ref != b.dwelling_ref:
            out.append(Change(ref, "moved", a, b))
    order = {"out": 0, "in": 1, "moved": 2}
    return sorted(out, key=lambda c: (order[c.kind], c.youth_ref))
