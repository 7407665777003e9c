"""Planning pages: pick shipped scenarios or compose one from a form, run them, watch progress,
compare with the baseline, and compare finished jobs side by side (policy value and fairness).

Built on ``service.usecases.planning`` (the same jobs as ``/api/v1/scenarios``). Results are
aggregates over simulated youths, never persons, so these reads are not audited (starting a job
is).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import fields
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import TypeAdapter

from solver.i18n.render import text
from solver.planning.kpi import END_KPIS, HEADLINE_KPIS, MONITORING, SITUATIONS, Interval
from solver.planning.scenario import CHANGE_KINDS, FIXTURE_NAMES, scenario_toml

from ..models import MAX_ID, ScenarioJob, WorkStatus
from ..usecases import admin_lists
from ..usecases.errors import InvalidRequest
from ..usecases.planning import (
    FAIRNESS_MEASURES,
    MAX_COMPARED_JOBS,
    MAX_REPLICATIONS,
    MAX_SEED,
    PLOT_TYPES,
    VALUE_KPIS,
    available,
    compare_jobs,
    finished_jobs,
    get_job,
    job_csv,
    job_plot,
    job_result,
    job_table,
    kpi_bars,
    mixed_premises,
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
    seed: str = "",
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
            seed=seed,
            max_seed=MAX_SEED,
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
    seed: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    chosen = [n for n in names or [] if n][:50]
    errors: list[str] = []
    reps = _whole(replications, 1, MAX_REPLICATIONS, "page.replications", errors)
    chosen_seed = _whole(seed, 0, MAX_SEED, "page.seed", errors)
    if not chosen:
        errors.append(text("page.choose_scenario", "da"))
    if not errors:
        try:
            job = start_job(session, user.username, chosen, reps, role=user.role, seed=chosen_seed)
        except InvalidRequest as exc:
            session.rollback()
            # in Danish from the catalogue, each naming the scenario file and its key
            errors = [text("page.scenarios_invalid", "da"), *exc.lines("da")]
        else:
            assert job.id is not None
            request.app.state.jobs.start_planning(job.id)
            return RedirectResponse(f"/planlaegning/{job.id}", status_code=303)
    return _list_page(
        request, session, user, errors=errors, chosen=chosen, replications=replications,
        seed=seed, status=400,
    )  # fmt: skip


def _whole(value: str, low: int, high: int, key: str, errors: list[str]) -> int | None:
    """A form's optional whole number in ``[low, high]`` (empty: ``None``); a bad one adds the
    catalogue's ``{key}_whole`` or ``{key}_range`` sentence to ``errors``."""
    if not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        errors.append(text(f"{key}_whole", "da"))
        return None
    if not low <= number <= high:
        errors.append(text(f"{key}_range", "da", low=low, high=high))
        return None
    return number


# --------------------------------------------------------------------------- compose a scenario

# Keys the form leaves to files: free text per change, and the priority tables (a preset stands
# for them on the form).
_NOT_ON_FORM = ("note", "kind", "points", "situation_rank", "order")
_TOP = ("name", "description", "base", "horizon_weeks", "replications", "seed")
_OPTIONS = {  # a field's choices → the catalogue table that names them in Danish
    "dwelling_type": texts.DWELLING_TYPES,
    "pets": texts.PET_POLICIES,
    "income_type": texts.INCOME_TYPES,
    "method": texts.table("matching_method"),
    "preset": texts.PRESETS,
}
FIELD_LABELS = texts.table("scenario_field")
# What each compared column was simulated on, shown above its figures.
PREMISES = ("base", "horizon_weeks", "replications")
KIND_LABELS = texts.table("scenario_kind")
GROUPS = texts.table("group")
FAIRNESS = texts.table("fairness")


