"""Claims the municipality made outside Boligmatch, recorded by hand.

The allocation office also claims dwellings by phone or letter, for households Boligmatch never
sees. Each such claim uses the § 59 quota as a signed offer does (almenboligloven § 59 stk. 3
[003:463]; ``../shared/case-format.md``, quotas.csv: remaining = ⌊rate × vacancies⌋ − claimed −
the municipality's own claims not yet in ``claimed``), but the organisation's report counts it
only from its next count on. Until then the ledger must know it, or every page and every run
would see a claim left that is not there.

Decisions (the issue was silent):

- A claim belongs to a quota group with a report (``QuotaRecord``); a group with no report has
  no limit, and a claim there would count nowhere, so it is refused (usually a typing error).
- It is dated on or before today (Copenhagen) and not before the report's ``as_of``: the
  report counts every claim up to that day already.
- It must fit: claimed + held by open offers + 1 ≤ allowed, checked under the ledger's lock as
  an offer is (``ledger.check``, step ``claim``), so the office learns *before* it claims that
  the quota is used up, and no open offer loses its hold.
- The same dwelling claimed twice on one day is refused (a double entry).
- When the reference names a dwelling of the latest imported week in the same organisation,
  its type and department must be the week's, and the claim takes it out of the week: a vacant
  dwelling becomes let (no run proposes it again); one that is offered or let through Boligmatch
  is refused (its offer holds or made its claim).
- A claim recorded by mistake is withdrawn, not deleted: the row stays with who withdrew it and
  when, and counts nowhere. A signed offer's claim cannot be withdrawn here (it follows its
  offer). Withdrawing returns a dwelling the claim took out of its week to vacant.
- Recording or withdrawing changes what a run solves: the data version moves on, and runs of
  the former data are stale (``usecases.data.bump_pool_version``).

Claims hold no personal data (dwelling, department, organisation, the office's note); they are
aggregates for allocators and planners. Both steps are audited in their own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from solver.caseio.weeks import week_of

from ..models import (
    ClaimKind,
    ClaimRecord,
    DwellingRecord,
    DwellingStatus,
    Offer,
    OfferState,
    QuotaRecord,
    WeekPolicy,
    local_today,
    now,
)
from . import ledger
from .audit import audit
from .data import bump_pool_version, stored_policy
from .errors import ConflictError, InvalidRequest, NotFoundError, Problem
from .texts import free_text_problems

MAX_REF, MAX_NOTE = 64, 500


@dataclass(frozen=True)
class ClaimInput:
    """A claim as the office states it (the API's body, the page's form)."""

    organisation: str
    dwelling_type: str
    department: str
    dwelling_ref: str
    claimed_on: date
    note: str = ""


def _latest_week(session: Session) -> WeekPolicy | None:
    return session.exec(select(WeekPolicy).order_by(col(WeekPolicy.week).desc()).limit(1)).first()


def _dwelling(
    session: Session, week: str, ref: str, organisation: str | None = None
) -> DwellingRecord | None:
    """The dwelling ``ref`` in ``week`` (of ``organisation``, when given), if Boligmatch has it.
    A week's dwelling references are unique across organisations (case-format.md, units.csv)."""
    query = select(DwellingRecord).where(
        col(DwellingRecord.week) == week, col(DwellingRecord.ref) == ref
    )
    if organisation is not None:
        query = query.where(col(DwellingRecord.organisation) == organisation)
    return session.exec(query).first()


def _problems(session: Session, claim: ClaimInput) -> tuple[list[Problem], QuotaRecord | None]:
    """What is wrong with the values themselves (422), field by field; and the claim's group."""
    problems = []
    for field in ("organisation", "dwelling_type", "department", "dwelling_ref"):
        value = getattr(claim, field)
        if not value.strip():
            problems.append(Problem(field, "claim_blank"))
        elif len(value) > MAX_REF:
            problems.append(Problem(field, "claim_too_long", {"limit": MAX_REF}))
    if len(claim.note) > MAX_NOTE:
        problems.append(Problem("note", "claim_too_long", {"limit": MAX_NOTE}))
    problems += free_text_problems(note=claim.note)
    report = session.get(QuotaRecord, (claim.organisation, claim.dwelling_type))
    if report is None and claim.organisation.strip() and claim.dwelling_type.strip():
        group = f"{claim.organisation}/{claim.dwelling_type}"
        problems.append(Problem("organisation", "claim_no_group", {"group": [group]}))
    today = local_today()
    if claim.claimed_on > today:
        problems.append(Problem("claimed_on", "claim_future", {"today": today}))
    elif report is not None and report.as_of is not None and claim.claimed_on < report.as_of:
        problems.append(Problem("claimed_on", "claim_before_report", {"as_of": report.as_of}))
    return problems, report


