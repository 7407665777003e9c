"""Planning simulation at the issue's size: copenhagen, 52 weeks × 100 replications.

Prints one table: wall time with 1 and 2 local worker processes (and their ratio), time per
simulated week, the engine's share of it, and per-week engine time against its peer measured in
the same run — one ``run_case`` on the copenhagen base case (best of 5). Targets (issue 4): the
whole run ≤ 5 minutes; per-week engine time close to a single engine call.

    .venv/bin/python benchmarks/bench_simulate.py            # 100 replications (~2-3 min)
    .venv/bin/python benchmarks/bench_simulate.py --reps 10  # quick look
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.engine.week import run_case  # noqa: E402
from solver.planning.replications import run_replications  # noqa: E402
from solver.planning.scenario import load_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()

    spec = replace(
        load_scenario(ROOT / "scenarios" / "baseline.toml"),
        replications=args.reps,
        horizon_weeks=args.weeks,
    )
    case = spec.case
    single = []
    for _ in range(5):
        t = time.perf_counter()
        run_case(case)
        single.append(time.perf_counter() - t)
    engine_call = min(single)

    console = Console()
    console.print(
        f"copenhagen: {len(case.youths)} youths, {len(case.units)} dwellings; "
        f"{args.weeks} weeks x {args.reps} replications; {os.cpu_count()} cores; "
        f"one engine call on the base case: {engine_call * 1000:.1f} ms (best of 5)"
    )
    table = Table(title="Simulation wall time (copenhagen baseline)")
    for col in ("workers", "wall", "vs 1 worker", "per sim. week", "engine per week",
                "week ÷ its engine", "engine ÷ base call"):  # fmt: skip
        table.add_column(col, justify="right")
    first_wall = None
    reference = None
    for workers in args.workers:
        t = time.perf_counter()
        [reps] = run_replications([spec], workers=workers)
        wall = time.perf_counter() - t
        first_wall = first_wall or wall
        weeks = args.reps * args.weeks
        busy = sum(r.total_seconds for r in reps)
        engine = sum(r.engine_seconds for r in reps)
        numbers = [r.end for r in reps]
        if reference is None:
            reference = numbers
        elif numbers != reference:
            numbers_ok = "DIFFERENT numbers"
            console.print(f"[red]{workers} workers gave {numbers_ok} from the first run[/red]")
        table.add_row(
            str(workers),
            f"{wall:.1f} s",
            f"{first_wall / wall:.2f}x",
            f"{busy / weeks * 1000:.1f} ms",
            f"{engine / weeks * 1000:.1f} ms",
            f"{busy / engine:.2f}x",
            f"{engine / weeks / engine_call:.2f}x",
        )
    console.print(table)
    console.print(
        "'per sim. week' is the replication time in the worker / simulated weeks (all the "
        "simulation's own work included); 'engine per week' is the time inside run_case, so "
        "'week ÷ its engine' is the simulation's overhead over the engine calls it makes; "
        "'engine ÷ base call' compares them with one call on the base case (the simulated "
        "pool and queue drift from the base as weeks pass)."
    )


if __name__ == "__main__":
    main()
