"""Planning pages: pick shipped scenarios, run them, watch progress, compare with the baseline.

Built on ``service.usecases.planning`` (the same jobs as ``/api/v1/scenarios``). Results are
aggregates over simulated youths, never persons, so these reads are not audited (starting a job
is).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import RedirectResponse

from solver.planning.kpi import HEADLINE_KPIS

from ..models import MAX_ID, ScenarioJob, WorkStatus
from ..usecases import admin_lists
from ..usecases.errors import InvalidRequest
from ..usecases.planning import (
    MAX_REPLICATIONS,
    PLOT_TYPES,
    available,
    get_job,
    job_csv,
    job_plot,
    job_result,
    job_table,
    start_job,
)
from . import texts
from .common import PlannerUser, SessionDep, context
from .lists import ListView, list_request
from .render import render
from .session import PageError, PageRoute, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

JobId = Annotated[int, Path(ge=1, le=MAX_ID)]
JOB_FILTERS = {"status": "status"}


def scenario_titles() -> dict[str, str]:
    """A scenario's name → its Danish title (the shipped file's description), for pages that
    would otherwise show the file's identifier (``more-youth-dwellings``)."""
    titles = {s["name"]: s["description"] or s["title"] for s in available()}
    titles.update({s["title"]: s["description"] or s["title"] for s in available()})
    titles["baseline"] = texts.label(texts.SCENARIOS, "baseline")
    return titles


def _list_page(
    request: Request,
    session: SessionDep,
    user: PlannerUser,
    *,
    errors: list[str] | None = None,
    chosen: list[str] | None = None,
    replications: str = "",
    status: int = 200,
) -> Response:
    jobs = admin_lists.job_page(session, list_request(request, JOB_FILTERS))
    return render(
        request,
        "planner/list.html",
        context(
            request,
            user,
            scenarios=available(),
            view=ListView(jobs, "/planlaegning", JOB_FILTERS, ("kørsel", "kørsler"), "id"),
            titles=scenario_titles(),
            errors=errors or [],
            chosen=set(chosen or []),
            replications=replications,
            max_replications=MAX_REPLICATIONS,
        ),
        status_code=status,
    )


@router.get("/planlaegning")
def planner_page(request: Request, session: SessionDep, user: PlannerUser) -> Response:
    return _list_page(request, session, user)


@router.post("/planlaegning")
def start(
    request: Request,
    session: SessionDep,
    user: PlannerUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    names: Annotated[list[str] | None, Form()] = None,
    replications: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    chosen = [n for n in names or [] if n][:50]
    errors = []
    reps: int | None = None
    if replications.strip():
        try:
            reps = int(replications.strip())
        except ValueError:
            errors.append("Antal gentagelser skal være et helt tal.")
        else:
            if not 1 <= reps <= MAX_REPLICATIONS:
                errors.append(f"Antal gentagelser skal være mellem 1 og {MAX_REPLICATIONS}.")
    if not chosen:
        errors.append("Vælg mindst ét scenarie.")
    if not errors:
        try:
            job = start_job(session, user.username, chosen, reps, role=user.role)
        except InvalidRequest as exc:
            session.rollback()
            errors.append("Scenarierne kan ikke køres:")
            errors.extend(exc.issues)
        else:
            assert job.id is not None
            request.app.state.jobs.start_planning(job.id)
            return RedirectResponse(f"/planlaegning/{job.id}", status_code=303)
    return _list_page(
        request, session, user, errors=errors, chosen=chosen, replications=replications, status=400
    )


def _job_or_404(session: SessionDep, job_id: int) -> ScenarioJob:
    job = get_job(session, job_id)
    if job is None:
        raise PageError(404, "Planlægningskørslen findes ikke.", "Ikke fundet")
    return job


def _finished(job: ScenarioJob) -> bool:
    return job.status in (WorkStatus.DONE.value, WorkStatus.FAILED.value)


@router.get("/planlaegning/{job_id}/status")
def job_status(request: Request, session: SessionDep, user: PlannerUser, job_id: JobId):
    """The progress fragment htmx polls; a finished job makes the whole page reload."""
    job = _job_or_404(session, job_id)
    headers = {"HX-Refresh": "true"} if _finished(job) and request.headers.get("HX-Request") else {}
    return render(request, "planner/_job_status.html", {"job": job}, headers=headers)


def _grouped(job: ScenarioJob, headline: bool) -> list[dict[str, Any]]:
    """Table rows grouped by scenario, KPI labels in Danish."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in job_table(job, headline=headline):
        row = {**row, "label_da": texts.KPIS.get(row["kpi"], row["label"])}
        for key in ("baseline", "scenario_value", "difference"):
            row[key] = texts.decimal_comma(row[key])
        row["unit_da"] = texts.label(texts.UNITS, row["unit"])
        groups[(row["scenario"], row["baseline_name"])].append(row)
    if headline:
        order = {k: i for i, k in enumerate(HEADLINE_KPIS)}
        for rows in groups.values():
            rows.sort(key=lambda r: order.get(r["kpi"], len(order)))
    return [{"scenario": s, "baseline": b, "rows": rows} for (s, b), rows in groups.items()]


@router.get("/planlaegning/{job_id}")
def job_page(
    request: Request, session: SessionDep, user: PlannerUser, job_id: JobId, alle: str = ""
) -> Response:
    job = _job_or_404(session, job_id)
    result = job_result(job) if job.status == WorkStatus.DONE.value else None
    return render(
        request,
        "planner/job.html",
        context(
            request,
            user,
            job=job,
            groups=_grouped(job, headline=alle != "1") if result is not None else [],
            all_rows=alle == "1",
            meta=result.meta if result is not None else {},
            plots=texts.PLOTS,
            titles=scenario_titles(),
        ),
    )


@router.get("/planlaegning/{job_id}/sammenligning.csv")
def job_csv_download(
    session: SessionDep, user: PlannerUser, job_id: JobId, dialekt: str = ""
) -> Response:
    """The comparison for people (Danish spreadsheet) or, ``?dialekt=maskine``, the machine
    CSV of ``solver.planning.kpi``."""
    job = _job_or_404(session, job_id)
    if job.result_json is None:
        raise PageError(409, "Kørslen er ikke færdig endnu.", "Ikke færdig")
    machine = dialekt == "maskine"
    name = f"sammenligning-{job_id}{'-maskine' if machine else ''}.csv"
    return Response(
        job_csv(job, danish=not machine),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/planlaegning/{job_id}/figurer/{name}.{fmt}")
def job_plot_image(
    session: SessionDep,
    user: PlannerUser,
    job_id: JobId,
    name: Annotated[str, Path(pattern="^(queue_length|wait_distribution)$")],
    fmt: Annotated[str, Path(pattern="^(png|svg)$")],
) -> Response:
    job = _job_or_404(session, job_id)
    if job.result_json is None:
        raise PageError(409, "Kørslen er ikke færdig endnu.", "Ikke færdig")
    data = job_plot(job, name, fmt)
    if data is None:
        raise PageError(404, "Figuren findes ikke.", "Ikke fundet")
    return Response(data, media_type=PLOT_TYPES[fmt], headers={"Cache-Control": "private"})
