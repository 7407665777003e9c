"""Offers: proposal → offered → accepted / declined / expired → signed → moved in.

An open offer holds its § 59 claim and its CTI/ACT team slot (``usecases.ledger``); signing
turns the hold into a claim row, adds the youth to the CTI/ACT team's caseload (CTI starts when
a home is allocated [003:254, 299]) and takes both out of the pool. A decline or expiry returns
the dwelling to the next run, frees the hold and keeps the youth's priority (a configurable
pause may apply). Every transition is audited; an illegal one is a ConflictError. Offer, accept
and sign check the ledger under its lock in their own transaction (409 naming the group or the
team with the numbers), and every change makes the runs of earlier data stale: an offer from a
stale run is refused (409 naming the newer data). Offers made from a current run keep it
current (the run is bound to its data plus its own offers).

Concurrency: every state change is a compare-and-set in the database (``UPDATE … WHERE state IN
(allowed)``, checked by its row count), the ledger checks run under the ledger's lock, and a
signed offer's claim row is unique per offer, so two simultaneous requests (a double click, a
retry) never both sign an offer, never count a claim twice, never pass the last claim or slot
and never offer one dwelling twice: the loser gets the 409.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col, select

from solver.caseio.issues import CaseError
from solver.domain import Case, DecisionKind, DeclineReason
from solver.engine.build import build_problem
from solver.engine.eligibility import rules_rejecting

from ..models import (
    ClaimKind,
    ClaimRecord,
    DwellingRecord,
    DwellingStatus,
    Offer,
    OfferState,
    OverrideReason,
    PoolVersion,
    Proposal,
    Run,
    TeamRecord,
    WeekPolicy,
    WorkStatus,
    YouthRecord,
    YouthStatus,
    local_today,
    now,
)
from . import ledger
from .audit import audit
from .data import bump_pool_version, data_version, stored_policy, week_snapshot
from .errors import ConflictError, InvalidRequest, NotFoundError, Problem
from .lifecycle import check_consent
from .texts import check_free_text

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
    _refuse_stale(session, run, data_version(session))  # before looking the pair up again
    youth = _youth(session, proposal.youth_ref)
    dwelling = _dwelling(session, run.week, proposal.dwelling_ref)
    _must_be_free(youth, dwelling)
    _check(session, "offer", run.week, youth, dwelling)
    offer = _open(session, youth, dwelling, run.week, actor, expiry_days, proposal_id=proposal_id)
    version = bump_pool_version(session, "offer.create", run.week)
    _refuse_stale(session, run, version - 1)  # a change committed meanwhile: refused after all
    session.execute(
        update(Run)
        .where(col(Run.id) == run.id)
        .values(data_version=version)
        .execution_options(synchronize_session=False)
    )
    # the run as this session holds it says so too: the next offer of a batch (same
    # transaction) reads the run from the session and must see it current
    set_committed_value(run, "data_version", version)
    audit(session, actor, "offer.create", "offer", str(offer.id), f"proposal {proposal_id}")
    return offer


def _refuse_stale(session: Session, run: Run, version: int) -> None:
    """ConflictError naming the newer data when ``run`` did not solve data version ``version``
    (its own offers included)."""
    if run.data_version is None or run.data_version != version:
        latest = session.get(PoolVersion, 1)
        params = {"run": run.id, "week": run.week, "version": run.data_version or 0,
                  "current": version, "change": latest.change if latest else ""}  # fmt: skip
        raise ConflictError(problem=Problem("proposal_id", "run_stale", params))


def _check(
    session: Session, step: str, week: str, youth: YouthRecord, dwelling: DwellingRecord,
    *, own_hold: bool = False, own_accepted: bool = False,
) -> None:  # fmt: skip
    """The ledger's check of ``step`` (``usecases.ledger.check``) under the week's policy."""
    record = session.get(WeekPolicy, week)
    if record is None:
        raise ConflictError(f"Nothing is imported for week {week}.")
    ledger.check(session, stored_policy(record), step, dwelling.organisation,
                 dwelling.dwelling_type, youth.support_team, own_hold=own_hold,
                 own_accepted=own_accepted)  # fmt: skip


def _must_be_free(youth: YouthRecord, dwelling: DwellingRecord) -> None:
    """A youth already offered or housed, a dwelling already offered or let: said as such (before
    the ledger, which would otherwise name the pair's own hold as a full quota)."""
    if youth.status != YouthStatus.WAITING.value:
        raise ConflictError(f"The youth is {youth.status}, not waiting.")
    if dwelling.status != DwellingStatus.VACANT.value:
        raise ConflictError(f"The dwelling is {dwelling.status}, not vacant.")


def _open(
    session: Session,
    youth: YouthRecord,
    dwelling: DwellingRecord,
    week: str,
    actor: str,
    expiry_days: int,
    **fields: Any,
) -> Offer:
    """Offer ``dwelling`` to ``youth``: both must still be waiting and vacant (compare-and-set,
    so two requests never offer either twice)."""
    _must_be_free(youth, dwelling)
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
        youth_ref=youth.ref,
        dwelling_ref=dwelling.ref,
        week=week,
        expires_on=local_today() + timedelta(days=expiry_days),
        created_by=actor,
        **fields,
    )
    session.add(offer)
    session.flush()
    return offer


