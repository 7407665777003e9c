"""The case lifecycle (issue 10): register and edit one youth or one vacant dwelling, withdraw a
youth with a coded reason and reopen them, the waiting youths a re-import no longer lists, and
a minor's guardian consent before a contract is signed.

**One validator.** A registered or edited youth or dwelling is checked exactly as an import
checks it: the values are written as a one-row ``youths.csv`` / ``units.csv`` (with the stored
teams as ``support.csv``, so a youth's team is checked against them) and read by
:func:`solver.caseio.read.read_case_files`. Its :class:`~solver.caseio.issues.CaseIssue` s come
back as :class:`~.errors.Problem` s in the ``case`` namespace, each naming its column as the
request's field (the same codes and sentences as an import's).

**Decisions** (docs/service.md, "The case lifecycle"):

- A withdrawn youth (status ``withdrawn``, coded reason, text, when, by whom) is out of the
  pool: runs solve only waiting youths and the queue ranks only waiting ones. Only a waiting or
  an offered youth can be withdrawn (a housed youth has a contract). Their live offers (offered
  or accepted) are withdrawn with them (offer state ``withdrawn``) and the dwellings are vacant
  again, in the same transaction. Reopening makes the youth waiting again; the reason stays in
  the audit.
- A re-import marks the waiting (and offered) youths it no longer lists ``missing_since`` its
  week: they stay in the pool, listed on the import's result and the missing page, until the
  allocator confirms per youth or for all: keep waiting, or withdraw with a reason. A later
  import that lists them again clears the mark.
- A youth under 18 on the day of signing is a minor: signing their offer needs the guardian's
  consent recorded first (who, on which day, recorded by whom and when); without it, 409.
- Every change is audited (never a personal value: the columns changed, the reason code) and
  bumps the data version (``data.bump_pool_version``), so caches and runs see new data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from solver.caseio.issues import CaseError
from solver.caseio.read import read_case_files
from solver.caseio.schema import SUPPORT_COLUMNS, UNIT_COLUMNS, YOUTH_COLUMNS, Column
from solver.caseio.write import csv_text
from solver.domain import Unit, Youth

from ..models import (
    DwellingRecord,
    DwellingStatus,
    Offer,
    OfferState,
    TeamRecord,
    VacancyRecord,
    WeekPolicy,
    WithdrawReason,
    YouthRecord,
    YouthStatus,
    local_today,
    now,
)
from .audit import audit
from .data import _plain, bump_pool_version
from .errors import ConflictError, InvalidRequest, NotFoundError, Problem
from .gdpr import erased_on_request
from .texts import free_text_problems, no_nul

ADULT_AGE = 18
MAX_TEXT = 500
MAX_GUARDIAN = 200
LIVE = (OfferState.OFFERED.value, OfferState.ACCEPTED.value)
ACTIVE_YOUTH = (YouthStatus.WAITING.value, YouthStatus.OFFERED.value)
KEEP = "keep"  # the answer "keep waiting" for a youth missing from an import

YOUTH_FIELDS = tuple(c.name for c in YOUTH_COLUMNS)
UNIT_FIELDS = tuple(c.name for c in UNIT_COLUMNS)


# ----------------------------------------------------------------------------- one validator
def _cells(values: Mapping[str, Any], columns: Sequence[Column], file: str) -> dict[str, Any]:
    no_nul(**values)
    names = [c.name for c in columns]
    unknown = [k for k in values if k not in names]
    if unknown:
        params = {"file": file, "allowed": names}
        raise InvalidRequest([Problem(k, "unknown_field", params) for k in unknown])
    return {name: values.get(name) for name in names}


def _record_values(record: Any, columns: Sequence[Column]) -> dict[str, Any]:
    return {c.name: getattr(record, c.name) for c in columns}


def _read_one(
    session: Session, file: str, row: dict[str, Any] | None, raw: bytes | None = None
) -> Youth | Unit:
    """Read one row (``row``: column -> value, or ``raw``: a whole one-row CSV file in any
    dialect the import reads) as the import reads it; raises InvalidRequest naming each bad
    column."""
    columns = YOUTH_COLUMNS if file == "youths.csv" else UNIT_COLUMNS
    files = {
        "youths.csv": csv_text([c.name for c in YOUTH_COLUMNS], []).encode(),
        "units.csv": csv_text([c.name for c in UNIT_COLUMNS], []).encode(),
    }
    if raw is not None:
        files[file] = raw
    else:
        assert row is not None
        if not any(str(row[c.name] or "").strip() for c in columns):  # a form sent empty
            blank = [Problem(c.name, "required_value", namespace="case") for c in columns
                     if c.required]  # fmt: skip
            raise InvalidRequest(blank)
        cells = [[row[c.name] for c in columns]]
        files[file] = csv_text([c.name for c in columns], cells).encode()
    if file == "youths.csv":
        teams = session.exec(select(TeamRecord).order_by(col(TeamRecord.team))).all()
        if teams:
            header = [c.name for c in SUPPORT_COLUMNS]
            rows = ([getattr(t, c) for c in header] for t in teams)
            files["support.csv"] = csv_text(header, rows).encode()
    try:
        case = read_case_files(files)
    except CaseError as exc:
        problems = [
            Problem(i.column or i.file, i.code, i.params, namespace="case") for i in exc.issues
        ]
        raise InvalidRequest(problems) from None
    found: tuple[Youth, ...] | tuple[Unit, ...] = (
        case.youths if file == "youths.csv" else case.units
    )
    if len(found) != 1:
        raise InvalidRequest([Problem(file, "one_row", {"file": file, "rows": len(found)})])
    today = local_today()
    if isinstance(found[0], Youth) and found[0].referred_on > today:  # a form's typing error
        raise InvalidRequest([Problem("referred_on", "referred_in_future", {"today": today})])
    return found[0]


# ----------------------------------------------------------------------------- youths
def _youth(session: Session, ref: str) -> YouthRecord:
    youth = session.exec(select(YouthRecord).where(YouthRecord.ref == ref)).first()
    if youth is None:
        raise NotFoundError("Youth not found")
    return youth


def register_youth(
    session: Session, actor: str, values: Mapping[str, Any] | None = None, raw: bytes | None = None
) -> YouthRecord:
    """A new waiting youth from the import's columns (``values``: column -> value, or ``raw``:
    a one-row youths.csv); 409 when the reference exists. Audited, committed."""
    row = _cells(values or {}, YOUTH_COLUMNS, "youths.csv") if raw is None else None
    if row is not None:  # said first: no other correction can make the registration right
        _refuse_erased(session, str(row.get("ref") or "").strip())
    youth = _read_one(session, "youths.csv", row, raw)
    assert isinstance(youth, Youth)
    if session.exec(select(YouthRecord.id).where(YouthRecord.ref == youth.ref)).first():
        raise ConflictError(problem=Problem("ref", "youth_exists", {"ref": youth.ref}))
    _refuse_erased(session, youth.ref)  # the reference as the reader reads it (trimmed, a raw row)
    record = YouthRecord(**{k: _plain(v) for k, v in asdict(youth).items()})
    session.add(record)
    session.flush()
    audit(session, actor, "youth.create", "youth", youth.ref)
    bump_pool_version(session, "youth.create")
    session.commit()
    session.refresh(record)
    return record


def _refuse_erased(session: Session, ref: str) -> None:
    """ConflictError when ``ref`` is a youth erased on request (GDPR Art. 17): a registration
    does not undo the erasure (``usecases.gdpr``)."""
    erased = erased_on_request(session, [ref]).get(ref) if ref else None
    if erased is not None:
        params = {"cell": ref, "erased_on": erased.erased_at.date()}
        raise ConflictError(problem=Problem("ref", "ref_erased", params, namespace="case"))


def edit_youth(session: Session, actor: str, ref: str, changes: Mapping[str, Any]) -> YouthRecord:
    """Change some of a youth's columns (``changes``; ``None`` empties an optional one); the
    whole row is checked again as an import checks it. Audited (the columns changed, never
    their values), committed."""
    record = _youth(session, ref)
    if "ref" in changes and changes["ref"] != ref:
        raise InvalidRequest([Problem("ref", "ref_fixed")])
    _cells(changes, YOUTH_COLUMNS, "youths.csv")  # no unknown fields
    merged = {**_record_values(record, YOUTH_COLUMNS), **changes}
    youth = _read_one(session, "youths.csv", merged)
    fields = {k: _plain(v) for k, v in asdict(youth).items()}
    changed = sorted(k for k, v in fields.items() if getattr(record, k) != v)
    for k, v in fields.items():
        setattr(record, k, v)
    record.updated_at = now()
    session.add(record)
    audit(session, actor, "youth.edit", "youth", ref, ", ".join(changed))
    bump_pool_version(session, "youth.edit")
    session.commit()
    session.refresh(record)
    return record


def _check_reason(reason: str, text: str | None) -> str | None:
    no_nul(reason=reason)
    problems = free_text_problems(text=text)
    codes = [r.value for r in WithdrawReason]
    if reason not in codes:
        params = {"cell": reason, "values": codes}
        problems.append(Problem("reason", "not_one_of", params, namespace="case"))
    text = (text or "").strip() or None
    if (reason == WithdrawReason.OTHER.value and text is None) or len(text or "") > MAX_TEXT:
        problems.append(Problem("text", "withdraw_text", {"max": MAX_TEXT}))
    if problems:
        raise InvalidRequest(problems)
    return text


def _withdraw(
    session: Session, actor: str, record: YouthRecord, reason: str, text: str | None
) -> list[Offer]:
    """Withdraw one youth and their live offers, in the caller's transaction."""
    text = _check_reason(reason, text)
    if record.status not in ACTIVE_YOUTH:
        raise ConflictError(problem=Problem("ref", "not_withdrawable", {"status": record.status}))
    from .offers import _compare_and_set

    assert record.id is not None
    if not _compare_and_set(session, YouthRecord, record.id, ACTIVE_YOUTH,
                            status=YouthStatus.WITHDRAWN.value):  # fmt: skip
        session.refresh(record)
        raise ConflictError(problem=Problem("ref", "not_withdrawable", {"status": record.status}))
    session.refresh(record)
    withdrawn = []
    live = session.exec(
        select(Offer).where(Offer.youth_ref == record.ref, col(Offer.state).in_(LIVE))
    ).all()
    for offer in live:
        assert offer.id is not None
        if not _compare_and_set(session, Offer, offer.id, LIVE,
                                state=OfferState.WITHDRAWN.value, updated_at=now()):  # fmt: skip
            continue  # answered by a concurrent request meanwhile
        dwelling = session.exec(
            select(DwellingRecord).where(
                DwellingRecord.week == offer.week, DwellingRecord.ref == offer.dwelling_ref
            )
        ).first()
        if dwelling is not None and dwelling.status == DwellingStatus.OFFERED.value:
            dwelling.status = DwellingStatus.VACANT.value
            session.add(dwelling)
        session.refresh(offer)
        withdrawn.append(offer)
        audit(session, actor, "offer.withdraw", "offer", str(offer.id), "youth.withdraw")
    record.withdrawn_reason = reason
    record.withdrawn_text = text
    record.withdrawn_at = now()
    record.withdrawn_by = actor
    record.missing_since = None
    record.updated_at = now()
    session.add(record)
    session.flush()
    # The code only: the text may be personal (docs/security.md).
    audit(session, actor, "youth.withdraw", "youth", record.ref, reason)
    bump_pool_version(session, "youth.withdraw")
    return withdrawn


