"""The allocation office's pages: import, the week's run, proposals, offers, quotas and teams.

Every action is a use case (``usecases.imports``, ``usecases.runs``, ``usecases.offers``,
``usecases.capacity``), the same as the API's, with the same audit events.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlmodel import col, select
from starlette.datastructures import QueryParams

from solver.caseio.issues import CaseError
from solver.caseio.schema import danish_heading
from solver.caseio.weeks import WEEK_PATTERN, read_week
from solver.caseio.write import csv_text, template_workbook, xlsx_table
from solver.domain import DeclineReason
from solver.i18n.render import text
from solver.i18n.render import week as render_week

from ..db import get_engine
from ..jobs import run_import
from ..models import LOCAL, MAX_ID, OfferState, PoolVersion, WeekPolicy, WorkStatus, local_today
from ..settings import get_settings
from ..usecases.errors import ConflictError, InvalidRequest, NotFoundError
from ..usecases.lifecycle import minor_ages, missing_youths
from ..usecases.offer_batch import BatchRefused, expiry_bounds, make_offers
from ..usecases.offer_list import EXPIRING, is_expiring, offer_list
from ..usecases.offers import deposits, expire_due, make_offer, transition
from ..usecases.overview import EXPIRING_DAYS
from ..usecases.proposal_view import RunLists, run_lists
from ..usecases.quota_report import COLUMNS as QUOTA_REPORT_COLUMNS
from ..usecases.quota_report import quota_report
from ..usecases.quota_report import years as report_years
from ..usecases.runs import (
    get_run,
    is_stale,
    recent_runs,
    request_run,
    stale_runs,
    wait_finished,
)
from . import texts
from .common import AggregateUser, AllocatorUser, SessionDep, context
from .decisions_context import decision_context
from .lists import DatedView, ListView, list_request
from .meeting import fit_sentence
from .render import render
from .session import PageError, PageRoute, check_csrf, notice

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
_WEEK = re.compile(WEEK_PATTERN)
PAGE_WAIT_S = 3.0  # the page that starts a run waits this long for it before showing it
ASKS = {"week_missing", "policy_missing", "no_latest_policy"}  # the import asks the person


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
    asks: list[str] | None = None,
    week: str | None = None,
    status: int = 200,
) -> Response:
    runs = recent_runs(session)
    stale = stale_runs(session, runs)
    weeks = session.exec(select(WeekPolicy.week).order_by(col(WeekPolicy.week).desc())).all()
    missing = len(missing_youths(session))
    return render(
        request,
        "allocator/overview.html",
        context(
            request,
            user,
            runs=runs,
            stale=stale,
            weeks=weeks,
            week=week or (render_week(weeks[0], "da") if weeks else ""),
            issues=issues or [],
            import_error=import_error,
            run_error=run_error,
            imported=imported,
            asks=asks or [],
            missing=text("lifecycle.missing_after_import", "da", count=missing) if missing else "",
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
    week: Annotated[str, Form(max_length=100)] = "",
    policy: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Import a week: all or nothing. A bad cell shows every issue as a table, 422. Files that
    name no week or hold no policy (a workbook) take the week and the policy from the form, or
    the form asks for them (nothing is taken from today's date)."""
    check_csrf(user, csrf_token)
    typed = week.strip()
    iso_week = None
    if typed:
        try:
            iso_week = read_week(typed, local_today())
        except ValueError:
            error = text("page.week_unreadable", "da", text=typed)
            return _overview(request, session, user, status=400, import_error=error)
    uploads = []
    for f in files:  # (the body's size limit is service.limits': 413 before it is read)
        data = await f.read()
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
    try:  # reading and writing a large case takes a minute of CPU: in the import process
        url = get_engine().url.render_as_string(hide_password=False)
        pending = run_import(url, uploads, user.username, ask=True, week=iso_week, policy=policy)
        done: Any = await asyncio.wrap_future(pending)
        week, counts = done
    except CaseError as exc:
        issues = [
            {"file": i.file, "row": i.row, "column": i.column, "message": i.text("da"),
             "heading": danish_heading(i.file, i.column), "code": i.code}
            for i in exc.issues
        ]  # fmt: skip
        return _overview(
            request,
            session,
            user,
            issues=issues,
            status=422,
            import_error="Intet er importeret: filerne har fejl.",
            asks=sorted({str(i["code"]) for i in issues} & ASKS),
        )
    url = (
        f"/anvisning?uge={week}&nye={counts['youths_created']}"
        f"&opdaterede={counts['youths_updated']}&boliger={counts['dwellings']}"
    )
    return RedirectResponse(url, status_code=303)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/anvisning/skabelon.xlsx")