def record_claim(session: Session, actor: str, claim: ClaimInput) -> ClaimRecord:
    """Record a municipality claim made outside Boligmatch (the caller commits). 422 for wrong
    values, 409 when the quota has no claim left, the dwelling is Boligmatch's own offer or let,
    or the same claim is on record."""
    claim = ClaimInput(claim.organisation.strip(), claim.dwelling_type.strip(),
                       claim.department.strip(), claim.dwelling_ref.strip(), claim.claimed_on,
                       claim.note.strip())  # fmt: skip
    problems, _ = _problems(session, claim)
    if problems:
        raise InvalidRequest(problems)
    week = _latest_week(session)
    assert week is not None  # a quota report exists only once a week is imported
    # The group's lock first: every later read sees the rows as the last writer left them.
    ledger.lock(session, [(claim.organisation, claim.dwelling_type)])
    twin = session.exec(
        select(func.count())
        .select_from(ClaimRecord)
        .where(
            col(ClaimRecord.organisation) == claim.organisation,
            col(ClaimRecord.dwelling_ref) == claim.dwelling_ref,
            col(ClaimRecord.claimed_on) == claim.claimed_on,
            col(ClaimRecord.withdrawn_at).is_(None),
        )
    ).one()
    if twin:
        params = {"ref": claim.dwelling_ref, "on": claim.claimed_on}
        raise ConflictError(problem=Problem("dwelling_ref", "claim_duplicate", params))
    # The week's own record of the dwelling, whichever organisation it names, must agree with
    # the claim: a dwelling Boligmatch let is not claimed again under another group.
    dwelling = _dwelling(session, week.week, claim.dwelling_ref)
    if dwelling is not None:
        stated = {"organisation": (claim.organisation, dwelling.organisation),
                  "dwelling_type": (claim.dwelling_type, dwelling.dwelling_type),
                  "department": (claim.department, dwelling.department)}  # fmt: skip
        wrong = [Problem(field, "claim_type_not_as_in_week" if field == "dwelling_type"
                         else "claim_not_as_in_week",
                         {"ref": claim.dwelling_ref, "week": week.week, "value": value})
                 for field, (given, value) in stated.items() if given != value]  # fmt: skip
        if wrong:
            raise InvalidRequest(wrong)
    if dwelling is not None and dwelling.status in (
        DwellingStatus.OFFERED.value,
        DwellingStatus.LET.value,
    ):
        params = {"ref": claim.dwelling_ref, "week": week.week}
        raise ConflictError(problem=Problem("dwelling_ref", "claim_dwelling_taken", params))
    ledger.check(session, stored_policy(week), "claim", claim.organisation, claim.dwelling_type,
                 None)  # fmt: skip
    if dwelling is not None and dwelling.status == DwellingStatus.VACANT.value:
        dwelling.status = DwellingStatus.LET.value
        session.add(dwelling)
    record = ClaimRecord(
        organisation=claim.organisation,
        dwelling_type=claim.dwelling_type,
        department=claim.department,
        dwelling_ref=claim.dwelling_ref,
        week=dwelling.week if dwelling is not None else week_of(claim.claimed_on),
        claimed_on=claim.claimed_on,
        kind=ClaimKind.MUNICIPALITY.value,
        created_by=actor,
        note=claim.note or None,
    )
    session.add(record)
    session.flush()
    audit(session, actor, "claim.record", "claim", str(record.id),
          f"{claim.organisation}/{claim.dwelling_type}")  # fmt: skip
    bump_pool_version(session, "claim.record", week.week)  # the queue reads the claims left
    return record


def withdraw_claim(session: Session, actor: str, claim_id: int) -> ClaimRecord:
    """Withdraw a municipality claim recorded by mistake (the caller commits): it counts
    nowhere from now on. 404 for no such claim; 409 for a signed offer's claim or one already
    withdrawn."""
    record = session.get(ClaimRecord, claim_id)
    if record is None:
        raise NotFoundError(f"No claim {claim_id}.")
    if record.kind != ClaimKind.MUNICIPALITY.value:
        raise ConflictError(problem=Problem("claim", "claim_of_offer", {"id": claim_id}))
    # The group's lock (its counts change), then the withdrawal only if no one else made it
    # meanwhile: two withdrawals at once give one 200 and one 409.
    ledger.lock(session, [(record.organisation, record.dwelling_type)])
    withdrawn = session.execute(
        update(ClaimRecord)
        .where(col(ClaimRecord.id) == claim_id, col(ClaimRecord.withdrawn_at).is_(None))
        .values(withdrawn_at=now(), withdrawn_by=actor)
        .execution_options(synchronize_session=False)
    )
    if not withdrawn.rowcount:  # type: ignore[attr-defined]
        raise ConflictError(problem=Problem("claim", "claim_withdrawn", {"id": claim_id}))
    session.refresh(record)
    dwelling = _dwelling(session, record.week, record.dwelling_ref, record.organisation)
    if dwelling is not None and dwelling.status == DwellingStatus.LET.value:
        signed = session.exec(
            select(func.count())
            .select_from(Offer)
            .where(
                col(Offer.week) == dwelling.week,
                col(Offer.dwelling_ref) == dwelling.ref,
                col(Offer.state).in_((OfferState.SIGNED.value, OfferState.MOVED_IN.value)),
            )
        ).one()
        if not signed:  # the claim took it out of its week: it is vacant again
            dwelling.status = DwellingStatus.VACANT.value
            session.add(dwelling)
    audit(session, actor, "claim.withdraw", "claim", str(claim_id),
          f"{record.organisation}/{record.dwelling_type}")  # fmt: skip
    bump_pool_version(session, "claim.withdraw", record.week)  # the queue reads the claims left
    session.flush()
    return record


def list_claims(
    session: Session, kind: str = "", limit: int | None = None, offset: int = 0
) -> tuple[list[ClaimRecord], int]:
    """Claims newest first (by date, then as recorded), all or of one ``kind``, withdrawn ones
    included (they say so); a page of them and how many there are."""
    where = [col(ClaimRecord.kind) == kind] if kind else []
    total = session.exec(select(func.count()).select_from(ClaimRecord).where(*where)).one()
    query = (
        select(ClaimRecord)
        .where(*where)
        .order_by(col(ClaimRecord.claimed_on).desc(), col(ClaimRecord.id).desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all()), int(total)
