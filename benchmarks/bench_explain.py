"""Explanations against the solve: ``explain_unmatched`` ÷ the solve of the same week, one run.

Every unmatched youth gets a reason; a week with a department limit has thousands blocked by
full groups, and their reasons were once the slowest part of a run (national with mixed
departments: explain 3.7–4.1 s against a 1.5 s solve). Cases: the ``national`` profile as
generated, and with ``per_department = 1`` and departments that mix dwelling types (the
engine benchmark's ``with_department_limit``), with and without tight quotas. Each figure is the
best of ``--repeat`` in this process, after one warm-up week (compiled code loaded).

Run: ``.venv/bin/python benchmarks/bench_explain.py [--cases national] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_engine import load, with_department_limit
from solver.core.problem import SolveParams
from solver.core.solve import solve
from solver.engine.build import build_problem
from solver.engine.explain import explain_unmatched

T = TypeVar("T")
VARIANTS = (("as generated", False, False), ("mixed departments", True, False),
            ("mixed, tight quotas", True, True))  # fmt: skip


def best(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The best of ``repeat`` calls, in seconds, and the last answer."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=["national"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    solve(build_problem(load("tiny")).problem)  # load the compiled code
    print("| case | variant | unmatched | most common reason | solve s | explain s "
          "| explain ÷ solve |\n|---|---|---|---|---|---|---|")  # fmt: skip
    params = SolveParams(time_limit_s=60)
    for name in args.cases:
        for label, mixed, tight in VARIANTS:
            case = load(name)
            if mixed or tight:
                case = with_department_limit(case, mixed, tight)
            week = build_problem(case)
            solve_s, result = best(args.repeat, lambda w=week: solve(w.problem, params))
            explain_s, reasons = best(
                args.repeat, lambda c=case, w=week, r=result: explain_unmatched(c, w, r)
            )
            common, count = Counter(u.reason for u in reasons).most_common(1)[0]
            print(f"| {name} | {label} | {len(reasons):,} | {common} ({count:,}) "
                  f"| {solve_s:.2f} | {explain_s:.2f} | {explain_s / solve_s:.2f}× |")  # fmt: skip


if __name__ == "__main__":
    main()
