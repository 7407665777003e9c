"""The allocation office's pages: import, the week's run, proposals, offers, quotas and teams.

Every action calls the service's own functions (``store.import_week``, ``runs.request_run``,
``offers.make_offer`` / ``offers.transition``) with the same audit events as the API.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlmodel import col, select

from solver.caseio.issues import CaseError
from solver.caseio.read import read_case_files
from solver.caseio.uploads import upload_files
from solver.caseio.weeks import parse_week

from ..audit import audit
from ..db import get_engine
from ..deps import SessionDep
from ..models import (
    DeclineReason,
    Offer,
    OfferState,
    Proposal,
    Run,
    RunStatus,
    WeekPolicy,
)
from ..offers import ConflictError, NotFoundError, expire_due, make_offer, transition
from ..runs import request_run
from ..scenarios import live_case
from ..settings import get_settings
from ..store import import_week, week_of
from . import texts
from .common import MAX_ID, AggregateUser, AllocatorUser, context
from .render import render
from .session import PageError, PageRoute, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
_WEEK = re.compile(r"^\d{4}-W\d{2}$")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
OFFERS_SHOWN = 500


# ----------------------------------------------------------------------------- overview, import
def _overview(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    *,
    issues: list[dict[str, Any]] | None = None,
    import_error: str | None = None,
    run_error: str | None = None,
    imported: dict[str, Any] | None = None,
    week: str | None = None,
    status: int = 200,
) -> Response:
    runs = session.exec(select(Run).order_by(col(Run.id).desc()).limit(20)).all()
    weeks = session.exec(select(WeekPolicy.week).order_by(col(WeekPolicy.week).desc())).all()
    return render(
        request,
        "allocator/overview.html",
        context(
            request,
            user,
            runs=runs,
            weeks=weeks,
            week=week or (weeks[0] if weeks else ""),
            issues=issues or [],
            import_error=import_error,
            run_error=run_error,
            imported=imported,
        ),
        status_code=status,
    )


@router.get("/anvisning")
def overview(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    uge: Annotated[str, Query(max_length=10)] = "",
    nye: Annotated[int | None, Query(ge=0, le=10**7)] = None,
    opdaterede: Annotated[int | None, Query(ge=0, le=10**7)] = None,
    boliger: Annotated[int | None, Query(ge=0, le=10**7)] = None,
) -> Response:
    imported = None
    if _WEEK.match(uge) and nye is not None and opdaterede is not None and boliger is not None:
        imported = {"week": uge, "created": nye, "updated": opdaterede, "dwellings": boliger}
    return _overview(request, session, user, imported=imported)


@router.post("/anvisning/import")
async def import_files(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    files: Annotated[list[UploadFile], File()],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Import a week: all or nothing. A bad cell shows every issue as a table, 422."""
    check_csrf(user, csrf_token)
    uploads = []
    total = 0
    for f in files:
        data = await f.read()
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            return _overview(
                request,
                session,
                user,
                status=413,
                import_error="Filerne fylder for meget (højst 50 MB).",
            )
        if f.filename or data:
            uploads.append((f.filename or "upload", data))
    if not uploads:
        return _overview(
            request,
            session,
            user,
            status=400,
            import_error="Vælg filerne fra en sagsmappe, én zip-fil eller én Excel-fil.",
        )
    try:
        case = read_case_files(upload_files(uploads))
    except CaseError as exc:
        issues = [
            {"file": i.file, "row": i.row, "column": i.column, "message": i.message}
            for i in exc.issues
        ]
        return _overview(
            request,
            session,
            user,
            issues=issues,
            status=422,
            import_error="Intet er importeret: filerne har fejl.",
        )
    week, counts = import_week(session, case, user.username)
    url = (
        f"/anvisning?uge={week}&nye={counts['youths_created']}"
        f"&opdaterede={counts['youths_updated']}&boliger={counts['dwellings']}"
    )
    return RedirectResponse(url, status_code=303)


