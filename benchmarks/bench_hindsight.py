"""Hindsight benchmark: what recording the horizon and solving the bound cost a replication.

Runs the same replications of a shipped scenario twice in this process — with the horizon
recorded and the bound solved (the default), and with the recorder switched off (the peer) — and
prints seconds per replication of each, their ratio, the time of the bound itself and its size
(entries, dwellings, eligible pairs).

Run: ``.venv/bin/python benchmarks/bench_hindsight.py [--scenario scenarios/baseline.toml]
[--weeks 52] [--replications 2]``
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.planning import hindsight, simulate  # noqa: E402
from solver.planning.scenario import load_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.toml"))
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--replications", type=int, default=2)
    args = ap.parse_args()
    spec = replace(load_scenario(args.scenario), horizon_weeks=args.weeks)

    simulate.simulate(replace(spec, horizon_weeks=2), 0)  # warm-up: imports, caches
    sizes: list[tuple[float, int, int, int]] = []
    original = hindsight.HorizonRecorder.bound

    def timed(self: hindsight.HorizonRecorder) -> int:
        t = time.perf_counter()
        record = self.horizon_record()
        b = hindsight.hindsight_bound(record)
        sizes.append((time.perf_counter() - t, len(record.youth_weeks),
                      len(record.dwelling_weeks), len(record.usable_pairs())))  # fmt: skip
        return b

    hindsight.HorizonRecorder.bound = timed  # type: ignore[method-assign]
    t = time.perf_counter()
    with_bound = [simulate.simulate(spec, r) for r in range(args.replications)]
    recorded = (time.perf_counter() - t) / args.replications
    hindsight.HorizonRecorder.bound = original  # type: ignore[method-assign]

    t = time.perf_counter()
    for r in range(args.replications):
        run = simulate._Replication(spec, r, track=False)
        run.record = None
        run.run()
    peer = (time.perf_counter() - t) / args.replications
    bound_s = sum(s[0] for s in sizes) / len(sizes)
    print(f"{spec.name}: {args.weeks} weeks, {args.replications} replications")
    print(f"  with the bound   {recorded:7.2f} s/replication")
    print(f"  without (peer)   {peer:7.2f} s/replication")
    print(f"  ratio            {recorded / peer:7.2f}")
    print(f"  bound itself     {bound_s:7.2f} s (record → pairs → max flow)")
    y, d, p = sizes[-1][1:]
    print(f"  size             {y} entries, {d} dwellings, {p} eligible pairs")
    print(f"  housed / bound   {[(r.end['housed'], r.end['hindsight_bound']) for r in with_bound]}")


if __name__ == "__main__":
    main()