def withdraw_youth(
    session: Session, actor: str, ref: str, reason: str, text: str | None = None
) -> tuple[YouthRecord, list[Offer]]:
    """Withdraw (close) a waiting or offered youth with a coded reason (``other`` needs a
    text); their live offers are withdrawn with them. Returns the youth and the offers
    withdrawn. Audited, committed."""
    record = _youth(session, ref)
    offers = _withdraw(session, actor, record, reason, text)
    session.commit()
    session.refresh(record)
    return record, offers


def reopen_youth(session: Session, actor: str, ref: str) -> YouthRecord:
    """A withdrawn youth waits again (their earlier priority: ``referred_on`` is unchanged).
    Audited, committed."""
    record = _youth(session, ref)
    from .offers import _compare_and_set

    assert record.id is not None
    if not _compare_and_set(session, YouthRecord, record.id, (YouthStatus.WITHDRAWN.value,),
                            status=YouthStatus.WAITING.value):  # fmt: skip
        raise ConflictError(problem=Problem("ref", "not_withdrawn", {"status": record.status}))
    session.refresh(record)
    before = record.withdrawn_reason or ""
    record.withdrawn_reason = record.withdrawn_text = None
    record.withdrawn_at = None
    record.withdrawn_by = None
    record.updated_at = now()
    session.add(record)
    audit(session, actor, "youth.reopen", "youth", ref, before)
    bump_pool_version(session, "youth.reopen")
    session.commit()
    session.refresh(record)
    return record


