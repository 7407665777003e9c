"""The floor of a durable run on SQLite (issue 15, item 3): what any implementation of
``POST /runs`` must at least spend besides the solve, measured against the engine in one run.

``bench_run_phases.py`` shows where the service's run spends its time. This script asks how
low that could go. On the service's own schema (migrated), after the service imported the
case, it times the least a run that is bound to its data must do, with the standard library's
``sqlite3`` and no ORM, and everything that is not database work prepared beforehand:

1. **request**: insert the run's row and commit (a queued run is visible and survives a crash);
2. **read**: select the week's waiting youths and vacant dwellings (every column the snapshot
   holds) — the run's input, read in its transaction;
3. **bind**: store the input snapshot (the case files as the service stores them, already
   serialised) and its hash on the run's row, and commit;
4. **engine**: the solve (``solver.engine.week.run_case`` on the case, built beforehand);
5. **store**: insert the proposal rows (already built, the JSON columns already serialised)
   with one ``executemany``, mark the run done, and commit.

Left out, so the floor is generous: building the case from the rows (validation), serialising
the snapshot and hashing it, turning the result into rows, the audit event, the lease and the
HTTP request. The service's pragmas are used (WAL, ``synchronous=NORMAL``). The figures are
medians of ``--runs`` runs after one warm-up; the ratio is the floor ÷ the engine in the same
run, beside issue 15's target of 1.5× for the whole ``POST /runs``.

Run: ``.venv/bin/python benchmarks/bench_run_floor.py [--cases copenhagen national] [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_run_phases import imported_week

TARGET = 1.5
STEPS = ("request", "read", "bind", "engine", "store")


def _prepared(db: Path, name: str, tmp: Path) -> tuple[Any, str, dict[str, Any], list[tuple]]:
    """Import the case with the service and solve it once as the service does: the case, the
    week, the snapshot's stored columns and the proposal rows as tuples."""
    from sqlmodel import Session

    from service.models import Proposal
    from service.usecases import runs as run_module
    from service.usecases.data import files_json, snapshot_hash, week_snapshot
    from solver.engine.week import run_case

    engine, week = imported_week(f"sqlite:///{db}", name, tmp)
    with Session(engine) as session:
        snapshot = week_snapshot(session, week)
    engine.dispose()
    case = snapshot.case()
    stored = {"input_snapshot": json.dumps(files_json(snapshot.files)),
              "input_hash": snapshot_hash(snapshot.files)}  # fmt: skip
    rows = run_module.proposal_rows(0, run_case(case))
    columns = [c.name for c in Proposal.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
    as_text = {"fit", "reason_params"}
    tuples = [
        tuple(json.dumps(r.get(c)) if c in as_text and r.get(c) is not None else r.get(c, 0)
              for c in columns)
        for r in rows
    ]  # fmt: skip
    stored["columns"] = columns
    return case, week, stored, tuples


def measure(name: str, runs: int, tmp: Path) -> dict[str, float]:
    from solver.caseio.schema import UNIT_COLUMNS, YOUTH_COLUMNS
    from solver.engine.week import run_case

    db = tmp / f"{name}.db"
    case, week, stored, rows = _prepared(db, name, tmp)
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    youth_cols = ", ".join(c.name for c in YOUTH_COLUMNS)
    unit_cols = ", ".join(c.name for c in UNIT_COLUMNS)
    columns = stored["columns"]
    insert = (f"INSERT INTO proposal (run_id, {', '.join(columns[1:])}) "
              f"VALUES ({', '.join('?' * len(columns))})")  # fmt: skip
    samples: dict[str, list[float]] = {s: [] for s in (*STEPS, "floor")}
    for generation in range(1, runs + 2):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        run_id = conn.execute(
            "INSERT INTO run (week, generation, status, progress, input_hash, solver_version, "
            "created_by, created_at) VALUES (?, ?, 'queued', '', '', '', 'bench', "
            "CURRENT_TIMESTAMP)",
            (week, 1000 + generation),
        ).lastrowid
        conn.execute("COMMIT")
        t1 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        youths = conn.execute(
            f"SELECT {youth_cols} FROM youth WHERE status = 'waiting' ORDER BY ref"
        ).fetchall()
        units = conn.execute(
            f"SELECT {unit_cols} FROM dwelling WHERE week = ? AND status = 'vacant' ORDER BY ref",
            (week,),
        ).fetchall()
        assert youths and units
        t2 = time.perf_counter()
        conn.execute(
            "UPDATE run SET status = 'running', input_snapshot = ?, input_hash = ? WHERE id = ?",
            (stored["input_snapshot"], stored["input_hash"], run_id),
        )
        conn.execute("COMMIT")
        t3 = time.perf_counter()
        run_case(case)
        t4 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, [(run_id, *r[1:]) for r in rows])
        conn.execute("UPDATE run SET status = 'done' WHERE id = ?", (run_id,))
        conn.execute("COMMIT")
        t5 = time.perf_counter()
        if generation == 1:
            continue  # warm-up
        for step, seconds in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4),
                                 strict=True):  # fmt: skip
            samples[step].append(seconds)
        samples["floor"].append(t5 - t0)
    conn.close()
    return {step: statistics.median(values) for step, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=["copenhagen"])
    parser.add_argument("--runs", type=int, default=20, help="measured runs per case")
    args = parser.parse_args()
    lines = [
        "| case | " + " | ".join(STEPS) + f" | floor | floor ÷ engine (target {TARGET:g}×) |",
        "|---|" + "---|" * (len(STEPS) + 2),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.cases:
            runs = args.runs if name == "copenhagen" else max(1, args.runs // 10)
            r = measure(name, runs, Path(scratch))
            cells = [f"{r[s] * 1000:.1f}" for s in (*STEPS, "floor")]
            ratio = r["floor"] / r["engine"]
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f}× |")
    load = os.getloadavg()[0]
    print(f"Milliseconds (median) of the least a durable run does on SQLite; "
          f"1-minute load average {load:.1f}.")  # fmt: skip
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