def make_override(
    session: Session,
    week: str,
    youth_ref: str,
    dwelling_ref: str,
    reason: OverrideReason,
    text: str,
    dispensations: list[str],
    actor: str,
    expiry_days: int,
) -> Offer:
    """Offer a dwelling the week's run did not propose to this youth: the allocation office's
    own decision (domain.md §5a), with a coded reason and a text.

    The hard rules still hold, but a rule the policy lists as waivable may be dispensed with,
    explicitly (``dispensations``), and the dispensation is audited; the quota and the team's
    capacity are never waived (open offers count as taken, as in the case format).
    """
    check_free_text(text=text)
    text = text.strip()
    if not text:
        raise InvalidRequest([Problem("text", "override_text")])
    youth = _youth(session, youth_ref)
    dwelling = _dwelling(session, week, dwelling_ref)
    case = week_snapshot(session, week).case()
    i = next((k for k, y in enumerate(case.youths) if y.ref == youth_ref), None)
    j = next((k for k, u in enumerate(case.units) if u.ref == dwelling_ref), None)
    if i is None or j is None:  # not waiting (or paused) / not vacant: the states say which
        _open(session, youth, dwelling, week, actor, expiry_days)  # raises ConflictError
        raise ConflictError("The youth or the dwelling is not in this week's run.")
    problems = []
    for rule in rules_rejecting(case, i, j):
        if rule not in case.policy.waivable:
            problems.append(Problem("dispensations", "override_rule_fixed", {"rule": rule}))
        elif rule not in dispensations:
            problems.append(Problem("dispensations", "override_rule_holds", {"rule": rule}))
    if youth.support_method == "ICM" and not youth.support_team:
        problems.append(Problem("youth_ref", "override_rule_fixed",
                                {"rule": "support_not_in_place"}))  # fmt: skip
    if problems:
        raise InvalidRequest(problems)
    _check(session, "offer", week, youth, dwelling)  # the ledger, as for every offer
    _refuse_pinned_elsewhere(case, youth_ref, dwelling_ref)
    granted = [r for r in dispensations if r in rules_rejecting(case, i, j)]
    offer = _open(session, youth, dwelling, week, actor, expiry_days, override_reason=reason.value,
                  override_text=text, dispensations=granted)  # fmt: skip
    _refuse_breaking_pins(session, week, case)
    bump_pool_version(session, "offer.override", week)
    detail = f"{reason.value}; dispensations: {', '.join(granted) or 'none'}"
    audit(session, actor, "offer.override", "offer", str(offer.id), detail)
    return offer


# An override is the office's own decision, and so is a pin (usecases.decisions): an override
# that would defeat a pin in force is refused, naming it, instead of the next run setting the pin
# aside (usecases.runs) after the fact. Revoking the pin first keeps both acts in the audit log.
# A proposal of a current run never defeats a pin: the run honoured every pin it kept.
def _refuse_pinned_elsewhere(case: Case, youth_ref: str, dwelling_ref: str) -> None:
    """ConflictError when a pin in force (``case``'s decisions: those that stand and apply)
    gives the youth another dwelling or the dwelling another youth."""
    for d in case.decisions:
        if d.kind is not DecisionKind.PIN or (d.youth_ref, d.unit_ref) == (youth_ref, dwelling_ref):
            continue
        params = {"youth": d.youth_ref, "unit": d.unit_ref}
        if d.youth_ref == youth_ref:
            raise ConflictError(problem=Problem("youth_ref", "override_youth_pinned", params))
        if d.unit_ref == dwelling_ref:
            raise ConflictError(problem=Problem("dwelling_ref", "override_unit_pinned", params))


def _pins_without_room(case: Case) -> dict[tuple[str | None, str | None, str], dict[str, Any]]:
    """The pins of ``case`` that lack the quota claim or team slot they need (the engine's
    check), by (youth, dwelling, code), each with the issue's parameters."""
    try:
        build_problem(case)
    except CaseError as exc:
        by_row = {d.row: d for d in case.decisions}
        return {
            (pin.youth_ref, pin.unit_ref, issue.code): dict(issue.params)
            for issue in exc.issues
            if issue.file == "decisions.csv"
            and issue.code in ("pin_team_full", "pin_group_full")
            and (pin := by_row.get(issue.row)) is not None
        }
    return {}