def template(user: AllocatorUser) -> Response:
    """An empty week as an Excel workbook with Danish headings and drop-down lists."""
    return Response(
        template_workbook("da"),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="boligmatch-skabelon.xlsx"'},
    )


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
    typed = week.strip()
    error = None
    try:  # 48, uge 48, uge 48, 2026 or 2026-W48; without a year the nearest such week
        week = read_week(typed, local_today())
    except ValueError:
        error = text("page.week_unreadable", "da", text=typed)
    if error is None and session.get(WeekPolicy, week) is None:
        error = text("page.week_not_imported", "da", week=week)
    if error is not None:
        return _overview(request, session, user, run_error=error, week=typed, status=400)
    expire_due(session, user.username)
    session.commit()
    run, created = request_run(get_engine(), week, user.username, force == "1")
    assert run.id is not None
    if created:  # a week that solves in a moment opens finished; a longer one shows progress
        future = request.app.state.jobs.start_run(run.id)
        wait_finished(get_engine(), run.id, PAGE_WAIT_S, future)
    return RedirectResponse(f"/anvisning/koersler/{run.id}", status_code=303)


def _last_change(session: Any) -> str:
    """What changed the data last (an action code and the week), for the stale-run notice."""
    version = session.get(PoolVersion, 1)
    return version.change if version is not None and version.change else "–"


def _run_or_404(session: SessionDep, run_id: int) -> Any:
    try:
        return get_run(session, run_id)
    except NotFoundError:
        raise PageError(404, "Kørslen findes ikke.", "Ikke fundet") from None


@router.get("/anvisning/koersler/{run_id}/status")
def run_status(request: Request, session: SessionDep, user: AllocatorUser, run_id: Id) -> Response:
    """The progress fragment htmx polls; a finished run makes the whole page reload."""
    run = _run_or_404(session, run_id)
    headers = {}
    if run.status in (WorkStatus.DONE.value, WorkStatus.FAILED.value) and request.headers.get(
        "HX-Request"
    ):
        headers["HX-Refresh"] = "true"
    return render(request, "allocator/_run_status.html", {"run": run}, headers=headers)


@router.get("/anvisning/koersler/{run_id}")
def run_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    run_id: Id,
    tilbudt: Annotated[int | None, Query(ge=0, le=10_000)] = None,
    frist: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The run page; ``tilbudt``/``frist``: how many offers the batch just made, and their
    answer date (the notice is written from them, never taken from the URL as text)."""
    notice = None
    if tilbudt is not None:
        try:
            notice = text("batch.done", "da", count=tilbudt, expires=date.fromisoformat(frist))
        except ValueError:
            notice = None
    return render_run(request, session, user, run_id, notice=notice)


MATCH_FILTERS = {"situation": "situation", "omraade": "area", "boligtype": "dwelling_type",
                 "tilbud": "offer"}  # fmt: skip
UNMATCHED_PREFIX = "u_"
UNMATCHED_FILTERS = {"u_aarsag": "reason", "u_situation": "situation",
                     "u_stoette": "support_method"}  # fmt: skip


def _run_views(path: str, lists: RunLists) -> tuple[ListView, ListView]:
    """The two lists of the run page, each keeping the other's parameters in its links."""
    matches = ListView(lists.matches, path, MATCH_FILTERS, ("forslag", "forslag"), "id",
                       anchor="#matches-h")  # fmt: skip
    unmatched = ListView(lists.unmatched, path, UNMATCHED_FILTERS, ("ung", "unge"), "id",
                         prefix=UNMATCHED_PREFIX, anchor="#unmatched-h")  # fmt: skip
    return replace(matches, others=unmatched.params()), replace(unmatched, others=matches.params())


