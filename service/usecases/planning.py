"""Planning jobs: what-if scenarios run in the background, their results kept in the database.

A job is one ``solver.planning.replications.run_scenarios`` call over shipped scenario files
(``scenarios/``) and/or scenario TOML sent with the request, each compared with its baseline.
The job row holds the request, the progress (replications done of all) and, when done, the
whole result as JSON (``solver.planning.kpi.ComparisonResult``), so tables, CSV and plots are
rebuilt from it at any time.

A scenario whose ``base`` is ``"database"`` starts from the live data: the latest imported
week's snapshot, exactly what that week's run would solve (``data.live_case``).

Replications run in ``BOLIGMATCH_SCENARIO_WORKERS`` local processes (default: one per core), or
on the Dask cluster at ``BOLIGMATCH_DASK_SCHEDULER`` when set. A job runs in a child process of
its server (``service.jobs``), one at a time, so a long planning job never holds up the
allocation office's weekly run, and it ends with its server.

A job is held under a lease (``service.leases``) by the server that runs it. When that server
dies, :func:`sweep` queues the job again for any server to take (:func:`claim_queued`), until it
has been begun ``MAX_ATTEMPTS`` times; then it fails as interrupted.
"""

from __future__ import annotations

import io
import logging
import tempfile
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import Session, col, select

from solver.caseio.write import csv_text
from solver.domain import Case
from solver.i18n.render import label
from solver.planning.kpi import HEADLINE_KPIS, ComparisonResult
from solver.planning.scenario import (
    FIXTURE_NAMES,
    ScenarioError,
    ScenarioIssue,
    ScenarioSpec,
    load_scenario,
    parse_scenario,
)

from .. import leases
from ..models import ScenarioJob, WorkStatus, now
from ..settings import get_settings
from .audit import audit
from .data import live_case
from .errors import InvalidRequest, Problem

log = logging.getLogger(__name__)

PLOTS = ("queue_length", "wait_distribution")
PLOT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
MAX_REPLICATIONS = 1000  # per scenario, from the API; the CLI has no cap
MAX_SEED = 2**32 - 1  # a job's seed override (numpy takes any; this keeps it a plain integer)


@dataclass(frozen=True)
class ScenarioBounds:
    """How big a scenario a role may start from the service (the CLI has no bounds). A planner's
    bounds cover every shipped scenario (52 weeks, 100 replications, at most 4 changes) with
    room; a job past them would hold the machine for hours (a 100,000-week horizon for days)."""

    horizon_weeks: int
    replications: int
    changes: int


BOUNDS = {
    "planner": ScenarioBounds(horizon_weeks=260, replications=200, changes=50),
    "admin": ScenarioBounds(horizon_weeks=520, replications=MAX_REPLICATIONS, changes=200),
}


def check_bounds(specs: list[ScenarioSpec], replications: int | None, role: str) -> None:
    """InvalidRequest naming each scenario past ``role``'s bounds."""
    bounds = BOUNDS.get(role, BOUNDS["planner"])
    issues: list[Problem] = []
    for spec in specs:
        reps = replications if replications is not None else spec.replications
        for key, value, limit in (("horizon_weeks", spec.horizon_weeks, bounds.horizon_weeks),
                                  ("replications", reps, bounds.replications),
                                  ("changes", len(spec.changes), bounds.changes)):  # fmt: skip
            if value > limit:
                params = {"value": value, "limit": limit, "role": role}
                issues.append(Problem(key, "over_bound", params, where=spec.name))
    if issues:
        raise InvalidRequest(issues)


MAX_ATTEMPTS = 2  # a job whose server died this often while running it fails
INTERRUPTED = "interrupted: the server running the job stopped; start it again"


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


MAX_TOML_DEPTH = 8  # a scenario file nests 3 levels ([[changes]] and its tables)


