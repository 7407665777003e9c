"""Where a run's time goes besides its solve (issue 15, item 3): the phases of
``service.usecases.runs`` in this process, each as a share of the engine's time in the same run.

For each database (a temporary SQLite file; ``--postgres-url`` names a scratch PostgreSQL
database whose ``public`` schema is dropped and recreated) the schema is migrated, the case is
imported (``usecases.imports.import_week``), and the week is run ``--runs`` times after one
warm-up run, each ``request_run`` (``force``) then ``execute_run``, as ``POST /runs`` does
without the HTTP request around it. The phases are timed by wrapping the functions
``execute_run`` calls:

- **request**: ``request_run`` (the run's row, its audit event, the commit);
- **snapshot**: ``week_snapshot`` (read the week, write its cells and files);
- **case**: ``Snapshot.case`` (the case built from the cells);
- **engine**: the solve (``solver.engine.week.run_case``), whose recorded stage timings are
  the peer of ``bench_service.py``'s ``run ÷ engine``;
- **proposal rows**, **insert**: the proposals as rows and their bulk insert;
- **rest**: everything else in ``execute_run`` (storing the snapshot and its hash, the status
  updates, the commits).

Medians in milliseconds, and each ÷ the engine. ``bench_service.py`` measures the same run end
to end through the API.

Run: ``.venv/bin/python benchmarks/bench_run_phases.py [--cases copenhagen national]
[--postgres-url URL] [--runs N]``.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_queue_load import reset_postgres
from benchmarks.bench_service import BIN, case_folder

PHASES = ("request", "snapshot", "case", "engine", "proposal rows", "insert", "rest")


def imported_week(url: str, name: str, tmp: Path) -> tuple[Any, str]:
    """A database at ``url`` migrated by ``boligmatch db upgrade`` (a PostgreSQL one emptied
    first) holding the case ``name`` imported as the service imports it: its engine and week."""
    from sqlmodel import Session

    from service.db import make_engine
    from service.usecases.imports import import_week
    from solver.caseio.read import read_case

    if url.startswith("postgresql"):
        reset_postgres(url)
    env = {**os.environ, "BOLIGMATCH_DATABASE_URL": url, "BOLIGMATCH_SECRET_KEY": "s" * 40}
    subprocess.run([str(BIN / "boligmatch"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    engine = make_engine(url)
    with Session(engine) as session:
        week, _ = import_week(session, read_case(case_folder(name, tmp)), "bench")
    return engine, week


def measure(url: str, name: str, runs: int, tmp: Path) -> dict[str, float]:
    """The median of each phase over ``runs`` runs of the case ``name``, in seconds."""
    from service.usecases import data
    from service.usecases import runs as run_module
    from solver.engine.week import run_case

    engine, week = imported_week(url, name, tmp)

    times: dict[str, float] = defaultdict(float)

    def timed(phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[phase] += time.perf_counter() - started

        return wrapper

    originals = {
        n: getattr(run_module, n) for n in ("week_snapshot", "proposal_rows", "insert_rows")
    }
    case_of = data.Snapshot.case
    run_module.week_snapshot = timed("snapshot", originals["week_snapshot"])
    run_module.proposal_rows = timed("proposal rows", originals["proposal_rows"])
    run_module.insert_rows = timed("insert", originals["insert_rows"])
    data.Snapshot.case = timed("case", case_of)  # type: ignore[method-assign]
    solver = timed("engine", run_case)
    samples: dict[str, list[float]] = defaultdict(list)
    try:
        for i in range(runs + 1):
            times.clear()
            started = time.perf_counter()
            run, _ = run_module.request_run(engine, week, "bench", force=True)
            requested = time.perf_counter()
            assert run.id is not None
            run_module.execute_run(engine, run.id, solver=solver)
            executed = time.perf_counter() - requested
            if i == 0:
                continue  # warm-up
            samples["request"].append(requested - started)
            for phase in PHASES[1:-1]:
                samples[phase].append(times[phase])
            samples["rest"].append(executed - sum(times.values()))
            samples["total"].append(time.perf_counter() - started)
    finally:
        for n, fn in originals.items():
            setattr(run_module, n, fn)
        data.Snapshot.case = case_of  # type: ignore[method-assign]
        engine.dispose()
    return {phase: statistics.median(values) for phase, values in samples.items()}


def table(results: list[tuple[str, str, dict[str, float]]]) -> str:
    lines = [
        "| database | case | " + " | ".join(PHASES) + " | total | total ÷ engine |",
        "|---|---|" + "---|" * (len(PHASES) + 2),
    ]
    for database, name, r in results:
        engine = r["engine"]
        cells = [f"{r[p] * 1000:.1f} ({r[p] / engine:.2f}×)" for p in PHASES]
        lines.append(f"| {database} | {name} | " + " | ".join(cells)
                     + f" | {r['total'] * 1000:.1f} | {r['total'] / engine:.2f}× |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=["copenhagen"])
    parser.add_argument("--postgres-url", help="a scratch PostgreSQL database (reset)")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per case")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        backends = [("SQLite", lambda n: f"sqlite:///{tmp / n}.db")]
        if args.postgres_url:
            backends.append(("PostgreSQL", lambda n: args.postgres_url))
        for database, url in backends:
            for name in args.cases:
                runs = args.runs if name == "copenhagen" else max(1, args.runs // 10)
                results.append((database, name, measure(url(name), name, runs, tmp)))
    load = os.getloadavg()[0]
    print(f"Milliseconds per run (median), each ÷ the engine's; 1-minute load average {load:.1f}.")
    print()
    print(table(results))


if __name__ == "__main__":
    main()