# ----------------------------------------------------------------------------- missing youths
def mark_missing(session: Session, week: str, listed: Iterable[str]) -> list[str]:
    """After an import of ``week`` (in its transaction): the waiting and offered youths it did
    not list are marked missing since ``week``; those it listed are no longer missing. Returns
    the missing youths' references.

    In bulk (issue 15): one read of the youths that are or may become missing (references,
    statuses, marks: no ORM objects), one UPDATE statement executed for the marks that change.
    """
    refs = set(listed)
    youth = YouthRecord.__table__  # type: ignore[attr-defined]
    mark = youth.c.missing_since
    rows = session.execute(
        sa_select(youth.c.id, youth.c.ref, youth.c.status, mark)
        .where(or_(mark.is_not(None), youth.c.status.in_(ACTIVE_YOUTH)))
        .order_by(youth.c.ref)
    )
    missing, changes = [], []
    for id_, ref, status, since in rows:
        if ref in refs:
            if since is not None:
                changes.append({"_id": id_, "new_missing_since": None})
        elif status in ACTIVE_YOUTH:
            if since is None:
                changes.append({"_id": id_, "new_missing_since": week})
            missing.append(ref)
    if changes:
        statement = (
            update(youth)
            .where(youth.c.id == bindparam("_id"))
            .values(missing_since=bindparam("new_missing_since"))
        )
        session.connection().execute(statement, changes)
    return missing