def _depth(data: Any) -> int:
    """How deep tables and arrays nest in parsed TOML (without recursion: dotted keys make
    any depth without a bracket)."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_TOML_DEPTH:
            break
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
    return deepest


def _problem(issue: ScenarioIssue, where: str) -> Problem:
    """A scenario file's issue as a request's problem, held by ``where``."""
    return Problem(issue.key, issue.code, issue.params, "scenario", where=where)


def _specs(session: Session, names: list[str], tomls: list[str]) -> list[ScenarioSpec]:
    """Validate every requested scenario; raise one InvalidRequest naming each bad field (the
    catalogue's codes: the API says them in English, the pages in Danish)."""
    files, specs = _files(), []
    issues: list[Problem] = []
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
            issues.append(Problem(f"names[{i}]", "no_scenario", {"name": name}))
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
            specs.append(load_scenario(path, base_case=base_case(data)))
        except ScenarioError as exc:
            # The file by its name: the server's folders are not the planner's to read.
            issues.extend(_problem(p, f"names[{i}]: {path.name}" if p.source else f"names[{i}]")
                          for p in exc.problems)  # fmt: skip
        except (tomllib.TOMLDecodeError, LookupError) as exc:
            issues.append(Problem(f"names[{i}]", "scenario_file", {"error": str(exc)}))
    for i, text in enumerate(tomls):
        source = f"toml[{i}]"
        try:
            data = tomllib.loads(text)
            if _depth(data) > MAX_TOML_DEPTH:
                issues.append(Problem(source, "toml_too_deep", {"limit": MAX_TOML_DEPTH}, "limit"))
                continue
            if data.get("base") not in (*FIXTURE_NAMES, "database"):
                # No paths from a request: the server's folders are not the planner's to name.
                names_ok = ", ".join((*FIXTURE_NAMES, "database"))
                issues.append(Problem("base", "scenario_base", {"names": names_ok}, where=source))
                continue
            case = base_case(data)
            specs.append(
                parse_scenario(
                    data, source=source, default_name=f"scenario {i + 1}", base_case=case
                )
            )
        except tomllib.TOMLDecodeError as exc:
            issues.append(Problem(source, "not_toml", {"error": str(exc)}, "scenario"))
        except RecursionError:
            issues.append(Problem(source, "toml_too_deep", {"limit": MAX_TOML_DEPTH}, "limit"))
        except ScenarioError as exc:
            issues.extend(_problem(p, p.source) for p in exc.problems)
        except LookupError as exc:
            issues.append(Problem("base", "base_unreadable", {"error": str(exc)}, "scenario",
                                  where=source))  # fmt: skip
    if not names and not tomls:
        issues.append(Problem("names", "no_scenarios"))
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
    role: str = "planner",
    seed: int | None = None,
) -> ScenarioJob:
    """Validate and record a job (committed, status queued); the caller schedules ``execute``.

    Raises :class:`InvalidRequest` naming each bad field, or each bound of ``role`` a scenario
    passes (:data:`BOUNDS`); nothing is written then.
    """
    if replications is not None and not 1 <= replications <= MAX_REPLICATIONS:
        raise InvalidRequest([Problem("replications", "between",
                                      {"low": 1, "high": MAX_REPLICATIONS})])  # fmt: skip
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidRequest([Problem("seed", "between", {"low": 0, "high": MAX_SEED})])
    specs = _specs(session, names, tomls or [])
    check_bounds(specs, replications, role)
    from solver.planning.replications import planned_replications

    total = planned_replications(specs, replications)
    job = ScenarioJob(
        names=[s.name for s in specs],
        request={
            "names": names,
            "toml": tomls or [],
            "replications": replications,
            "seed": seed,
        },
        status=WorkStatus.QUEUED.value,
        progress_total=total,
        created_by=username,
        owner=leases.owner(),
        heartbeat_at=now(),
    )
    session.add(job)
    session.flush()
    audit(session, username, "scenario.start", "scenario_job", str(job.id), ", ".join(job.names))
    session.commit()
    session.refresh(job)
    _pending[job.id or 0] = specs
    return job


# Validated specs waiting for their process (keeps the live base as it was at the request).
_pending: dict[int, list[ScenarioSpec]] = {}


def take_pending(job_id: int) -> list[ScenarioSpec] | None:
    """The specs validated at the request, if this process made it (else None)."""
    return _pending.pop(job_id, None)


def _owned(job_id: int, owner: str, *states: str) -> Any:
    return (
        update(ScenarioJob)
        .where(
            col(ScenarioJob.id) == job_id,
            col(ScenarioJob.owner) == owner,
            col(ScenarioJob.status).in_(states),
        )
        .execution_options(synchronize_session=False)
    )


