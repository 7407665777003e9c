"""Offers: proposal → offered → accepted / declined / expired → signed → moved in.

Signing claims the dwelling against the quota ledger, adds the youth to the CTI/ACT team's
caseload (CTI starts when a home is allocated [003:254, 299]) and takes both out of the pool.
A decline or expiry returns the dwelling to the next run and keeps the youth's priority (a
configurable pause may apply). Every transition is audited; an illegal one is a ConflictError.

Concurrency: every state change is a compare-and-set in the database (``UPDATE … WHERE state IN
(allowed)``, checked by its row count), and the ledger and caseload are incremented in SQL, so two
simultaneous requests (a double click, a retry) never both sign an offer, never count a claim
twice and never offer one dwelling twice: the loser gets the 409.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from solver.domain import DeclineReason

from ..models import (
    DwellingRecord,
    DwellingStatus,
    Offer,
    OfferState,
    Proposal,
    QuotaRecord,
    Run,
    TeamRecord,
    WorkStatus,
    YouthRecord,
    YouthStatus,
    now,
)
from .audit import audit
from .data import bump_pool_version
from .errors import ConflictError, NotFoundError

ACTIVE = (OfferState.OFFERED.value, OfferState.ACCEPTED.value)

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((OfferState.OFFERED.value,), OfferState.ACCEPTED.value),
    "decline": (ACTIVE, OfferState.DECLINED.value),
    "expire": ((OfferState.OFFERED.value,), OfferState.EXPIRED.value),
    "sign": ((OfferState.ACCEPTED.value,), OfferState.SIGNED.value),
    "move_in": ((OfferState.SIGNED.value,), OfferState.MOVED_IN.value),
}


def _youth(session: Session, ref: str) -> YouthRecord:
    y = session.exec(select(YouthRecord).where(YouthRecord.ref == ref)).first()
    if y is None:
        raise NotFoundError("Youth not found")
    return y


def _dwelling(session: Session, week: str, ref: str) -> DwellingRecord:
    d = session.exec(
        select(DwellingRecord).where(DwellingRecord.week == week, DwellingRecord.ref == ref)
    ).first()
    if d is None:
        raise NotFoundError("Dwelling not found")
    return d


def _compare_and_set(
    session: Session, table: type[SQLModel], row_id: int, states: tuple[str, ...], **values: Any
) -> bool:
    """Set ``values`` on row ``row_id`` only while its status/state is one of ``states``; True
    when this transaction made the change (the row is then locked until commit)."""
    column = col(table.state) if table is Offer else col(table.status)  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(col(table.id) == row_id, column.in_(states))  # type: ignore[attr-defined]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def make_offer(session: Session, proposal_id: int, actor: str, expiry_days: int) -> Offer:
    """Turn a proposed match of a finished run into an offer."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFoundError("Proposal not found")
    run = session.get(Run, proposal.run_id)
    assert run is not None
    if run.status != WorkStatus.DONE.value:
        raise ConflictError("The run has not finished.")
    if proposal.dwelling_ref is None:
        raise ConflictError("This proposal houses nobody: the youth was not matched.")
    youth = _youth(session, proposal.youth_ref)
    dwelling = _dwelling(session, run.week, proposal.dwelling_ref)
    if youth.status != YouthStatus.WAITING.value:
        raise ConflictError(f"The youth is {youth.status}, not waiting.")
    if dwelling.status != DwellingStatus.VACANT.value:
        raise ConflictError(f"The dwelling is {dwelling.status}, not vacant.")
    assert youth.id is not None and dwelling.id is not None
    waiting, vacant = (YouthStatus.WAITING.value,), (DwellingStatus.VACANT.value,)
    if not _compare_and_set(session, YouthRecord, youth.id, waiting,
                            status=YouthStatus.OFFERED.value):  # fmt: skip
        raise ConflictError("The youth is no longer waiting.")
    if not _compare_and_set(session, DwellingRecord, dwelling.id, vacant,
                            status=DwellingStatus.OFFERED.value):  # fmt: skip
        raise ConflictError("The dwelling is no longer vacant.")
    session.refresh(youth)
    session.refresh(dwelling)
    offer = Offer(
        proposal_id=proposal_id,
        youth_ref=youth.ref,
        dwelling_ref=dwelling.ref,
        week=run.week,
        expires_on=date.today() + timedelta(days=expiry_days),
    )
    session.add(offer)
    session.flush()
    bump_pool_version(session)
    audit(session, actor, "offer.create", "offer", str(offer.id), f"proposal {proposal_id}")
    return offer