def _refuse_breaking_pins(session: Session, week: str, before: Case) -> None:
    """ConflictError when, with the new offer's hold counted, a pin in force no longer has the
    quota claim or the team slot it needs and had it ``before`` the offer. A pin that lacked it
    already (an import lowered a group, say) is the run's to set aside, not this offer's fault."""
    had = _pins_without_room(before)
    for (youth, unit, code), params in _pins_without_room(
        week_snapshot(session, week).case()
    ).items():
        if (youth, unit, code) in had:
            continue
        kind = "override_takes_pin_slot" if code == "pin_team_full" else "override_takes_pin_claim"
        raise ConflictError(problem=Problem("dwelling_ref", kind,
                                            {"youth": youth, "unit": unit, **params}))  # fmt: skip


def deposits(session: Session, offers: list[Offer]) -> dict[int, tuple[int | None, bool]]:
    """Each offer's dwelling deposit and whether the deposit loan note applies."""
    out: dict[int, tuple[int | None, bool]] = {}
    for offer in offers:
        youth = session.exec(select(YouthRecord).where(YouthRecord.ref == offer.youth_ref)).first()
        dwelling = session.exec(
            select(DwellingRecord).where(
                DwellingRecord.week == offer.week, DwellingRecord.ref == offer.dwelling_ref
            )
        ).first()
        if offer.id is not None and youth is not None and dwelling is not None:
            out[offer.id] = (dwelling.deposit, deposit_note(youth, dwelling))
    return out


def deposit_note(youth: YouthRecord, dwelling: DwellingRecord) -> bool:
    """Whether the municipality's deposit loan (boligindskudslån) may be needed: a deposit for a
    youth on cash benefit or without income, or one above a month's income (a cash benefit of
    5,753 kr against a deposit of 4,860–7,890 kr [004:4341-4343])."""
    deposit = dwelling.deposit or 0
    if deposit <= 0:
        return False
    if youth.income_type in ("cash_benefit", "none"):
        return True
    return youth.monthly_income is None or deposit > youth.monthly_income


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
    check_free_text(text=text)
    youth = _youth(session, offer.youth_ref)
    dwelling = _dwelling(session, offer.week, offer.dwelling_ref)
    if action == "sign":
        check_consent(session, offer)  # a minor's guardian consents first (409)
    if action in ("accept", "sign"):
        _check(session, action, offer.week, youth, dwelling, own_hold=True,
               own_accepted=offer.state == OfferState.ACCEPTED.value)  # fmt: skip
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
            youth.paused_until = local_today() + timedelta(weeks=pause_weeks)
        dwelling.status = DwellingStatus.VACANT.value
    elif action == "sign":
        youth.status = YouthStatus.HOUSED.value
        dwelling.status = DwellingStatus.LET.value
        proposal = session.get(Proposal, offer.proposal_id) if offer.proposal_id else None
        session.add(ClaimRecord(organisation=dwelling.organisation,
                                dwelling_type=dwelling.dwelling_type,
                                department=dwelling.department, dwelling_ref=dwelling.ref,
                                week=offer.week, offer_id=offer.id,
                                run_id=proposal.run_id if proposal else None,
                                claimed_on=local_today(),
                                kind=ClaimKind.SIGNED_OFFER.value))  # fmt: skip
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
    # An accept or a move-in changes nothing a run solves (the hold stays, the youth and the
    # dwelling were out of the pool already): the week's run stays current.
    stales = action not in ("accept", "move_in")
    bump_pool_version(session, f"offer.{action}", offer.week, runs=stales)
    why = reason.value if reason else ""  # the code: the free text may be personal (security.md)
    audit(session, actor, f"offer.{action}", "offer", str(offer.id), why)
    return offer


def expire_due(session: Session, actor: str, today: date | None = None) -> int:
    """Expire every offer past its date; returns how many."""
    today = today or local_today()
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
    offset: int = 0,
) -> tuple[list[Offer], int]:
    """Offers in the order they were made (or newest first), optionally in one state, from
    ``offset`` (at most ``limit``; all without one), and how many there are in all; audited as
    a read and committed."""
    order = col(Offer.id).desc() if newest_first else col(Offer.id)
    query = select(Offer).order_by(order)
    count = select(func.count()).select_from(Offer)
    if state:
        query = query.where(Offer.state == state)
        count = count.where(Offer.state == state)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.exec(query).all())
    total = int(session.exec(count).one())
    audit(session, actor, "read.offers", "offer", state or "*")
    session.commit()
    return rows, total
