"""A run's proposals as a person knows them: the dwelling (address, organisation, department,
area, type, rooms, m², rent and aconto, deposit, pets, accessibility, available from, contact)
and the youth (housing situation, weeks waited, support method and team, urgent-by, minor), and
the fit as plain Danish (``huslejen er 43 % af indkomsten``).

Both come from the run's own input snapshot (``Run.input_snapshot``: exactly what was solved),
so a proposal always reads as it was made, whatever was imported since. The parsed snapshot is
kept per run (it never changes). Reading proposals is a person read, audited as
``read.proposals`` by the caller's use case.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from solver.domain import Case, DwellingType, Situation, SupportMethod, Unit, Youth

from ..models import Offer, OfferState, Proposal, Run, WorkStatus
from .audit import audit
from .data import files_from_json, snapshot_case
from .errors import ConflictError, NotFoundError
from .gdpr import TOMBSTONE_PREFIX
from .listing import Filter, ListPage, ListRequest, ListSpec, fetch_rows
from .runs import latest_offers

ADULT_AGE = 18
_lock = threading.Lock()
_cases: dict[tuple[int, str], Case] = {}


def run_case(run: Run) -> Case | None:
    """The case a finished run solved (None when it kept no snapshot)."""
    if run.id is None or not run.input_snapshot:
        return None
    # The snapshot's own text is in the key, not only the run's input hash: a GDPR erasure
    # rewrites a run's snapshot (tombstones) and keeps its hash, and the erased youth's row must
    # not live on in this memo.
    text = json.dumps(run.input_snapshot, sort_keys=True).encode()
    key = (run.id, hashlib.blake2b(text, digest_size=16).hexdigest())
    hit = _cases.get(key)
    if hit is None:
        files = files_from_json(run.input_snapshot)
        # An erased youth's line is a tombstone (gdpr: every cell empty but the reference), not a
        # youth: left out, so their proposal shows no facts and the rest of the run reads as made;
        # so are the decisions about them (they name the tombstone).
        for name in ("youths.csv", "decisions.csv"):
            if name in files:
                lines = files[name].split(b"\r\n")
                files[name] = b"\r\n".join(
                    line for line in lines if not line.startswith(TOMBSTONE_PREFIX.encode())
                )
        hit = snapshot_case(files)
        with _lock:
            if len(_cases) >= 16:
                _cases.pop(next(iter(_cases)))
            _cases[key] = hit
    return hit


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def youth_facts(youth: Youth, run_date: date) -> dict[str, Any]:
    """What the allocation office reads of a youth on a proposal (no birth date: only whether
    the youth is a minor on the run date)."""
    return {
        "ref": youth.ref,
        "situation": youth.situation.value,
        "weeks_waited": max(0, (run_date - youth.referred_on).days // 7),
        "referred_on": youth.referred_on,
        "support_method": youth.support_method.value,
        "support_team": youth.support_team,
        "urgent_by": youth.urgent_by,
        "minor": _age(youth.birth_date, run_date) < ADULT_AGE,
        "income_type": youth.income_type.value,
        "monthly_income": youth.monthly_income,
        "pet": youth.pet.label,
        "household_size": youth.household_size,
    }


def dwelling_facts(unit: Unit) -> dict[str, Any]:
    return {
        "ref": unit.ref, "address": unit.address, "organisation": unit.organisation,
        "department": unit.department, "area": unit.area,
        "dwelling_type": unit.dwelling_type.value, "rooms": unit.rooms, "size_m2": unit.size_m2,
        "rent": unit.rent, "utilities": unit.utilities, "monthly_cost": unit.monthly_cost,
        "deposit": unit.deposit, "pets": unit.pets.label, "accessible": unit.accessible,
        "available_from": unit.available_from, "contact": unit.contact,
    }  # fmt: skip


def fit_words(fit: dict[str, int], youth: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The fit terms as catalogue messages (``fit_plain.*``) with their parameters: the rent's
    share of the income (or of the rent ceiling when no income is given), outside the
    preferred areas, days available after the need date, rooms beyond the household's need."""
    out: list[tuple[str, dict[str, Any]]] = []
    share = fit.get("rent_share")
    if share is not None:
        key = "fit_plain.rent_share" if youth.get("monthly_income") else "fit_plain.rent_ceiling"
        out.append((key, {"pct": round(share / 10)}))
    if fit.get("area"):
        out.append(("fit_plain.area", {}))
    if fit.get("availability"):
        out.append(("fit_plain.availability", {"days": int(fit["availability"])}))
    if fit.get("size"):
        out.append(("fit_plain.size", {"rooms": int(fit["size"])}))
    return out


