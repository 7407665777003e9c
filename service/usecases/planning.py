"""Planning jobs: what-if scenarios run in the background, their results kept in the database.

A job is one ``solver.planning.simulate.run_scenarios`` call over shipped scenario files
(``scenarios/``) and/or scenario TOML sent with the request, each compared with its baseline.
The job row holds the request, the progress (replications done of all) and, when done, the
whole result as JSON (``solver.planning.kpi.ComparisonResult``), so tables, CSV and plots are
rebuilt from it at any time.

A scenario whose ``base`` is ``"database"`` starts from the live data: the latest imported
week's snapshot, exactly what that week's run would solve (``data.live_case``).

Replications run in ``BOLIGMATCH_SCENARIO_WORKERS`` local processes (default: one per core), or
on the Dask cluster at ``BOLIGMATCH_DASK_SCHEDULER`` when set. Jobs run one at a time on their
own thread, so a long planning job never holds up the allocation office's weekly run.
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from solver.domain import Case
from solver.planning.kpi import HEADLINE_KPIS, ComparisonResult, write_comparison_csv
from solver.planning.scenario import (
    FIXTURE_NAMES,
    ScenarioError,
    ScenarioSpec,
    load_scenario,
    parse_scenario,
)

from ..models import ScenarioJob, WorkStatus, now
from ..settings import get_settings
from .audit import audit
from .data import live_case
from .errors import InvalidRequest

log = logging.getLogger(__name__)

PLOTS = ("queue_length", "wait_distribution")
PLOT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
MAX_REPLICATIONS = 1000  # per scenario, from the API; the CLI has no cap


# --------------------------------------------------------------------------- shipped files


def _files() -> dict[str, Path]:
    folder = get_settings().scenarios_dir
    return {p.stem: p for p in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def available() -> list[dict[str, Any]]:
    """The shipped scenario files: name (file stem), title, description, file, base, horizon."""
    out = []
    for stem, path in _files().items():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, tomllib.TOMLDecodeError):
            continue  # a broken file is reported when someone runs it
        out.append(
            {
                "name": stem,
                "title": str(data.get("name", stem)),
                "description": str(data.get("description", "")).strip(),
                "file": path.name,
                "base": str(data.get("base", "")),
                "horizon_weeks": data.get("horizon_weeks"),
                "replications": data.get("replications"),
                "changes": len(data.get("changes", [])),
            }
        )
    return out


# --------------------------------------------------------------------------- live base


def _specs(session: Session, names: list[str], tomls: list[str]) -> list[ScenarioSpec]:
    """Validate every requested scenario; raise one InvalidRequest naming each bad field."""
    files, issues, specs = _files(), [], []
    live: Case | None = None

    def base_case(data: dict[str, Any]) -> Case | None:
        nonlocal live
        if data.get("base") != "database":
            return None
        if live is None:
            live = live_case(session)
        return live

    for i, name in enumerate(names):
        path = files.get(name)
        if path is None:
            issues.append(f"names[{i}]: no scenario {name!r} (see GET /api/v1/scenarios/available)")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
            specs.append(load_scenario(path, base_case=base_case(data)))
        except ScenarioError as exc:
            issues.extend(f"names[{i}]: {line}" for line in exc.issues)
        except (tomllib.TOMLDecodeError, LookupError) as exc:
            issues.append(f"names[{i}]: {exc}")
    for i, text in enumerate(tomls):
        source = f"toml[{i}]"
        try:
            data = tomllib.loads(text)
            if data.get("base") not in (*FIXTURE_NAMES, "database"):
                # No paths from a request: the server's folders are not the planner's to name.
                names_ok = ", ".join((*FIXTURE_NAMES, "database"))
                issues.append(f"{source}: base: must be one of {names_ok}")
                continue
            case = base_case(data)
            specs.append(
                parse_scenario(
                    data, source=source, default_name=f"scenario {i + 1}", base_case=case
                )
            )
        except tomllib.TOMLDecodeError as exc:
            issues.append(f"{source}: is not valid TOML ({exc})")
        except ScenarioError as exc:
            issues.extend(exc.issues)
        except LookupError as exc:
            issues.append(f"{source}: base: {exc}")
    if not names and not tomls:
        issues.append("names: give at least one scenario name or toml text")
    if issues:
        raise InvalidRequest(issues)
    return specs


# --------------------------------------------------------------------------- jobs


def start_job(
    session: Session,
    username: str,
    names: list[str],
    replications: int | None = None,
    tomls: list[str] | None = None,
) -> ScenarioJob:
    """Validate and record a job (committed, status queued); the caller schedules ``execute``.

    Raises :class:`InvalidRequest` naming each bad field; nothing is written
    then.
    """
    if replications is not None and not 1 <= replications <= MAX_REPLICATIONS:
        raise InvalidRequest([f"replications: must be between 1 and {MAX_REPLICATIONS}"])
    specs = _specs(session, names, tomls or [])
    from solver.planning.simulate import planned_replications

    total = planned_replications(specs, replications)
    job = ScenarioJob(
        names=[s.name for s in specs],
        request={"names": names, "toml": tomls or [], "replications": replications},
        status=WorkStatus.QUEUED.value,
        progress_total=total,
        created_by=username,
    )
    session.add(job)
    session.flush()
    audit(session, username, "scenario.start", "scenario_job", str(job.id), ", ".join(job.names))
    session.commit()
    session.refresh(job)
    _pending[job.id or 0] = specs
    return job


# Validated specs waiting for their thread (keeps the live base as it was at the request).
_pending: dict[int, list[ScenarioSpec]] = {}
_one_at_a_time = threading.Lock()


def execute(engine: Engine, job_id: int) -> None:
    """Run a recorded job to the end; on any failure the job is marked failed with the error."""
    specs = _pending.pop(job_id, None)
    with _one_at_a_time:
        try:
            with Session(engine) as session:
                job = session.get(ScenarioJob, job_id)
                if job is None:
                    return
                if specs is None:  # e.g. after a restart: validate the request again
                    req = job.request
                    specs = _specs(session, list(req.get("names", [])), list(req.get("toml", [])))
                replications = job.request.get("replications")
                job.status = WorkStatus.RUNNING.value
                session.add(job)
                session.commit()

            def progress(done: int, total: int) -> None:
                with Session(engine) as s:
                    j = s.get(ScenarioJob, job_id)
                    if j is not None:
                        j.progress_done, j.progress_total = done, total
                        s.add(j)
                        s.commit()

            from solver.planning.simulate import run_scenarios

            settings = get_settings()
            result = run_scenarios(
                specs,
                replications=replications,
                workers=settings.scenario_workers or None,
                scheduler=settings.dask_scheduler,
                progress=progress,
            )
            with Session(engine) as session:
                job = session.get(ScenarioJob, job_id)
                assert job is not None
                job.result_json = result.to_json()
                job.status = WorkStatus.DONE.value
                job.finished_at = now()
                session.add(job)
                session.commit()
            log.info("scenario job finished", extra={"job_id": job_id})
        except Exception as exc:
            log.exception("scenario job failed", extra={"job_id": job_id})
            with Session(engine) as session:
                job = session.get(ScenarioJob, job_id)
                if job is not None:
                    job.status = WorkStatus.FAILED.value
                    job.error = f"{type(exc).__name__}: {exc}"[:1000]
                    job.finished_at = now()
                    session.add(job)
                    session.commit()


def interrupt_pending(engine: Engine) -> None:
    """Mark this process's jobs that never started as failed (the server is stopping)."""
    ids = list(_pending)
    _pending.clear()
    if not ids:
        return
    with Session(engine) as session:
        for job in session.exec(select(ScenarioJob).where(col(ScenarioJob.id).in_(ids))).all():
            if job.status == WorkStatus.QUEUED.value:
                job.status = WorkStatus.FAILED.value
                job.error = "interrupted: the server stopped before the job started; start it again"
                job.finished_at = now()
                session.add(job)
        session.commit()


