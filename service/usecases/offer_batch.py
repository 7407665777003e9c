"""Batch offers: several proposals of one run become offers in one step, all or none.

Each selected proposal goes through the single offer's use case (``offers.make_offer``), so its
checks (the youth still waiting, the dwelling still vacant, the run finished, and whatever the
offer workflow holds an offer to) apply to a batch exactly as to one offer. The batch is one
transaction: when any proposal fails, nothing is made and :class:`BatchRefused` names every
proposal that cannot be offered and why.

Finding *every* failing proposal, not only the first, without savepoints (the SQLite driver's
are unreliable): after a failure the transaction is rolled back, the failing proposal is set
aside and the rest are tried again from the start, so a failure that only arises because of an
earlier proposal of the same batch (the last claim of a quota) is found in the same request.
At most one pass per failing proposal; the session must hold no pending changes of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from ..models import (
    DwellingRecord,
    DwellingStatus,
    Offer,
    Proposal,
    Run,
    WorkStatus,
    YouthRecord,
    YouthStatus,
    local_today,
)
from .errors import ConflictError, InvalidRequest, NotFoundError, Problem
from .offers import make_offer

MAX_BATCH = 500  # proposals in one batch (a run proposes at most one per vacancy)
MAX_EXPIRY_DAYS = 60  # the latest answer date a batch may give, in days from today


@dataclass(frozen=True)
class BatchFailure:
    """One selected proposal that cannot become an offer, and why (a ``batch.CODE`` or
    ``request.CODE`` catalogue message with its parameters; the page names the pair)."""

    proposal_id: int
    youth_ref: str
    dwelling_ref: str
    problem: Problem

    def text(self, lang: str = "en") -> str:
        return self.problem.text(lang)


class BatchRefused(ConflictError):
    """No offer was made: ``failures`` says which proposals failed and why."""

    def __init__(self, failures: list[BatchFailure]) -> None:
        self.failures = failures
        super().__init__("; ".join(f"proposal {f.proposal_id}: {f.text()}" for f in failures))


def expiry_bounds(today: date) -> tuple[date, date]:
    """The earliest and the latest answer date a batch may give."""
    return today + timedelta(days=1), today + timedelta(days=MAX_EXPIRY_DAYS)


def make_offers(
    session: Session,
    run_id: int,
    proposal_ids: list[int],
    actor: str,
    expires_on: date,
    today: date | None = None,
) -> list[Offer]:
    """Offer every proposal in ``proposal_ids`` (of run ``run_id``) with the answer date
    ``expires_on``, in the order given; the caller commits. InvalidRequest for an empty or
    too large selection or an answer date out of range; :class:`BatchRefused` (nothing made)
    when any proposal cannot be offered."""
    today = today or local_today()
    ids = list(dict.fromkeys(proposal_ids))
    first, last = expiry_bounds(today)
    problems = []
    if not ids:
        problems.append(Problem("proposal_id", "batch_empty"))
    elif len(ids) > MAX_BATCH:
        problems.append(Problem("proposal_id", "batch_too_many", {"max": MAX_BATCH}))
    if not first <= expires_on <= last:
        problems.append(Problem("expires_on", "batch_expiry", {"first": first, "last": last}))
    if problems:
        raise InvalidRequest(problems)
    days = (expires_on - today).days
    failures: list[BatchFailure] = []
    remaining = ids
    while True:
        made: list[Offer] = []
        failed = None
        for proposal_id in remaining:
            try:
                made.append(_one(session, run_id, proposal_id, actor, days))
            except (ConflictError, NotFoundError) as exc:
                session.rollback()
                failed = proposal_id
                failures.append(_why(session, run_id, proposal_id, exc))
                break
        if failed is None:
            break
        remaining = [i for i in remaining if i != failed]
    if failures:
        session.rollback()
        raise BatchRefused(sorted(failures, key=lambda f: ids.index(f.proposal_id)))
    return made


def _one(session: Session, run_id: int, proposal_id: int, actor: str, days: int) -> Offer:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.run_id != run_id:
        raise NotFoundError("Proposal not found in this run")
    return make_offer(session, proposal_id, actor, days)


def _why(session: Session, run_id: int, proposal_id: int, exc: Exception) -> BatchFailure:
    """Why ``proposal_id`` failed, read from the state the failure left (after the rollback),
    or from the offer use case's own coded problem."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.run_id != run_id:
        problem = Problem("proposal_id", "not_in_run", {"id": proposal_id}, "batch")
        return BatchFailure(proposal_id, "", "", problem)
    youth_ref, dwelling_ref = proposal.youth_ref, proposal.dwelling_ref or ""
    run = session.get(Run, run_id)
    youth = session.exec(select(YouthRecord).where(YouthRecord.ref == youth_ref)).first()
    dwelling = None
    if run is not None and proposal.dwelling_ref:
        dwelling = session.exec(
            select(DwellingRecord).where(
                DwellingRecord.week == run.week, DwellingRecord.ref == proposal.dwelling_ref
            )
        ).first()
    coded = exc.problem if isinstance(exc, ConflictError) else None
    if coded is not None:  # the offer use case said why (a team or a quota is full)
        problem = coded
    elif run is None or run.status != WorkStatus.DONE.value:
        problem = Problem("proposal_id", "run_not_done", {}, "batch")
    elif not proposal.dwelling_ref:
        problem = Problem("proposal_id", "not_a_match", {}, "batch")
    elif youth is None:
        problem = Problem("proposal_id", "youth_gone", {}, "batch")
    elif youth.status != YouthStatus.WAITING.value:
        problem = Problem("proposal_id", "youth_not_waiting", {"status": youth.status}, "batch")
    elif dwelling is None or dwelling.status != DwellingStatus.VACANT.value:
        problem = Problem("proposal_id", "dwelling_not_vacant", {}, "batch")
    else:
        problem = Problem("proposal_id", "other", {}, "batch")
    return BatchFailure(proposal_id, youth_ref, dwelling_ref, problem)