def _input(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """How a schema property is asked for: number, integer, checkbox, select (with its
    choices) or text; ``required`` when the schema has no default."""
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    one = options[0] if options else {}
    if "$ref" in one:
        one = defs[one["$ref"].split("/")[-1]]
    kind = "text"
    choices: list[str] = []
    if "enum" in one:
        kind, choices = "select", [str(v) for v in one["enum"]]
    elif "const" in one:
        kind, choices = "select", [str(one["const"])]
    elif one.get("type") == "integer":
        kind = "integer"
    elif one.get("type") == "number":
        kind = "number"
    elif one.get("type") == "boolean":
        kind = "checkbox"
    default = prop.get("default")
    if isinstance(default, bool) or default is None:
        shown = "" if default is None else default
    else:
        shown = str(default)
    return {"kind": kind, "choices": choices, "default": shown, "required": "default" not in prop}


def change_forms() -> list[dict[str, Any]]:
    """A fieldset per change kind, its inputs generated from the scenario schema."""
    out = []
    for kind, cls in CHANGE_KINDS.items():
        schema = TypeAdapter(cls).json_schema()
        props, defs = schema["properties"], schema.get("$defs", {})
        inputs = []
        for f in fields(cls):
            if f.name in _NOT_ON_FORM or f.name not in props:
                continue
            spec = _input(props[f.name], defs)
            words = _OPTIONS.get(f.name, {})
            spec["choices"] = [(c, texts.label(words, c)) for c in spec["choices"]]
            inputs.append({"name": f.name, "label": texts.label(FIELD_LABELS, f.name), **spec})
        out.append({"kind": kind, "label": texts.label(KIND_LABELS, kind), "inputs": inputs})
    return out


def _typed(kind: str, text: str) -> Any:
    """A form value as the schema's type where it reads as one; otherwise the text, so the
    schema names the key and what it should be."""
    text = text.strip()
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text.replace(",", "."))
            return number if math.isfinite(number) else text
    except ValueError:
        return text
    return text


def composed(form: Any) -> dict[str, Any]:
    """The scenario the form describes, shaped like a scenario file."""
    data: dict[str, Any] = {}
    for key in _TOP:
        value = str(form.get(key, "")).strip()
        if value:
            data[key] = _typed("integer", value) if key in _TOP[3:] else value
    changes = []
    chosen = set(form.getlist("kinds")) if hasattr(form, "getlist") else set()
    for f in change_forms():
        if f["kind"] not in chosen:
            continue
        change: dict[str, Any] = {"kind": f["kind"]}
        for i in f["inputs"]:
            raw = form.get(f"{f['kind']}.{i['name']}")
            if i["kind"] == "checkbox":
                change[i["name"]] = raw is not None
            elif raw is not None and str(raw).strip():
                change[i["name"]] = _typed(i["kind"], str(raw))
        changes.append(change)
    data["changes"] = changes
    return data


_CHANGE_KEY = re.compile(r"changes\[(\d+)\](?:\.(\w+))?")