def missing_youths(session: Session) -> list[YouthRecord]:
    """The youths an import no longer listed, awaiting the allocator's answer (by reference)."""
    query = select(YouthRecord).where(
        col(YouthRecord.missing_since).is_not(None), col(YouthRecord.status).in_(ACTIVE_YOUTH)
    )
    return list(session.exec(query.order_by(col(YouthRecord.ref))).all())


def confirm_missing(
    session: Session, actor: str, answers: Sequence[tuple[str, str, str | None]]
) -> tuple[int, int]:
    """Answer for youths missing from an import: ``(ref, action, text)`` with ``action`` either
    ``keep`` (keep waiting) or a withdrawal reason. All or nothing, in one transaction; every
    youth must be on the missing list (409 otherwise). Returns (kept, withdrawn)."""
    kept = withdrawn = 0
    listed = {y.ref: y for y in missing_youths(session)}
    allowed = [KEEP, *(r.value for r in WithdrawReason)]
    for ref, action, text in answers:  # every answer checked before anything changes
        if action not in allowed:
            raise InvalidRequest([Problem(ref, "missing_action", {"allowed": allowed})])
        if action != KEEP:
            _check_reason(action, text)
        if ref not in listed:
            raise ConflictError(problem=Problem(ref, "not_missing", {"ref": ref}))
    for ref, action, text in answers:
        record = listed[ref]
        if action == KEEP:
            record.missing_since = None
            session.add(record)
            audit(session, actor, "youth.keep", "youth", ref, "missing from import")
            kept += 1
        else:
            try:
                _withdraw(session, actor, record, action, text)
            except ConflictError:  # changed by a concurrent request meanwhile
                session.rollback()
                raise
            withdrawn += 1
    bump_pool_version(session, "youth.missing")
    session.commit()
    return kept, withdrawn


# ----------------------------------------------------------------------------- dwellings
def _week(session: Session, week: str) -> None:
    if session.get(WeekPolicy, week) is None:
        raise NotFoundError(f"No import for week {week}")


def dwelling(session: Session, week: str, ref: str) -> DwellingRecord:
    found = session.exec(
        select(DwellingRecord).where(DwellingRecord.week == week, DwellingRecord.ref == ref)
    ).first()
    if found is None:
        raise NotFoundError("Dwelling not found")
    return found


def dwellings(session: Session, week: str) -> list[DwellingRecord]:
    """The week's dwellings, by reference (every status)."""
    _week(session, week)
    query = select(DwellingRecord).where(DwellingRecord.week == week)
    return list(session.exec(query.order_by(col(DwellingRecord.ref))).all())


def register_dwelling(
    session: Session,
    actor: str,
    week: str,
    values: Mapping[str, Any] | None = None,
    raw: bytes | None = None,
) -> DwellingRecord:
    """A new vacant dwelling in an imported week, from the import's columns (or ``raw``: a
    one-row units.csv); 409 when the week has the reference already. Audited, committed."""
    _week(session, week)
    row = _cells(values or {}, UNIT_COLUMNS, "units.csv") if raw is None else None
    unit = _read_one(session, "units.csv", row, raw)
    assert isinstance(unit, Unit)
    exists = select(DwellingRecord.id).where(
        DwellingRecord.week == week, DwellingRecord.ref == unit.ref
    )
    if session.exec(exists).first() is not None:
        params = {"ref": unit.ref, "week": week}
        raise ConflictError(problem=Problem("ref", "dwelling_exists", params))
    record = DwellingRecord(week=week, **{k: _plain(v) for k, v in asdict(unit).items()})
    session.add(record)
    # A reported vacancy like an import's (the quota report counts it), unless the week's
    # import already recorded this reference.
    reported = select(VacancyRecord.id).where(
        VacancyRecord.week == week, VacancyRecord.dwelling_ref == unit.ref
    )
    if session.exec(reported).first() is None:
        session.add(VacancyRecord(organisation=unit.organisation,
                                  dwelling_type=unit.dwelling_type.value,
                                  department=unit.department, dwelling_ref=unit.ref, week=week,
                                  available_from=unit.available_from, as_of=local_today(),
                                  import_id=f"register:{actor}"))  # fmt: skip
    session.flush()
    audit(session, actor, "dwelling.create", "dwelling", f"{week}/{unit.ref}")
    bump_pool_version(session, "dwelling.create", week)
    session.commit()
    session.refresh(record)
    return record