def render_run(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    run_id: int,
    *,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
    chosen: frozenset[int] = frozenset(),
    expires: str = "",
    query: QueryParams | None = None,
    override: dict[str, Any] | None = None,
) -> Response:
    """The run page: proposals, the youths not housed (each a list with search, filters, sort
    and pages), the allocator's decisions for the week, the difference from the run before, and
    the forms to decide, to offer the chosen proposals and to offer outside them (``override``:
    that form's values sent, shown again after a refusal)."""
    run = _run_or_404(session, run_id)
    matches = unmatched = None
    areas: list[tuple[str, str]] = []
    reasons: list[tuple[str, str]] = []
    if run.status == WorkStatus.DONE.value:
        source = request.query_params if query is None else query
        wanted = list_request(source, MATCH_FILTERS)
        wanted_u = list_request(source, UNMATCHED_FILTERS, UNMATCHED_PREFIX)
        lists = run_lists(session, run_id, user.username, wanted, wanted_u)
        matches, unmatched = _run_views(f"/anvisning/koersler/{run_id}", lists)
        shown = {*lists.matches.facets.get("area", {}), matches.value("omraade")} - {""}
        areas = [(a, a) for a in sorted(shown)]
        codes = {*lists.unmatched.facets.get("reason", {}), unmatched.value("u_aarsag")} - {""}
        reasons = sorted(((c, texts.label(texts.REASONS, c)) for c in codes), key=lambda r: r[1])
    today = local_today()
    first, last = expiry_bounds(today)
    default_expiry = today + timedelta(days=get_settings().offer_expiry_days)
    return render(
        request,
        "allocator/run.html",
        context(
            request,
            user,
            run=run,
            stale=is_stale(session, run),
            change=_last_change(session),
            matches=matches,
            unmatched=unmatched,
            fit_sentence=fit_sentence,
            areas=areas,
            reasons=reasons,
            minors=minor_ages(session, {r["youth_ref"] for r in matches.rows}) if matches else {},
            errors=errors or [],
            notice=notice,
            chosen=chosen,
            expires=expires or min(max(default_expiry, first), last).isoformat(),
            expiry_first=first.isoformat(),
            expiry_last=last.isoformat(),
            back=str(source) if run.status == WorkStatus.DONE.value else "",
            override_form=override or {},
            **decision_context(session, run),
        ),
        status_code=status,
    )