def describe(run: Run, proposals: Sequence[Proposal | Line]) -> dict[int, dict[str, Any]]:
    """Proposal id → ``{"youth": …, "dwelling": … (matches only), "fit_words": …}`` from the
    run's snapshot (a line whose youth or dwelling the snapshot lacks gets None there)."""
    case = run_case(run)
    if case is None:
        return {}
    run_date = case.policy.run_date
    youths = {y.ref: y for y in case.youths}
    units = {u.ref: u for u in case.units}
    out = {}
    for p in proposals:
        if p.id is None:
            continue
        y = youths.get(p.youth_ref)
        u = units.get(p.dwelling_ref) if p.dwelling_ref else None
        facts = youth_facts(y, run_date) if y is not None else None
        out[p.id] = {
            "youth": facts,
            "dwelling": dwelling_facts(u) if u is not None else None,
            "fit_words": fit_words(p.fit or {}, facts or {}) if p.dwelling_ref else [],
        }
    return out


@dataclass(frozen=True)
class WeekProposals:
    """A finished run's proposed matches for the allocation meeting, in the run's order."""

    run: Run
    rows: list[dict[str, Any]]  # proposal, youth, dwelling, fit_words, offer


def week_proposals(session: Session, run_id: int, actor: str) -> WeekProposals:
    """The proposed matches of a finished run with everything the meeting reads; audited as
    ``read.proposals`` and committed. NotFoundError / ConflictError (not finished)."""
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError("Run not found")
    if run.status != WorkStatus.DONE.value:
        raise ConflictError("The run is not finished")
    proposals = list(
        session.exec(
            select(Proposal)
            .where(Proposal.run_id == run_id, col(Proposal.dwelling_ref).is_not(None))
            .order_by(col(Proposal.id))
        ).all()
    )
    facts = describe(run, proposals)
    offers = latest_offers(session, [p.id for p in proposals if p.id is not None])
    rows = [
        {"proposal": p, **facts.get(p.id or 0, {}), "offer": offers.get(p.id or 0)}
        for p in proposals
    ]
    audit(session, actor, "read.proposals", "run", str(run_id))
    session.commit()
    return WeekProposals(run, rows)


# ----------------------------------------------------------------------------- the run page's lists
@dataclass
class Line:
    """A proposal as the run page lists it: its columns without the JSON ones, which are read
    for the rows shown only (``fit`` of the matches, to sort by the rent's share;
    ``reason_params`` of the page's youths not housed): decoding them for every line of a
    900-youth run was most of the page's time."""

    id: int
    youth_ref: str
    dwelling_ref: str | None
    reason: str | None
    detail: str | None
    outranked_by: int
    fit: dict[str, int] = field(default_factory=dict)
    reason_params: dict[str, Any] | None = None


SITUATIONS = tuple(s.value for s in Situation)
DWELLING_TYPES = tuple(t.value for t in DwellingType)
SUPPORT_METHODS = tuple(m.value for m in SupportMethod)
NO_OFFER = "none"  # the offer filter's value for a proposal nobody was offered yet
OFFER_VALUES = (NO_OFFER, *(s.value for s in OfferState))

MATCH_SPEC = ListSpec(
    sorts={
        "id": "id",
        "youth": "youth_ref",
        "dwelling": "dwelling_ref",
        "area": "area",
        "monthly_cost": "monthly_cost",
        "rent_share": "rent_pct",
        "weeks_waited": "weeks_waited",
        "urgent_by": "urgent_by",
        "available_from": "available_from",
    },
    default_sort="id",
    tiebreak="id",
    search=(
        "youth_ref",
        "dwelling_ref",
        "address",
        "area",
        "organisation",
        "department",
        "support_team",
    ),
    filters={
        "situation": Filter("situation", SITUATIONS, counted=True),
        "area": Filter("area", None, counted=True),
        "dwelling_type": Filter("dwelling_type", DWELLING_TYPES, counted=True),
        "offer": Filter("offer_state", OFFER_VALUES, counted=True),
    },
)
UNMATCHED_SPEC = ListSpec(
    sorts={
        "id": "id",
        "youth": "youth_ref",
        "reason": "reason",
        "weeks_waited": "weeks_waited",
        "outranked_by": "outranked_by",
        "urgent_by": "urgent_by",
    },
    default_sort="id",
    tiebreak="id",
    search=("youth_ref", "support_team"),
    filters={
        "reason": Filter("reason", None, counted=True),
        "situation": Filter("situation", SITUATIONS, counted=True),
        "support_method": Filter("support_method", SUPPORT_METHODS, counted=True),
    },
)