def execute(
    engine: Engine, job_id: int, specs: list[ScenarioSpec] | None = None, owner: str | None = None
) -> None:
    """Run a recorded job to the end; on any failure the job is marked failed with the error.

    ``owner``: the lease holder (the server; this may be its child process). Nothing is written
    once the lease is lost."""
    owner = owner or leases.owner()
    queued, running = WorkStatus.QUEUED.value, WorkStatus.RUNNING.value
    try:
        with Session(engine) as session:
            job = session.get(ScenarioJob, job_id)
            if job is None:
                return
            if specs is None:  # e.g. after a restart: validate the request again
                req = job.request
                specs = _specs(session, list(req.get("names", [])), list(req.get("toml", [])))
            replications = job.request.get("replications")
            seed = job.request.get("seed")
            begun = session.execute(
                _owned(job_id, owner, queued).values(
                    status=running, attempts=col(ScenarioJob.attempts) + 1, progress_done=0
                )
            )
            session.commit()
            if begun.rowcount != 1:  # type: ignore[attr-defined]
                log.warning("scenario job not held; not started", extra={"job_id": job_id})
                return

        def progress(done: int, total: int) -> None:
            with Session(engine) as s:
                s.execute(
                    _owned(job_id, owner, running).values(progress_done=done, progress_total=total)
                )
                s.commit()

        from solver.planning.replications import run_scenarios

        settings = get_settings()
        result = run_scenarios(
            specs,
            replications=replications,
            seed=seed,
            workers=settings.scenario_workers or None,
            scheduler=settings.dask_scheduler,
            progress=progress,
        )
        with Session(engine) as session:
            session.execute(
                _owned(job_id, owner, running).values(
                    result_json=result.to_json(), status=WorkStatus.DONE.value, finished_at=now()
                )
            )
            session.commit()
        log.info("scenario job finished", extra={"job_id": job_id})
    except Exception as exc:
        log.exception("scenario job failed", extra={"job_id": job_id})
        with Session(engine) as session:
            session.execute(
                _owned(job_id, owner, queued, running).values(
                    status=WorkStatus.FAILED.value,
                    finished_at=now(),
                    error=f"{type(exc).__name__}: {exc}"[:1000],
                )
            )
            session.commit()


def execute_in_child(url: str, job_id: int, specs: list[ScenarioSpec] | None, owner: str) -> None:
    """:func:`execute` in a child process of the server (its own engine)."""
    from ..db import make_engine

    engine = make_engine(url)
    try:
        execute(engine, job_id, specs, owner)
    finally:
        engine.dispose()


