"""Re-solve with the allocator's decisions, against the first solve of the same week.

"Kør igen med mine beslutninger" must answer at once: the target is an exact re-solve in ≤ 1 s on
copenhagen (issue 11). For each case this prints the first solve (``run_case``, eligibility and
explanations included) and the re-solve under decisions — pins of the first run's pairs
nearest the end of the priority order, bans of others' pairs, a withheld youth and a withheld
dwelling — best of ``--repeat`` each, and their ratio, measured in the same process.

    .venv/bin/python benchmarks/bench_resolve.py [--cases copenhagen national] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.caseio.read import read_case  # noqa: E402
from solver.domain import Case, Decision, DecisionKind  # noqa: E402
from solver.engine.week import run_case  # noqa: E402


def load(name: str) -> Case:
    folder = ROOT / "data" / "fixtures" / name
    if folder.exists():
        return read_case(folder)
    from solver.fixtures.generate import generate_case

    return generate_case(name, seed=2026)


def decisions_for(case: Case, n: int) -> tuple[Decision, ...]:
    """Pins of ``n`` of the first run's pairs, bans of ``n`` others, one withheld youth and one
    withheld dwelling: the kind of changes an allocation meeting makes."""
    first = run_case(case)
    pairs = [(m.youth_ref, m.unit_ref) for m in first.matches]
    out = [Decision(DecisionKind.PIN, "meeting", y, u) for y, u in pairs[-n:]]
    out += [
        Decision(DecisionKind.BAN, "landlord", y, u) for y, u in pairs[: min(n, len(pairs) - n)]
    ]
    unmatched = [u.youth_ref for u in first.unmatched]
    if unmatched:
        out.append(Decision(DecisionKind.BAN, "in treatment", unmatched[0], None))
    taken = {u for _, u in pairs}
    free = [u.ref for u in case.units if u.ref not in taken]
    if free:
        out.append(Decision(DecisionKind.BAN, "water damage", None, free[0]))
    return tuple(out)


def best(case: Case, repeat: int) -> float:
    """The fastest of ``repeat`` whole ``run_case`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run_case(case)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", default=["naestved", "copenhagen"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--decisions", type=int, default=5, help="pins and bans of each kind")
    args = ap.parse_args()
    print("| case | decisions | first solve s | re-solve s | re-solve ÷ first | target ≤ 1 s |")
    print("|---|---|---|---|---|---|")
    for name in args.cases:
        case = load(name)
        decided = replace(case, decisions=decisions_for(case, args.decisions))
        first = best(case, args.repeat)
        again = best(decided, args.repeat)
        met = "met" if again <= 1.0 else "NOT met"
        print(f"| {name} | {len(decided.decisions)} | {first:.3f} | {again:.3f} | "
              f"{again / first:.2f}× | {met} |")  # fmt: skip


if __name__ == "__main__":
    main()