def _key_words(key: str, changes: list[dict[str, Any]]) -> str:
    """A scenario key as the form names it: a field by its label, a change's field
    (``changes[2].rent``) by its label under the change's heading; any other key as it is."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    match = _CHANGE_KEY.fullmatch(key)
    if match and 1 <= int(match[1]) <= len(changes):
        kind = changes[int(match[1]) - 1]["kind"]
        if match[2] is None:
            return text("page.scenario_change", "da", kind=kind)
        if match[2] in FIELD_LABELS:
            return text("page.scenario_change_field", "da", kind=kind, field=match[2])
    return key


def _form_lines(exc: InvalidRequest, changes: list[dict[str, Any]]) -> list[str]:
    """Each problem of the composed scenario in Danish, naming its field as the form does."""
    lines = []
    for item in exc.items:
        if isinstance(item, str):
            lines.append(item)
            continue
        parts = (_key_words(item.field, changes), item.text("da"))
        lines.append(": ".join(part for part in parts if part))
    return lines


def _compose_page(
    request: Request,
    user: PlannerUser,
    *,
    values: dict[str, Any] | None = None,
    chosen: set[str] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "planner/compose.html",
        context(
            request,
            user,
            forms=change_forms(),
            bases=(*FIXTURE_NAMES, "database"),
            labels=FIELD_LABELS,
            values=values or {},
            chosen=chosen or set(),
            errors=errors or [],
            max_replications=MAX_REPLICATIONS,
        ),
        status_code=status,
    )


@router.get("/planlaegning/ny")
def compose_page(request: Request, user: PlannerUser) -> Response:
    return _compose_page(request, user)


@router.post("/planlaegning/ny")
async def compose(request: Request, session: SessionDep, user: PlannerUser) -> Response:
    form = await request.form()
    check_csrf(user, str(form.get("csrf_token", ""))[:200])
    values = {k: str(v)[:500] for k, v in form.items() if isinstance(v, str)}
    chosen = {str(k) for k in form.getlist("kinds")}
    data = composed(form)
    try:
        job = start_job(session, user.username, [], None, [scenario_toml(data)], role=user.role)
    except InvalidRequest as exc:
        session.rollback()
        # in Danish from the catalogue, each naming its field (the form is the only scenario)
        errors = [text("page.scenario_invalid", "da"), *_form_lines(exc, data["changes"])]
        return _compose_page(request, user, values=values, chosen=chosen, errors=errors, status=400)
    assert job.id is not None
    request.app.state.jobs.start_planning(job.id)
    return RedirectResponse(f"/planlaegning/{job.id}", status_code=303)


# --------------------------------------------------------------------------- side by side

JobIds = Annotated[list[int], Query(alias="koersel", max_length=MAX_COMPARED_JOBS)]


def _cell(iv: Interval | None, unit: str) -> str:
    if iv is None or iv.n == 0 or math.isnan(iv.mean):
        return "–"
    return texts.decimal_comma(iv.format(2 if unit == "share" else 1))


@router.get("/planlaegning/sammenlign")
def compare_page(
    request: Request,
    session: SessionDep,
    user: PlannerUser,
    koersel: JobIds = [],  # noqa: B006
) -> Response:
    ids = [i for i in koersel if 1 <= i <= MAX_ID]
    columns = compare_jobs(session, ids)
    value_rows = [
        {
            "kpi": k,
            "label": texts.KPIS.get(k, END_KPIS[k][0]),
            "unit": texts.label(texts.UNITS, END_KPIS[k][1]),
            "cells": [_cell(c["kpis"].get(k), END_KPIS[k][1]) for c in columns],
        }
        for k in VALUE_KPIS
        if k in END_KPIS
    ]
    groups = [*SITUATIONS, *MONITORING]
    fairness = []
    for measure in FAIRNESS_MEASURES:
        unit = END_KPIS[f"{measure}_{groups[0]}"][1]
        rows = [
            {
                "group": g,
                "label": texts.label(GROUPS, g),
                "monitoring": g in MONITORING,
                "cells": [_cell(c["kpis"].get(f"{measure}_{g}"), unit) for c in columns],
            }
            for g in groups
            if f"{measure}_{g}" in END_KPIS
        ]
        fairness.append({"measure": measure, "title": texts.label(FAIRNESS, measure), "rows": rows})
    return render(
        request,
        "planner/compare.html",
        context(
            request,
            user,
            jobs=finished_jobs(session),
            chosen=set(ids),
            columns=columns,
            titles=scenario_titles(),
            value_rows=value_rows,
            premises=[(k, texts.label(FIELD_LABELS, k)) for k in PREMISES],
            mixed=[texts.label(FIELD_LABELS, k) for k in mixed_premises(columns)],
            fairness=fairness,
            query="&".join(f"koersel={i}" for i in dict.fromkeys(ids)),
            max_jobs=MAX_COMPARED_JOBS,
        ),
    )


@router.get("/planlaegning/sammenlign/figur/{kpi}.png")
def compare_plot(
    session: SessionDep,
    user: PlannerUser,
    kpi: Annotated[str, Path(pattern="^[a-z0-9_]{1,60}$")],
    koersel: JobIds = [],  # noqa: B006
) -> Response:
    ids = [i for i in koersel if 1 <= i <= MAX_ID]
    title = texts.KPIS.get(kpi, kpi)
    data = kpi_bars(session, ids, kpi, title, scenario_titles())
    if data is None:
        raise PageError(404, "Figuren findes ikke.", "Ikke fundet")
    return Response(data, media_type="image/png", headers={"Cache-Control": "private"})


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