@dataclass(frozen=True)
class RunLists:
    """A finished run's proposed matches and its youths not housed, each one page of a list
    (rows: the proposal, its youth and dwelling facts, the fit's words, the latest offer)."""

    matches: ListPage
    unmatched: ListPage


def _row(p: Line, facts: dict[str, Any], offer: Offer | None) -> dict[str, Any]:
    y, d = facts.get("youth") or {}, facts.get("dwelling") or {}
    share = (p.fit or {}).get("rent_share")
    return {
        "id": p.id, "proposal": p, "youth_ref": p.youth_ref, "dwelling_ref": p.dwelling_ref,
        "reason": p.reason, "outranked_by": p.outranked_by,
        "youth": facts.get("youth"), "dwelling": facts.get("dwelling"),
        "fit_words": facts.get("fit_words") or [], "offer": offer,
        "offer_state": offer.state if offer is not None else NO_OFFER,
        "situation": y.get("situation"), "weeks_waited": y.get("weeks_waited"),
        "urgent_by": y.get("urgent_by"), "support_method": y.get("support_method"),
        "support_team": y.get("support_team"), "address": d.get("address"),
        "area": d.get("area"), "organisation": d.get("organisation"),
        "department": d.get("department"), "dwelling_type": d.get("dwelling_type"),
        "monthly_cost": d.get("monthly_cost"), "available_from": d.get("available_from"),
        "rent_pct": round(share / 10) if share is not None else None,
    }  # fmt: skip


def run_lists(
    session: Session, run_id: int, actor: str, matches: ListRequest, unmatched: ListRequest
) -> RunLists:
    """One page of a finished run's matches and one of its youths not housed, searched,
    filtered and sorted as asked (the facts from the run's own snapshot); audited as
    ``read.proposals`` and committed. NotFoundError / ConflictError (not finished)."""
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError("Run not found")
    if run.status != WorkStatus.DONE.value:
        raise ConflictError("The run is not finished")
    columns = (col(Proposal.id), col(Proposal.youth_ref), col(Proposal.dwelling_ref),
               col(Proposal.reason), col(Proposal.detail), col(Proposal.outranked_by))  # fmt: skip
    of_run = col(Proposal.run_id) == run_id
    ordered = sa_select(*columns).where(of_run).order_by(col(Proposal.id))
    proposals = [Line(*r) for r in session.execute(ordered)]
    matched = [p for p in proposals if p.dwelling_ref is not None]
    fits = dict(
        session.execute(
            select(col(Proposal.id), col(Proposal.fit)).where(
                of_run, col(Proposal.dwelling_ref).is_not(None)
            )
        ).all()
    )
    for p in matched:
        p.fit = fits.get(p.id) or {}
    facts = describe(run, proposals)
    offers = latest_offers(session, [p.id for p in matched if p.id is not None])
    match_rows: list[dict[str, Any]] = []
    unmatched_rows: list[dict[str, Any]] = []
    for p in proposals:
        row = _row(p, facts.get(p.id or 0, {}), offers.get(p.id or 0))
        (match_rows if p.dwelling_ref is not None else unmatched_rows).append(row)
    matches_page = fetch_rows(match_rows, MATCH_SPEC, matches)
    unmatched_page = fetch_rows(unmatched_rows, UNMATCHED_SPEC, unmatched)
    shown = [r["proposal"] for r in unmatched_page.rows]
    if shown:
        query = select(col(Proposal.id), col(Proposal.reason_params)).where(
            col(Proposal.id).in_([p.id for p in shown])
        )
        params = dict(session.execute(query).all())
        for p in shown:
            p.reason_params = params.get(p.id)
    audit(session, actor, "read.proposals", "run", str(run_id))
    session.commit()
    return RunLists(matches_page, unmatched_page)
