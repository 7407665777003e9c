"""The youths' rights and the retention of their data (GDPR Art. 15, 17 and 5(1)(e)).

- :func:`export_youth` (Art. 15, access): everything stored about one youth — the record, the
  runs whose input held them (their row of each run's snapshot), the proposals and reasons, the
  offers, the allocator's decisions about them, and every audit event about them (who read or
  changed their record and when) — as one JSON-ready dict; the CLI writes it, the API answers
  it, the admin page shows it in Danish. The export is itself audited (``export.youth``).
- :func:`erase_youth` (Art. 17, erasure): the youth's personal data is removed everywhere in
  one transaction. Their record is deleted; in proposals, offers, the allocator's decisions and
  every run snapshot their reference is replaced by a random *tombstone* (``slettet-…``) and
  every personal value (fit terms, reason parameters and sentences, decline texts, decisions'
  reasons, their snapshot rows' cells) is emptied, so runs keep their input hash and their
  counts (a run still shows how many were housed and why others were not). An erasure record
  keeps the tombstone, when, by whom and why; expected-wait results (which name youths) are
  dropped and recomputed. Refused (409) while the youth holds an open offer: answer or withdraw
  it first. An erasure on request also keeps a keyed digest of the reference
  (:func:`ref_digest`), never the reference: an import or a registration that lists the erased
  reference again is refused (:func:`erased_on_request`), so the next weekly import from the
  municipality's case system cannot silently bring the youth's data back. A youth who applies
  again is given a new reference there. Retention keeps no digest: a closed case that comes
  back years later is a new case.
- :func:`apply_retention` (storage limitation): closed cases (housed or withdrawn, no offer or
  record change for ``BOLIGMATCH_RETENTION_CLOSED_CASE_DAYS``) are erased as above, and runs'
  input snapshots older than ``BOLIGMATCH_RETENTION_SNAPSHOT_DAYS`` are dropped (the run keeps
  its hash and the row count of each file). ``dry_run`` reports without changing anything.

The audit log is append-only (migration 0008) and keeps its events, which name youths by their
pseudonymous reference only, never a personal field (docs/security.md).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm import undefer
from sqlmodel import Session, col, select

from solver.caseio.schema import YOUTH_COLUMNS

from ..models import (
    AuditEvent,
    DecisionRecord,
    Offer,
    OfferState,
    Proposal,
    Run,
    SiteKey,
    YouthErasure,
    YouthRecord,
    YouthStatus,
    now,
)
from ..settings import get_settings
from . import waits
from .audit import audit
from .data import bump_pool_version
from .errors import ConflictError, NotFoundError
from .texts import check_free_text

TOMBSTONE_PREFIX = "slettet-"
OPEN_OFFERS = (OfferState.OFFERED.value, OfferState.ACCEPTED.value)
CLOSED = (YouthStatus.HOUSED.value, YouthStatus.WITHDRAWN.value)


def _youth(session: Session, ref: str) -> YouthRecord:
    youth = session.exec(select(YouthRecord).where(YouthRecord.ref == ref)).first()
    if youth is None:
        raise NotFoundError("Youth not found")
    return youth


def _snapshot_rows(snapshot: dict[str, Any] | None) -> list[dict[str, str]]:
    text = (snapshot or {}).get("youths.csv", "")
    return list(csv.DictReader(io.StringIO(text))) if text else []


# Whole-table scans that read every snapshot: loaded with the rows, not one query per run.
_WITH_SNAPSHOT = undefer(Run.input_snapshot)  # type: ignore[arg-type]


def _runs_holding(session: Session, ref: str) -> list[Run]:
    """The runs whose stored input snapshot has a row for ``ref``."""
    needle = f"\n{ref},"
    runs = session.exec(select(Run).options(_WITH_SNAPSHOT).order_by(col(Run.id))).all()
    return [r for r in runs if needle in (r.input_snapshot or {}).get("youths.csv", "")]


# ----------------------------------------------------------------------------- Art. 15
def export_youth(session: Session, actor: str, ref: str) -> dict[str, Any]:
    """Everything stored about the youth ``ref`` (see the module docstring); audited and
    committed. NotFoundError for an unknown (or erased) youth."""
    youth = _youth(session, ref)
    proposals = session.exec(
        select(Proposal, Run)
        .join(Run, col(Run.id) == col(Proposal.run_id))
        .where(Proposal.youth_ref == ref)
        .order_by(col(Proposal.id))
    ).all()
    offers = session.exec(select(Offer).where(Offer.youth_ref == ref).order_by(col(Offer.id))).all()
    decisions = session.exec(
        select(DecisionRecord)
        .where(DecisionRecord.youth_ref == ref)
        .order_by(col(DecisionRecord.id))
    ).all()
    offer_ids = [str(o.id) for o in offers]
    events = session.exec(
        select(AuditEvent)
        .where(
            (col(AuditEvent.object_ref) == ref)
            | ((col(AuditEvent.object_type) == "offer") & col(AuditEvent.object_ref).in_(offer_ids))
        )
        .order_by(col(AuditEvent.id))
    ).all()
    runs = []
    for run in _runs_holding(session, ref):
        row = next((r for r in _snapshot_rows(run.input_snapshot) if r.get("ref") == ref), None)
        runs.append({"run_id": run.id, "week": run.week, "generation": run.generation,
                     "created_at": run.created_at, "input_hash": run.input_hash,
                     "row": row})  # fmt: skip
    export = {
        "exported_at": now(),
        "youth": youth.model_dump(exclude={"id"}),
        "runs": runs,
        "proposals": [
            {
                "run_id": p.run_id,
                "week": r.week,
                "run_status": r.status,
                **p.model_dump(exclude={"id", "run_id", "youth_ref"}),
            }
            for p, r in proposals
        ],
        "offers": [o.model_dump(exclude={"youth_ref"}) for o in offers],
        "decisions": [d.model_dump(exclude={"youth_ref"}) for d in decisions],
        "events": [e.model_dump(exclude={"id"}) for e in events],
    }
    audit(session, actor, "export.youth", "youth", ref)
    session.commit()
    return export


# ----------------------------------------------------------------------------- Art. 17
def _tombstone_snapshot(run: Run, ref: str, tombstone: str) -> dict[str, str]:
    """The run's snapshot with ``ref``'s youths.csv line replaced by a tombstone line (every
    cell empty but the reference), and each decisions.csv line about them by one naming the
    tombstone, its dwelling and kind, without the reason (free text); every other byte as it
    was, so the files keep their rows."""
    snapshot = dict(run.input_snapshot or {})
    lines = snapshot.get("youths.csv", "").split("\r\n")
    cells = len(next(csv.reader([lines[0]]))) if lines and lines[0] else len(YOUTH_COLUMNS)
    snapshot["youths.csv"] = "\r\n".join(
        tombstone + "," * (cells - 1) if line.startswith(f"{ref},") else line for line in lines
    )
    if "decisions.csv" in snapshot:
        lines = snapshot["decisions.csv"].split("\r\n")
        snapshot["decisions.csv"] = "\r\n".join(
            _tombstone_decision(line, tombstone) if line.startswith(f"{ref},") else line
            for line in lines
        )
    return snapshot


def _tombstone_text(message: str, ref: str, tombstone: str) -> str:
    """``message`` with ``ref`` as a whole word (quoted or bare) replaced by ``tombstone``."""
    return re.sub(rf"(?<![\w-]){re.escape(ref)}(?![\w-])", tombstone, message)


def _tombstone_decision(line: str, tombstone: str) -> str:
    """A decisions.csv line (youth_ref, unit_ref, kind, reason) naming ``tombstone`` for the
    youth, the reason emptied."""
    _, unit_ref, kind, *_ = next(csv.reader([line]))
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([tombstone, unit_ref, kind, ""])
    return out.getvalue()


ERASURE_KEY = "erasure"


def _erasure_key(session: Session) -> bytes:
    """The installation's key of the erased references' digests (made by migration 0013)."""
    key = session.get(SiteKey, ERASURE_KEY)
    if key is None:
        raise RuntimeError("site_key 'erasure' is missing: run 'boligmatch db upgrade'")
    return bytes.fromhex(key.value)


def ref_digest(key: bytes, ref: str) -> str:
    """HMAC-SHA256 of a reference under the installation's key: equal references give equal
    digests, and the digest alone does not give the reference back (the key is needed to test
    a guess)."""
    return hmac.new(key, ref.encode(), hashlib.sha256).hexdigest()


def erased_on_request(session: Session, refs: Iterable[str]) -> dict[str, YouthErasure]:
    """Those of ``refs`` whose youth was erased on request, each with its erasure record."""
    wanted = list(refs)
    if (
        not wanted
        or session.exec(
            select(YouthErasure.id).where(col(YouthErasure.ref_digest).is_not(None)).limit(1)
        ).first()
        is None
    ):
        return {}  # no erasure on request yet (the common case): no digest to compute
    key = _erasure_key(session)
    digests = {ref_digest(key, ref): ref for ref in wanted}
    found: dict[str, YouthErasure] = {}
    chunk = 900  # under SQLite's bound-parameter limit
    keys = list(digests)
    for start in range(0, len(keys), chunk):
        for erasure in session.exec(
            select(YouthErasure).where(
                col(YouthErasure.ref_digest).in_(keys[start : start + chunk])
            )
        ).all():
            assert erasure.ref_digest is not None
            found[digests[erasure.ref_digest]] = erasure
    return found


def erase_youth(
    session: Session, actor: str, ref: str, reason: str, *, on_request: bool = True
) -> YouthErasure:
    """Erase the youth ``ref`` everywhere (see the module docstring); committed. NotFoundError
    for an unknown youth, ConflictError while they hold an open offer. ``on_request`` (not
    retention) keeps the reference's digest, so the youth is not imported again."""
    check_free_text(reason=reason)  # kept in the audit log
    youth = _youth(session, ref)
    open_offer = select(Offer).where(Offer.youth_ref == ref, col(Offer.state).in_(OPEN_OFFERS))
    if session.exec(open_offer).first() is not None:
        raise ConflictError("The youth holds an open offer: answer or withdraw it first.")
    tombstone = TOMBSTONE_PREFIX + secrets.token_hex(6)
    session.execute(
        update(Proposal)
        .where(col(Proposal.youth_ref) == ref)
        .values(youth_ref=tombstone, fit={}, reason_params=None, detail=None, cost=None)
    )
    session.execute(  # its free texts and the guardian (a minor's) are about the youth
        update(Offer).where(col(Offer.youth_ref) == ref).values(
            youth_ref=tombstone, decline_text=None, override_text=None, guardian=None)
    )  # fmt: skip
    session.execute(  # the allocator's decisions about them: kept, without the reason's words
        update(DecisionRecord)
        .where(col(DecisionRecord.youth_ref) == ref)
        .values(youth_ref=tombstone, reason="")
    )
    for run in _runs_holding(session, ref):
        run.input_snapshot = _tombstone_snapshot(run, ref, tombstone)
        session.add(run)
    for run in session.exec(select(Run).where(col(Run.error).contains(ref))).all():
        run.error = _tombstone_text(run.error or "", ref, tombstone)  # a failed run's message
        session.add(run)
    session.delete(youth)
    waits.forget(session)
    digest = ref_digest(_erasure_key(session), ref) if on_request else None
    erasure = YouthErasure(tombstone=tombstone, erased_by=actor, reason=reason, ref_digest=digest)
    session.add(erasure)
    bump_pool_version(session, "erase.youth")
    audit(session, actor, "erase.youth", "youth", tombstone, reason)
    session.commit()
    return erasure