def edit_dwelling(
    session: Session, actor: str, week: str, ref: str, changes: Mapping[str, Any]
) -> DwellingRecord:
    """Change some columns of a vacant dwelling (an offered or let one is under contract: 409);
    the whole row is checked again as an import checks it. Audited, committed."""
    _week(session, week)
    record = dwelling(session, week, ref)
    if "ref" in changes and changes["ref"] != ref:
        raise InvalidRequest([Problem("ref", "ref_fixed")])
    _cells(changes, UNIT_COLUMNS, "units.csv")
    if record.status != DwellingStatus.VACANT.value:
        params = {"ref": ref, "status": record.status}
        raise ConflictError(problem=Problem("ref", "not_editable_dwelling", params))
    merged = {**_record_values(record, UNIT_COLUMNS), **changes}
    unit = _read_one(session, "units.csv", merged)
    fields = {k: _plain(v) for k, v in asdict(unit).items()}
    changed = sorted(k for k, v in fields.items() if getattr(record, k) != v)
    for k, v in fields.items():
        setattr(record, k, v)
    session.add(record)
    audit(session, actor, "dwelling.edit", "dwelling", f"{week}/{ref}", ", ".join(changed))
    bump_pool_version(session, "dwelling.edit", week)
    session.commit()
    session.refresh(record)
    return record


# ----------------------------------------------------------------------------- minors
def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def minor_ages(session: Session, refs: Iterable[str], day: date | None = None) -> dict[str, int]:
    """The youths among ``refs`` who are minors on ``day`` (default today), with their age."""
    day = day or local_today()
    wanted = set(refs)
    if not wanted:
        return {}
    rows = session.exec(
        select(col(YouthRecord.ref), col(YouthRecord.birth_date)).where(
            col(YouthRecord.ref).in_(wanted)
        )
    ).all()
    ages = {ref: age_on(born, day) for ref, born in rows}
    return {ref: age for ref, age in ages.items() if age < ADULT_AGE}


def check_consent(session: Session, offer: Offer, day: date | None = None) -> None:
    """Before signing: a minor's offer needs the guardian's consent recorded (409 otherwise)."""
    age = minor_ages(session, [offer.youth_ref], day).get(offer.youth_ref)
    if age is not None and offer.consent_at is None:
        params = {"ref": offer.youth_ref, "age": age}
        raise ConflictError(problem=Problem("offer", "consent_needed", params))


def record_consent(
    session: Session, actor: str, offer_id: int, guardian: str, given_on: date
) -> Offer:
    """Record a minor's guardian's consent on a live offer: who (``guardian``), on which day,
    by whom (``actor``) and when. Audited (never the guardian's name); committed."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFoundError("Offer not found")
    problems = free_text_problems(guardian=guardian)
    if problems:
        raise InvalidRequest(problems)
    guardian = guardian.strip()
    if not guardian or len(guardian) > MAX_GUARDIAN:
        problems.append(Problem("guardian", "consent_guardian", {"max": MAX_GUARDIAN}))
    if given_on > local_today():
        problems.append(Problem("given_on", "consent_date"))
    if problems:
        raise InvalidRequest(problems)
    if offer.state not in LIVE:
        raise ConflictError(problem=Problem("offer", "consent_state", {"state": offer.state}))
    if offer.youth_ref not in minor_ages(session, [offer.youth_ref]):
        raise ConflictError(problem=Problem("offer", "consent_not_minor",
                                            {"ref": offer.youth_ref}))  # fmt: skip
    offer.guardian = guardian
    offer.consent_on = given_on
    offer.consent_by = actor
    offer.consent_at = now()
    session.add(offer)
    audit(session, actor, "offer.consent", "offer", str(offer.id))
    session.commit()
    session.refresh(offer)
    return offer