# ----------------------------------------------------------------------------- runs
@router.post("/anvisning/koersler")
def start_run(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    week: Annotated[str, Form(max_length=100)] = "",
    force: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Start the week's run (or open the week's existing one unless a new generation is asked)."""
    check_csrf(user, csrf_token)
    week = week.strip()
    error = None
    if not _WEEK.match(week):
        error = "Skriv ugen som ÅÅÅÅ-Uuu, fx 2026-W48."
    else:
        try:
            parse_week(week)
        except ValueError:
            error = f"Uge {week} findes ikke."
    if error is None and session.get(WeekPolicy, week) is None:
        error = f"Der er ikke importeret data for uge {week}."
    if error is not None:
        return _overview(request, session, user, run_error=error, week=week, status=400)
    expire_due(session, user.username)
    session.commit()
    run, created = request_run(get_engine(), week, user.username, force == "1")
    if created:
        request.app.state.start_run(run.id)
    return RedirectResponse(f"/anvisning/koersler/{run.id}", status_code=303)


def _run_or_404(session: SessionDep, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise PageError(404, "Kørslen findes ikke.", "Ikke fundet")
    return run


@router.get("/anvisning/koersler/{run_id}/status")
def run_status(request: Request, session: SessionDep, user: AllocatorUser, run_id: Id) -> Response:
    """The progress fragment htmx polls; a finished run makes the whole page reload."""
    run = _run_or_404(session, run_id)
    headers = {}
    if run.status in (RunStatus.DONE.value, RunStatus.FAILED.value) and request.headers.get(
        "HX-Request"
    ):
        headers["HX-Refresh"] = "true"
    return render(request, "allocator/_run_status.html", {"run": run}, headers=headers)


@router.get("/anvisning/koersler/{run_id}")
def run_page(request: Request, session: SessionDep, user: AllocatorUser, run_id: Id) -> Response:
    run = _run_or_404(session, run_id)
    matches: list[Proposal] = []
    unmatched: list[Proposal] = []
    offers: dict[int, Offer] = {}
    if run.status == RunStatus.DONE.value:
        rows = session.exec(
            select(Proposal).where(Proposal.run_id == run_id).order_by(col(Proposal.id))
        ).all()
        matches = [p for p in rows if p.dwelling_ref is not None]
        unmatched = [p for p in rows if p.dwelling_ref is None]
        ids = [p.id for p in matches]
        if ids:
            for offer in session.exec(
                select(Offer).where(col(Offer.proposal_id).in_(ids)).order_by(col(Offer.id))
            ).all():
                offers[offer.proposal_id] = offer  # the latest offer per proposal
        audit(session, user.username, "read.proposals", "run", str(run_id))
        session.commit()
    return render(
        request,
        "allocator/run.html",
        context(
            request,
            user,
            run=run,
            matches=matches,
            unmatched=unmatched,
            offers=offers,
            fit_terms=texts.FIT_TERMS,
        ),
    )


# ----------------------------------------------------------------------------- offers
_CONFLICT = {
    "accept": "Kun et tilbud i tilstanden »Tilbudt« kan accepteres.",
    "decline": "Kun et tilbudt eller accepteret tilbud kan afslås.",
    "sign": "Kun et accepteret tilbud kan få underskrevet kontrakt.",
    "move_in": "Kun et tilbud med underskrevet kontrakt kan registreres som indflyttet.",
}


def _offers_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    *,
    state: str = "",
    done: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    query = select(Offer).order_by(col(Offer.id).desc()).limit(OFFERS_SHOWN)
    if state:
        query = query.where(Offer.state == state)
    offers = session.exec(query).all()
    audit(session, user.username, "read.offers", "offer", state or "*")
    session.commit()
    return render(
        request,
        "allocator/offers.html",
        context(
            request,
            user,
            offers=offers,
            state=state,
            states=list(OfferState),
            done=texts.OFFER_DONE.get(done or ""),
            error=error,
            reasons=list(DeclineReason),
        ),
        status_code=status,
    )


@router.get("/anvisning/tilbud")
def offers_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    tilstand: Annotated[str, Query(max_length=20)] = "",
    udfoert: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    state = tilstand if tilstand in {s.value for s in OfferState} else ""
    return _offers_page(request, session, user, state=state, done=udfoert)


@router.post("/anvisning/tilbud")
def create_offer(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    proposal_id: Annotated[int, Form(ge=1, le=MAX_ID)] = 0,
) -> Response:
    check_csrf(user, csrf_token)
    try:
        offer = make_offer(session, proposal_id, user.username, get_settings().offer_expiry_days)
    except (ConflictError, NotFoundError):
        session.rollback()
        return _offers_page(
            request,
            session,
            user,
            status=409,
            error=(
                "Forslaget kan ikke længere blive til et tilbud: den unge venter ikke længere, "
                "boligen er ikke ledig, eller kørslen er ikke færdig."
            ),
        )
    session.commit()
    return RedirectResponse(f"/anvisning/tilbud?udfoert=created#tilbud-{offer.id}", 303)


@router.post("/anvisning/tilbud/{offer_id}/{action}")
def act_on_offer(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    offer_id: Id,
    action: Annotated[str, Path(pattern="^(accept|decline|sign|move_in)$")],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=50)] = "",
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    decline_reason = None
    if action == "decline":
        if reason not in {r.value for r in DeclineReason}:
            return _offers_page(
                request, session, user, status=400, error="Vælg en årsag til afslaget."
            )
        if len(text) > 500:
            return _offers_page(
                request, session, user, status=400, error="Begrundelsen må højst være 500 tegn."
            )
        decline_reason = DeclineReason(reason)
    try:
        transition(
            session,
            offer_id,
            action,
            user.username,
            decline_reason,
            text.strip() or None,
            get_settings().decline_pause_weeks,
        )
    except NotFoundError:
        session.rollback()
        raise PageError(404, "Tilbuddet findes ikke.", "Ikke fundet") from None
    except ConflictError:
        session.rollback()
        return _offers_page(request, session, user, status=409, error=_CONFLICT[action])
    session.commit()
    return RedirectResponse(f"/anvisning/tilbud?udfoert={action}#tilbud-{offer_id}", 303)


# ----------------------------------------------------------------------------- capacity
@router.get("/kapacitet")
def capacity(request: Request, session: SessionDep, user: AggregateUser) -> Response:
    """The quota ledger per organisation and type, and the free CTI/ACT slots per team, as the
    latest week's run sees them."""
    quotas: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    week = None
    try:
        case = live_case(session)
    except LookupError:
        case = None
    if case is not None:
        week = week_of(case.policy.run_date)
        policy = case.policy
        for q in sorted(case.quotas, key=lambda q: (q.organisation, q.dwelling_type.value)):
            rate = q.rate if q.rate is not None else policy.default_quota_rate
            quotas.append(
                {
                    "organisation": q.organisation,
                    "dwelling_type": q.dwelling_type.value,
                    "vacancies": q.vacancies,
                    "rate": f"{rate.numerator}/{rate.denominator}",
                    "rate_default": q.rate is None,
                    "limit": math.floor(rate * q.vacancies),
                    "claimed": q.claimed,
                    "remaining": q.remaining(policy.default_quota_rate),
                }
            )
        for team in case.teams:
            method = team.method.value
            cap = (
                team.caseload_cap
                if team.caseload_cap is not None
                else (policy.caseload_cap.get(team.method))
            )
            teams.append(
                {
                    "team": team.team,
                    "method": method,
                    "workers": team.workers,
                    "cap": cap,
                    "caseload": team.current_caseload,
                    "free": policy.free_slots(team),
                }
            )
    return render(
        request,
        "allocator/capacity.html",
        context(request, user, quotas=quotas, teams=teams, week=week),
    )