def transition(
    session: Session,
    offer_id: int,
    action: str,
    actor: str,
    reason: DeclineReason | None = None,
    text: str | None = None,
    pause_weeks: int = 0,
) -> Offer:
    """Apply ``action`` to an offer, with its effects on youth, dwelling, ledger and team."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFoundError("Offer not found")
    if action not in TRANSITIONS:
        raise ConflictError(f"Unknown action {action!r}.")
    allowed, target = TRANSITIONS[action]
    if offer.state not in allowed:
        raise ConflictError(f"Cannot {action.replace('_', ' ')} an offer that is {offer.state}.")
    if action == "decline" and reason is None:
        raise ConflictError("A decline needs a reason.")
    youth = _youth(session, offer.youth_ref)
    dwelling = _dwelling(session, offer.week, offer.dwelling_ref)
    changes: dict[str, Any] = {"state": target, "updated_at": now()}
    if action in ("decline", "expire"):
        changes.update(decline_reason=reason.value if reason else None, decline_text=text)
    assert offer.id is not None
    if not _compare_and_set(session, Offer, offer.id, allowed, **changes):
        current = session.exec(select(Offer.state).where(Offer.id == offer.id)).one()
        raise ConflictError(f"Cannot {action.replace('_', ' ')} an offer that is {current}.")
    if action in ("decline", "expire"):
        youth.status = YouthStatus.WAITING.value
        if pause_weeks:
            youth.paused_until = date.today() + timedelta(weeks=pause_weeks)
        dwelling.status = DwellingStatus.VACANT.value
    elif action == "sign":
        youth.status = YouthStatus.HOUSED.value
        dwelling.status = DwellingStatus.LET.value
        session.execute(
            update(QuotaRecord)
            .where(
                col(QuotaRecord.organisation) == dwelling.organisation,
                col(QuotaRecord.dwelling_type) == dwelling.dwelling_type,
            )
            .values(claimed=col(QuotaRecord.claimed) + 1)
            .execution_options(synchronize_session=False)
        )
        if youth.support_team:
            session.execute(
                update(TeamRecord)
                .where(
                    col(TeamRecord.team) == youth.support_team,
                    col(TeamRecord.method).in_(("CTI", "ACT")),
                )
                .values(current_caseload=col(TeamRecord.current_caseload) + 1)
                .execution_options(synchronize_session=False)
            )
    session.add_all([youth, dwelling])
    session.flush()
    session.refresh(offer)
    bump_pool_version(session)
    why = reason.value if reason else ""  # the code: the free text may be personal (security.md)
    audit(session, actor, f"offer.{action}", "offer", str(offer.id), why)
    return offer


def expire_due(session: Session, actor: str, today: date | None = None) -> int:
    """Expire every offer past its date; returns how many."""
    today = today or date.today()
    due = session.exec(
        select(Offer).where(Offer.state == OfferState.OFFERED.value, Offer.expires_on < today)
    ).all()
    expired = 0
    for offer in due:
        assert offer.id is not None
        try:
            transition(session, offer.id, "expire", actor)
            expired += 1
        except ConflictError:  # answered or expired by a concurrent request meanwhile
            continue
    return expired


def list_offers(
    session: Session,
    actor: str,
    state: str = "",
    *,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[Offer]:
    """Offers in the order they were made (or newest first), optionally in one state; audited
    as a read and committed."""
    order = col(Offer.id).desc() if newest_first else col(Offer.id)
    query = select(Offer).order_by(order)
    if state:
        query = query.where(Offer.state == state)
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.exec(query).all())
    audit(session, actor, "read.offers", "offer", state or "*")
    session.commit()
    return rows