# ----------------------------------------------------------------------------- retention
@dataclass
class RetentionReport:
    """What retention erased (or, in a dry run, would erase)."""

    closed_before: date
    snapshots_before: date
    youths: list[str] = field(default_factory=list)
    snapshots: list[int] = field(default_factory=list)  # run ids


def _last_activity(session: Session) -> dict[str, datetime]:
    """Closed youths' last activity: their record's change or their last offer's."""
    latest = dict(
        session.exec(
            select(Offer.youth_ref, func.max(Offer.updated_at)).group_by(col(Offer.youth_ref))
        ).all()
    )
    out = {}
    for youth in session.exec(select(YouthRecord).where(col(YouthRecord.status).in_(CLOSED))):
        moments = [m for m in (youth.updated_at, latest.get(youth.ref)) if m is not None]
        out[youth.ref] = max(_aware(m) for m in moments)
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=now().tzinfo)


def apply_retention(
    session: Session, actor: str, *, dry_run: bool = False, today: date | None = None
) -> RetentionReport:
    """Erase closed cases and drop old snapshots past their retention (module docstring)."""
    settings = get_settings()
    today = today or now().date()
    report = RetentionReport(
        closed_before=today - timedelta(days=settings.retention_closed_case_days),
        snapshots_before=today - timedelta(days=settings.retention_snapshot_days),
    )
    for ref, moment in sorted(_last_activity(session).items()):
        if moment.date() < report.closed_before:
            report.youths.append(ref)
    for run in session.exec(select(Run).options(_WITH_SNAPSHOT).order_by(col(Run.id))).all():
        if run.input_snapshot and _aware(run.created_at).date() < report.snapshots_before:
            assert run.id is not None
            report.snapshots.append(run.id)
    if dry_run:
        return report
    why = f"retention: closed case, no activity since before {report.closed_before}"
    for ref in report.youths:
        erase_youth(session, actor, ref, why, on_request=False)
    for run_id in report.snapshots:
        old = session.get(Run, run_id)
        assert old is not None
        old.input_counts = {name: max(0, text.count("\n") - 1)
                            for name, text in (old.input_snapshot or {}).items()
                            if name.endswith(".csv")}  # fmt: skip
        old.input_snapshot = {}
        session.add(old)
    detail = f"{len(report.youths)} youths erased, {len(report.snapshots)} snapshots dropped"
    audit(session, actor, "retention.apply", "retention", str(today), detail)
    session.commit()
    return report