def get_job(session: Session, job_id: int) -> ScenarioJob | None:
    return session.get(ScenarioJob, job_id)


def list_jobs(session: Session, limit: int = 100) -> list[ScenarioJob]:
    query = select(ScenarioJob).order_by(col(ScenarioJob.id).desc()).limit(limit)
    return list(session.exec(query).all())


# --------------------------------------------------------------------------- results


@lru_cache(maxsize=8)
def _result(job_id: int, text: str) -> ComparisonResult:
    return ComparisonResult.from_json(text)


def job_result(job: ScenarioJob) -> ComparisonResult | None:
    if job.result_json is None or job.id is None:
        return None
    return _result(job.id, job.result_json)


def job_table(job: ScenarioJob, *, headline: bool = False) -> list[dict[str, Any]]:
    """Rows scenario × KPI: baseline, scenario value and paired difference as ``mean [lo, hi]``."""
    result = job_result(job)
    if result is None:
        return []
    rows = []
    for r in result.table():
        if headline and r.kpi not in HEADLINE_KPIS:
            continue
        digits = 2 if r.unit == "share" else 1
        rows.append(
            {
                "scenario": r.scenario,
                "baseline_name": r.baseline,
                "kpi": r.kpi,
                "label": r.label,
                "unit": r.unit,
                "baseline": r.baseline_value.format(digits),
                "scenario_value": r.scenario_value.format(digits),
                "difference": r.difference.format(digits),
                "significant": r.difference.excludes_zero(),
            }
        )
    return rows


