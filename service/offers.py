"""Offers: proposal → offered → accepted / declined / expired → signed → moved in.

Signing claims the dwelling against the quota ledger, adds the youth to the CTI/ACT team's
caseload (CTI starts when a home is allocated [003:254, 299]) and takes both out of the pool.
A decline or expiry returns the dwelling to the next run and keeps the youth's priority (a
configurable pause may apply). Every transition is audited; an illegal one is a ConflictError.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from .audit import audit
from .models import (
    DeclineReason,
    DwellingRecord,
    DwellingStatus,
    Offer,
    OfferState,
    Proposal,
    QuotaRecord,
    Run,
    RunStatus,
    TeamRecord,
    YouthRecord,
    YouthStatus,
    now,
)
from .store import bump_pool_version

ACTIVE = (OfferState.OFFERED.value, OfferState.ACCEPTED.value)

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((OfferState.OFFERED.value,), OfferState.ACCEPTED.value),
    "decline": (ACTIVE, OfferState.DECLINED.value),
    "expire": ((OfferState.OFFERED.value,), OfferState.EXPIRED.value),
    "sign": ((OfferState.ACCEPTED.value,), OfferState.SIGNED.value),
    "move_in": ((OfferState.SIGNED.value,), OfferState.MOVED_IN.value),
}


class ConflictError(Exception):
    """The request does not fit the current state (HTTP 409)."""


class NotFoundError(Exception):
    """No such object (HTTP 404)."""


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


def make_offer(session: Session, proposal_id: int, actor: str, expiry_days: int) -> Offer:
    """Turn a proposed match of a finished run into an offer."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFoundError("Proposal not found")
    run = session.get(Run, proposal.run_id)
    assert run is not None
    if run.status != RunStatus.DONE.value:
        raise ConflictError("The run has not finished.")
    if proposal.dwelling_ref is None:
        raise ConflictError("This proposal houses nobody: the youth was not matched.")
    youth = _youth(session, proposal.youth_ref)
    dwelling = _dwelling(session, run.week, proposal.dwelling_ref)
    if youth.status != YouthStatus.WAITING.value:
        raise ConflictError(f"The youth is {youth.status}, not waiting.")
    if dwelling.status != DwellingStatus.VACANT.value:
        raise ConflictError(f"The dwelling is {dwelling.status}, not vacant.")
    offer = Offer(
        proposal_id=proposal_id,
        youth_ref=youth.ref,
        dwelling_ref=dwelling.ref,
        week=run.week,
        expires_on=date.today() + timedelta(days=expiry_days),
    )
    youth.status = YouthStatus.OFFERED.value
    dwelling.status = DwellingStatus.OFFERED.value
    session.add_all([offer, youth, dwelling])
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
    if action in ("decline", "expire"):
        youth.status = YouthStatus.WAITING.value
        if pause_weeks:
            youth.paused_until = date.today() + timedelta(weeks=pause_weeks)
        dwelling.status = DwellingStatus.VACANT.value
        offer.decline_reason = reason.value if reason else None
        offer.decline_text = text
    elif action == "sign":
        youth.status = YouthStatus.HOUSED.value
        dwelling.status = DwellingStatus.LET.value
        quota = session.get(QuotaRecord, (dwelling.organisation, dwelling.dwelling_type))
        if quota is not None:
            quota.claimed += 1
            session.add(quota)
        team = session.get(TeamRecord, youth.support_team) if youth.support_team else None
        if team is not None and team.method in ("CTI", "ACT"):
            team.current_caseload += 1
            session.add(team)
    offer.state = target
    offer.updated_at = now()
    session.add_all([offer, youth, dwelling])
    bump_pool_version(session)
    why = f"{reason.value}: {text or ''}" if reason else ""
    audit(session, actor, f"offer.{action}", "offer", str(offer.id), why)
    return offer


def expire_due(session: Session, actor: str, today: date | None = None) -> int:
    """Expire every offer past its date; returns how many."""
    today = today or date.today()
    due = session.exec(
        select(Offer).where(Offer.state == OfferState.OFFERED.value, Offer.expires_on < today)
    ).all()
    for offer in due:
        assert offer.id is not None
        transition(session, offer.id, "expire", actor)
    return len(due)