@router.post("/anvisning/koersler/{run_id}/tilbud")
def offer_chosen(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    run_id: Id,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    proposal_id: Annotated[list[int], Form()] = [],  # noqa: B006
    expires_on: Annotated[str, Form(max_length=20)] = "",
    tilbage: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Offer every chosen proposal of the run in one step (one transaction: all or none), with
    the answer date given; the run page again (the lists as they were: ``tilbage``), saying
    what was done, or which proposals cannot be offered and why (nothing made)."""
    check_csrf(user, csrf_token)
    run = _run_or_404(session, run_id)
    if any(not 1 <= i <= MAX_ID for i in proposal_id):
        raise PageError(400, text("page.form_invalid", "da"), "Ugyldig forespørgsel")
    chosen = frozenset(proposal_id)

    def again(errors: list[str]) -> Response:
        query = QueryParams(tilbage)
        return render_run(request, session, user, run_id, errors=errors, status=409,
                          chosen=chosen, expires=expires_on, query=query)  # fmt: skip

    try:
        day = date.fromisoformat(expires_on)
    except ValueError:
        return again([text("request.batch_date", "da")])
    try:
        assert run.id is not None
        made = make_offers(session, run.id, list(proposal_id), user.username, day)
    except InvalidRequest as exc:
        session.rollback()
        return again(exc.texts("da"))
    except BatchRefused as exc:
        session.rollback()
        lines = [text("batch.refused", "da", count=len(exc.failures))]
        for f in exc.failures:
            why = f.text("da")
            lines.append(f"{f.youth_ref} i {f.dwelling_ref}: {why}" if f.youth_ref else why)
        return again(lines)
    session.commit()
    kept = [(k, v) for k, v in QueryParams(tilbage).multi_items() if k not in ("tilbudt", "frist")]
    query = urlencode([*kept, ("tilbudt", str(len(made))), ("frist", day.isoformat())])
    return RedirectResponse(f"/anvisning/koersler/{run_id}?{query}#matches-h", 303)


# ----------------------------------------------------------------------------- offers
_CONFLICT = {
    "accept": "Kun et tilbud i tilstanden »Tilbudt« kan accepteres.",
    "decline": "Kun et tilbudt eller accepteret tilbud kan afslås.",
    "sign": "Kun et accepteret tilbud kan få underskrevet kontrakt.",
    "move_in": "Kun et tilbud med underskrevet kontrakt kan registreres som indflyttet.",
}


OFFER_FILTERS = {"tilstand": "state", "uge": "week", "givet_af": "created_by",
                 "udloeber": "expiring"}  # fmt: skip


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _due(day: date, today: date) -> str:
    """How near an offer's answer date is, in words (an offer about to expire)."""
    left = (day - today).days
    if left < 0:
        return text("offer_due.overdue", "da")
    return text("offer_due.today", "da") if left == 0 else text("offer_due.days", "da", days=left)


def _offers_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    *,
    done: str | None = None,
    error: str | None = None,
    status: int = 200,
    note: str = "",
    decline: dict[str, Any] | None = None,
) -> Response:
    """The offers as a list: search, filters (state, week, giver, about to expire, the days
    they were made — Danish days), sort and pages. ``decline``: a refused decline (``id``,
    ``reason``, ``text``, ``error``), whose form opens again as typed with the error under it."""
    query = request.query_params
    fra, til = query.get("fra", "")[:20], query.get("til", "")[:20]
    errors = []
    start_day, end_day = _day(fra), _day(til)
    if fra and start_day is None:
        errors.append(text("page.date_from_invalid", "da"))
    if til and end_day is None:
        errors.append(text("page.date_to_invalid", "da"))
    if start_day and end_day and end_day < start_day:
        errors.append(text("page.dates_reversed", "da"))
    since = until = None
    if start_day:
        since = datetime.combine(start_day, time.min, tzinfo=LOCAL).astimezone(UTC)
    if end_day:
        until = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=LOCAL)
        until = until.astimezone(UTC)
    if errors:  # nothing matches a range that cannot be read
        since, until = datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)
    today = local_today()
    listed = offer_list(session, user.username, list_request(request, OFFER_FILTERS), today,
                        since, until)  # fmt: skip
    dates = {"fra": fra, "til": til}
    view = DatedView(listed.page, "/anvisning/tilbud", OFFER_FILTERS, ("tilbud", "tilbud"),
                     "id", extra=dates)  # fmt: skip
    offers = listed.offers
    return render(
        request,
        "allocator/offers.html",
        context(
            request,
            user,
            view=view,
            offers=offers,
            deposits=deposits(session, offers),
            expiring={o.id: _due(o.expires_on, today) for o in offers if is_expiring(o, today)},
            expiring_count=listed.expiring,
            expiring_days=EXPIRING_DAYS,
            expiring_value=EXPIRING,
            today=today,
            states=[(s.value, texts.label(texts.OFFER_STATE, s.value)) for s in OfferState],
            weeks=[(w, render_week(w, "da")) for w in listed.weeks],
            givers=[(g, g) for g in listed.givers],
            dates=dates,
            done=texts.OFFER_DONE.get(done or "") or note or None,
            error=error or (" ".join(errors) if errors else None),
            reasons=list(DeclineReason),
            minors=minor_ages(session, {o.youth_ref for o in offers}),
            decline=decline,
        ),
        status_code=status if status != 200 else (400 if errors else 200),
    )