COMPARISON_COLUMNS = ("scenario", "description", "baseline", "kpi", "unit", "baseline_mean",
                      "baseline_lo", "baseline_hi", "scenario_mean", "scenario_lo",
                      "scenario_hi", "difference_mean", "difference_lo", "difference_hi",
                      "replications", "significant")  # fmt: skip


def job_csv(job: ScenarioJob, *, danish: bool = False) -> str:
    """The comparison table as CSV: the machine file (``solver.planning.kpi``'s columns, ``.``
    and ``,``), or ``danish`` for people: the Danish dialect (``;``, decimal comma, BOM,
    ``ja``/``nej``), Danish headings, KPIs and units in Danish words, each scenario with its
    description, numbers to two decimals."""
    result = job_result(job)
    if result is None:
        return ""
    if danish:
        from solver.caseio.write import csv_text
        from solver.i18n.render import label

        titles = {s["name"]: s["description"] for s in available()}
        titles.update({s["title"]: s["description"] for s in available()})
        header = [label("column_comparison", c) for c in COMPARISON_COLUMNS]
        rows = []
        for r in result.table():
            ivs = (r.baseline_value, r.scenario_value, r.difference)
            rows.append([
                r.scenario, titles.get(r.scenario, ""), label("scenario", r.baseline),
                label("kpi", r.kpi), label("kpi_unit", r.unit),
                *(x for iv in ivs for x in (iv.mean, iv.lo, iv.hi)),
                r.difference.n, r.difference.excludes_zero(),
            ])  # fmt: skip
        return csv_text(header, rows, danish=True, decimals=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "comparison.csv"
        write_comparison_csv(result.table(), path)
        return path.read_text(encoding="utf-8")


@lru_cache(maxsize=32)
def _plot(job_id: int, text: str, name: str, fmt: str) -> bytes:
    from solver.reports.plots import plot_queue_length, plot_wait_distribution

    result = _result(job_id, text)
    draw = {"queue_length": plot_queue_length, "wait_distribution": plot_wait_distribution}[name]
    with tempfile.TemporaryDirectory() as tmp:
        paths = draw(result, Path(tmp) / name, lang="da")  # the planners' language
        return io.BytesIO(paths[f"{name}_{fmt}"].read_bytes()).getvalue()


def job_plot(job: ScenarioJob, name: str, fmt: str) -> bytes | None:
    """A plot of a finished job (``queue_length`` or ``wait_distribution``, png or svg), with
    Danish axis texts: the planners read them on their pages."""
    if name not in PLOTS or fmt not in PLOT_TYPES or job.result_json is None or job.id is None:
        return None
    return _plot(job.id, job.result_json, name, fmt)


def job_public(job: ScenarioJob) -> dict[str, Any]:
    """The job as the API shows it (without the bulky result)."""
    result = job_result(job)
    return {
        "id": job.id,
        "names": job.names,
        "status": job.status,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "error": job.error,
        "created_by": job.created_by,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "meta": result.meta if result is not None else None,
    }