def sweep(engine: Engine) -> int:
    """Queue again (for any server) the jobs whose lease expired, or fail them as interrupted
    once begun ``MAX_ATTEMPTS`` times. Returns how many."""
    active = col(ScenarioJob.status).in_((WorkStatus.QUEUED.value, WorkStatus.RUNNING.value))
    with Session(engine) as session:
        rows = session.exec(
            select(ScenarioJob).where(active, col(ScenarioJob.owner).is_not(None))
        ).all()
        dead, limit = set(leases.dead_owners([r.owner for r in rows])), leases.cutoff()
        count = 0
        for r in rows:
            if r.owner not in dead and r.heartbeat_at is not None and r.heartbeat_at >= limit:
                continue
            assert r.id is not None and r.owner is not None
            if r.attempts >= MAX_ATTEMPTS:
                values: dict[str, Any] = {
                    "status": WorkStatus.FAILED.value,
                    "error": INTERRUPTED,
                    "finished_at": now(),
                    "owner": None,
                }
            else:
                values = {"status": WorkStatus.QUEUED.value, "owner": None, "heartbeat_at": None}
            count += session.execute(_owned(r.id, r.owner, r.status).values(**values)).rowcount  # type: ignore[attr-defined]
        # Jobs of the code before leases, left running by a server that stopped.
        orphans = and_(
            col(ScenarioJob.status) == WorkStatus.RUNNING.value, col(ScenarioJob.owner).is_(None)
        )
        count += session.execute(
            update(ScenarioJob)
            .where(orphans)
            .values(status=WorkStatus.FAILED.value, error=INTERRUPTED, finished_at=now())
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    if count:
        log.warning("planning jobs swept", extra={"jobs": count})
    return count


def claim_queued(engine: Engine, limit: int = 1) -> list[int]:
    """Take up to ``limit`` queued jobs nobody holds (re-queued by a sweep, or released by a
    server that stopped), oldest first; held by this process when returned."""
    free = and_(
        col(ScenarioJob.status) == WorkStatus.QUEUED.value, col(ScenarioJob.owner).is_(None)
    )
    taken = []
    with Session(engine) as session:
        ids = session.exec(
            select(ScenarioJob.id).where(free).order_by(col(ScenarioJob.id)).limit(limit)
        ).all()
        for job_id in ids:
            claim = update(ScenarioJob).where(col(ScenarioJob.id) == job_id, free)
            claim = claim.values(owner=leases.owner(), heartbeat_at=now())
            if session.execute(claim).rowcount == 1:  # type: ignore[attr-defined]
                taken.append(int(job_id))  # type: ignore[arg-type]
        session.commit()
    return taken


def release(engine: Engine, job_ids: list[int]) -> None:
    """This server stops: its jobs go back to the queue for the next server (a job that had
    begun counts that attempt)."""
    _pending.clear()
    if not job_ids:
        return
    mine = or_(
        col(ScenarioJob.status) == WorkStatus.QUEUED.value,
        col(ScenarioJob.status) == WorkStatus.RUNNING.value,
    )
    with Session(engine) as session:
        session.execute(
            update(ScenarioJob)
            .where(col(ScenarioJob.id).in_(job_ids), col(ScenarioJob.owner) == leases.owner(), mine)
            .values(status=WorkStatus.QUEUED.value, owner=None, heartbeat_at=None)
        )
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


# --------------------------------------------------------------------------- side by side

# The policy-value table: what each scenario buys (those a finished result has; a result from
# before a KPI existed shows a dash).
VALUE_KPIS = (
    "housed",
    "wait_median_weeks",
    "still_homeless_end",
    "still_housed_at_horizon",
    "tenancies_lost",
    "hindsight_share",
)
# The fairness tables: one per measure, a row per group (situation; gender and Greenlandic
# background for monitoring only).
FAIRNESS_MEASURES = ("housed_share", "wait_median", "still_housed_share")
MAX_COMPARED_JOBS = 6


def compare_jobs(session: Session, job_ids: list[int]) -> list[dict[str, Any]]:
    """Every baseline and scenario of the given finished jobs, side by side: one column each
    (job id, name, whether it is a baseline, its KPIs as intervals). Unknown or unfinished jobs
    are left out; at most :data:`MAX_COMPARED_JOBS`."""
    columns = []
    for job_id in dict.fromkeys(job_ids[:MAX_COMPARED_JOBS]):
        job = get_job(session, job_id)
        result = job_result(job) if job is not None else None
        if result is None:
            continue
        for sr in [*result.baselines, *result.scenarios]:
            columns.append(
                {"job": job_id, "name": sr.name, "baseline": sr.baseline is None,
                 "kpis": sr.kpis(), "base": sr.spec.get("base"),
                 "horizon_weeks": sr.spec.get("horizon_weeks"),
                 "replications": len(sr.replications)}
            )  # fmt: skip
    return columns


def mixed_premises(columns: list[dict[str, Any]]) -> list[str]:
    """The premises (``base``, ``horizon_weeks``) on which the compared columns differ: their
    figures then answer different questions (another week's pool, another period), and the
    comparison page says so."""
    return [key for key in ("base", "horizon_weeks") if len({c[key] for c in columns}) > 1]


def finished_jobs(session: Session, limit: int = 30) -> list[ScenarioJob]:
    """The latest finished jobs, newest first (to choose from for a comparison)."""
    query = (
        select(ScenarioJob)
        .where(col(ScenarioJob.status) == WorkStatus.DONE.value)
        .order_by(col(ScenarioJob.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def kpi_bars(
    session: Session,
    job_ids: list[int],
    kpi: str,
    title: str,
    titles: dict[str, str] | None = None,
) -> bytes | None:
    """A bar per compared scenario for one KPI (PNG), or None for an unknown KPI; ``titles``
    names the scenarios as the page does."""
    from solver.planning.kpi import END_KPIS
    from solver.reports.plots import plot_kpi_bars

    if kpi not in END_KPIS:
        return None
    columns = compare_jobs(session, job_ids)
    names = [f"{c['job']}: {(titles or {}).get(c['name'], c['name'])}" for c in columns]
    return plot_kpi_bars(names, [c["kpis"][kpi] for c in columns], title, lang="da")


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
    # The machine file through the one writer too: a cell a spreadsheet would run as a formula
    # (a scenario named ``=HYPERLINK(…)``) is escaped.
    machine = [r.as_csv() for r in result.table()]

    def value(key: str, cell: Any) -> Any:  # numbers as numbers (a negative one is no formula)
        return float(cell) if key.endswith(("_mean", "_lo", "_hi")) and cell != "" else cell

    return csv_text(
        list(machine[0]) if machine else [], ([value(k, v) for k, v in r.items()] for r in machine)
    )


@lru_cache(maxsize=32)
def _plot(job_id: int, text: str, name: str, fmt: str) -> bytes:
    from solver.reports.plots import plot_queue_length, plot_wait_distribution

    result = _result(job_id, text)
    draw = {"queue_length": plot_queue_length, "wait_distribution": plot_wait_distribution}[name]
    names = {"baseline": label("scenario", "baseline", "da")}  # as the planner's pages name it
    with tempfile.TemporaryDirectory() as tmp:
        paths = draw(result, Path(tmp) / name, lang="da", names=names)  # the planners' language
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