@router.get("/anvisning/tilbud")
def offers_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    udfoert: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    note, error = notice(request), notice(request, "fejl")
    return _offers_page(request, session, user, done=udfoert, note=note, error=error or None)


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
    except (ConflictError, NotFoundError) as exc:
        session.rollback()
        # A stale run or the ledger's refusal says why in Danish (the catalogue); else in general.
        said = exc.text("da") if isinstance(exc, ConflictError) else None
        return _offers_page(
            request,
            session,
            user,
            status=409,
            error=said
            or (
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

    def refused(message: str) -> Response:
        """The offers page again, the decline's form open as typed, the error under it and
        in the notice naming the offer."""
        form = {"id": offer_id, "reason": reason, "text": text, "error": message}
        return _offers_page(request, session, user, status=400,
                            error=f"Tilbud {offer_id}: {message}", decline=form)  # fmt: skip

    decline_reason = None
    if action == "decline":
        if reason not in {r.value for r in DeclineReason}:
            return refused("Vælg en årsag til afslaget.")
        if len(text) > 500:
            return refused("Begrundelsen må højst være 500 tegn.")
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
    except ConflictError as exc:  # the ledger's refusal or a minor's missing consent, in Danish
        session.rollback()
        error = exc.text("da") or _CONFLICT[action]
        return _offers_page(request, session, user, status=409, error=error)
    except InvalidRequest as exc:  # the decline text (a CPR number, a NUL character)
        session.rollback()
        return refused("Begrundelsen: " + " ".join(exc.texts("da")))
    session.commit()
    return RedirectResponse(f"/anvisning/tilbud?udfoert={action}#tilbud-{offer_id}", 303)


# ----------------------------------------------------------------------------- quota report
def _report_year(session: Any, aar: int | None) -> tuple[int, list[int]]:
    years = report_years(session)
    return (aar if aar is not None else years[0]), years


YEARS = (2000, 2100)  # the years a report may ask for
ReportYear = Annotated[int | None, Query(ge=YEARS[0], le=YEARS[1])]


def _report_table(lines: list[Any]) -> tuple[list[str], list[list[Any]]]:
    """The report as Danish headings and rows (types as words, the share as a percentage)."""
    header = [texts.QUOTA_REPORT[c] for c in QUOTA_REPORT_COLUMNS]
    rows = []
    for line in lines:
        allowed = "" if line.allowed is None else line.allowed
        share = "" if line.share_used is None else round(100 * line.share_used)
        kind = texts.label(texts.DWELLING_TYPES, line.dwelling_type)
        rows.append([line.organisation, kind, line.period, line.vacancies, line.claimed,
                     line.rate or "", allowed, share])  # fmt: skip
    header[-1] = f"{header[-1]} (%)"
    return header, rows


@router.get("/kvoterapport")
def quota_report_page(
    request: Request,
    session: SessionDep,
    user: AggregateUser,
    aar: Annotated[int | None, Query(ge=-(10**6), le=10**6)] = None,
) -> Response:
    """The quota report for a year: per organisation and dwelling type the vacancies reported,
    claimed, allowed and the share used, with the CSV and Excel downloads. A year outside
    2000–2100 (a typed address) shows the latest year's report with a note, not an error page
    without the report."""
    note = None
    if aar is not None and not YEARS[0] <= aar <= YEARS[1]:
        note = text("page.report_year_outside", "da", year=aar, low=YEARS[0], high=YEARS[1])
        aar = None
    year, years = _report_year(session, aar)
    return render(
        request,
        "allocator/quota_report.html",
        context(
            request,
            user,
            year=year,
            years=years,
            lines=quota_report(session, year),
            year_note=note,
        ),
    )


@router.get("/kvoterapport.csv")
def quota_report_csv(session: SessionDep, user: AggregateUser, aar: ReportYear = None) -> Response:
    year, _ = _report_year(session, aar)
    header, rows = _report_table(quota_report(session, year))
    disposition = f'attachment; filename="kvoterapport-{year}.csv"'
    return Response(csv_text(header, rows, danish=True), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.get("/kvoterapport.xlsx")
def quota_report_xlsx(session: SessionDep, user: AggregateUser, aar: ReportYear = None) -> Response:
    year, _ = _report_year(session, aar)
    header, rows = _report_table(quota_report(session, year))
    data = xlsx_table(f"Kvoterapport {year}", header, rows)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = f'attachment; filename="kvoterapport-{year}.xlsx"'
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})
