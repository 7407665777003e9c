"""Engine benchmark: tiny → national, Boligmatch against the matchers used in practice.

For each case it prints eligible pairs, time per stage, total, peak memory (RSS of a fresh child
process per case), the housed count and priority inversions of

(a) Boligmatch (the three exact stages),
(b) vacancy-by-vacancy greedy: each dwelling in order of availability goes to the
    highest-priority eligible youth still waiting whose team and quota allow it (what deployed
    matchers and manual practice do),
(c) a plain maximum matching that ignores priority (one max flow over the same network),

and Boligmatch's solve time as a ratio to one OR-Tools min-cost flow over the same arcs without
side constraints (no team or quota nodes). An *inversion* is a pair (unhoused youth y, housed
lower-priority youth y') where y is eligible for y''s dwelling and could take it with every rule
still holding (y''s dwelling keeps its quota group; y's team has room once y' leaves it).

Run: ``.venv/bin/python benchmarks/bench_engine.py [--cases tiny naestved copenhagen national]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.caseio.read import read_case  # noqa: E402
from solver.core.check import check_allocation  # noqa: E402
from solver.core.network import SINK, SOURCE, FlowNetwork, split_groups  # noqa: E402
from solver.core.problem import MatchProblem, Side  # noqa: E402
from solver.core.solve import solve  # noqa: E402
from solver.domain import Case  # noqa: E402
from solver.engine.build import build_problem  # noqa: E402


def load(name: str) -> Case:
    folder = ROOT / "data" / "fixtures" / name
    if folder.exists():
        return read_case(folder)
    from solver.fixtures.generate import generate_case

    return generate_case(name, seed=2026)


def team_and_quota(problem: MatchProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate → team group (-1), unit → list of unit groups, capacities."""
    cap = np.array([g.capacity for g in problem.groups], dtype=np.int64)
    team = np.full(problem.n_candidates, -1, dtype=np.int64)
    unit_group = np.full(problem.n_units, -1, dtype=np.int64)
    for i, g in enumerate(problem.groups):
        if g.side is Side.CANDIDATE:
            team[g.members] = i
        elif unit_group[g.members].max(initial=-1) < 0:
            unit_group[g.members] = i
    return team, unit_group, cap


def greedy(problem: MatchProblem, unit_order: np.ndarray) -> np.ndarray:
    """Vacancy by vacancy: each unit to the best-ranked eligible waiting youth allowed."""
    team, unit_group, cap = team_and_quota(problem)
    left = cap.copy()
    by_unit = np.argsort(problem.arc_unit, kind="stable")
    starts = np.searchsorted(problem.arc_unit[by_unit], np.arange(problem.n_units + 1))
    housed = np.zeros(problem.n_candidates, dtype=bool)
    chosen = []
    for u in unit_order.tolist():
        g = unit_group[u]
        if g >= 0 and left[g] == 0:
            continue
        arcs = by_unit[starts[u] : starts[u + 1]]
        best, best_rank = -1, problem.n_candidates
        for a in arcs.tolist():
            c = int(problem.arc_candidate[a])
            t = team[c]
            if housed[c] or (t >= 0 and left[t] == 0):
                continue
            if problem.rank[c] < best_rank:
                best, best_rank = a, int(problem.rank[c])
        if best >= 0:
            c = int(problem.arc_candidate[best])
            housed[c] = True
            chosen.append(best)
            if g >= 0:
                left[g] -= 1
            if team[c] >= 0:
                left[team[c]] -= 1
    return np.array(chosen, dtype=np.int64)


def plain_max(problem: MatchProblem) -> np.ndarray:
    """A maximum matching over the same network, priority ignored."""
    c_layer, u_layer, _ = split_groups(problem)
    net = FlowNetwork.build(problem, c_layer, u_layer)
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(net.tail, net.head, net.cap)
    smf.solve(SOURCE, SINK)
    flows = np.asarray(smf.flows(np.arange(net.n_arcs)), dtype=np.int64)
    return np.flatnonzero(flows[net.pair] > 0).astype(np.int64)


def bare_min_cost_flow(problem: MatchProblem) -> float:
    """One min-cost max flow over source → candidates → units → sink, same arcs and costs."""
    n_c, n_u = problem.n_candidates, problem.n_units
    s, t, c0, u0 = 0, 1, 2, 2 + n_c
    tail = np.concatenate([np.full(n_c, s), c0 + problem.arc_candidate, u0 + np.arange(n_u)])
    head = np.concatenate([c0 + np.arange(n_c), u0 + problem.arc_unit, np.full(n_u, t)])
    cost = np.concatenate([np.zeros(n_c), problem.arc_cost, np.zeros(n_u)]).astype(np.int64)
    started = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tail, head, np.ones(len(tail), dtype=np.int64), cost)
    smcf.set_node_supply(s, n_c)
    smcf.set_node_supply(t, -n_c)
    smcf.solve_max_flow_with_min_cost()
    return time.perf_counter() - started


def inversions(problem: MatchProblem, arcs: np.ndarray) -> int:
    """Pairs (unhoused y, housed lower-priority y') where y could take y''s dwelling."""
    team, _, cap = team_and_quota(problem)
    unit_of = np.full(problem.n_candidates, -1, dtype=np.int64)
    unit_of[problem.arc_candidate[arcs]] = problem.arc_unit[arcs]
    holder = np.full(problem.n_units, -1, dtype=np.int64)
    holder[problem.arc_unit[arcs]] = problem.arc_candidate[arcs]
    used = np.zeros(len(cap), dtype=np.int64)
    housed_teams = team[unit_of >= 0]
    np.add.at(used, housed_teams[housed_teams >= 0], 1)
    c, u = problem.arc_candidate, problem.arc_unit
    h = holder[u]
    mask = (unit_of[c] < 0) & (h >= 0)
    c, h = c[mask], h[mask]
    mask = problem.rank[h] > problem.rank[c]
    c, h = c[mask], h[mask]
    tc, th = team[c], team[h]
    room = (tc < 0) | (tc == th) | (used[np.maximum(tc, 0)] < cap[np.maximum(tc, 0)])
    return int(room.sum())


def measure(name: str) -> dict[str, Any]:
    case = load(name)
    started = time.perf_counter()
    week = build_problem(case)
    prep = time.perf_counter() - started
    problem = week.problem
    result = solve(problem)
    assert check_allocation(problem, result) == []
    solve_s = sum(result.timings.values())
    unit_order = np.array(
        sorted(
            range(len(case.units)), key=lambda i: (case.units[i].available_from, case.units[i].ref)
        )
    )
    g_arcs = greedy(problem, unit_order)
    p_arcs = plain_max(problem)
    bare = min(bare_min_cost_flow(problem) for _ in range(2))
    return {
        "case": name,
        "youths": problem.n_candidates,
        "units": problem.n_units,
        "pairs": problem.n_arcs,
        "prep_s": prep,
        **{k: v for k, v in result.timings.items()},
        "solve_s": solve_s,
        "total_s": prep + solve_s,
        "status": result.status.value,
        "housed": result.housed,
        "inv": inversions(problem, result.arcs),
        "greedy_housed": len(g_arcs),
        "greedy_inv": inversions(problem, g_arcs),
        "maxm_housed": len(p_arcs),
        "maxm_inv": inversions(problem, p_arcs),
        "bare_mcf_s": bare,
        "ratio": solve_s / bare if bare > 0 else float("nan"),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(name: str, queue: Any) -> None:
    queue.put(measure(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cases", nargs="+", default=["tiny", "naestved", "copenhagen", "national"]
    )
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    rows = []
    for name in args.cases:
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(name, queue))
        proc.start()
        rows.append(queue.get())
        proc.join()
    print(
        "| case | youths × units | eligible pairs | eligibility+build s | stage 1 s | stage 2 s "
        "| stage 3 s | solve s | total s | peak MB | status | housed (inv) | greedy housed (inv) "
        "| max-matching housed (inv) | bare MCF s | solve / bare MCF |"
    )
    print("|" + "---|" * 16)
    for r in rows:
        # Below 10 ms both sides are timer noise: no ratio.
        ratio = f"{r['ratio']:.1f}×" if r["bare_mcf_s"] >= 0.01 else "–"
        print(
            f"| {r['case']} | {r['youths']:,} × {r['units']:,} | {r['pairs']:,} "
            f"| {r['prep_s']:.2f} "
            f"| {r.get('stage1_count', 0):.2f} | {r.get('stage2_priority', 0):.2f} "
            f"| {r.get('stage3_fit', 0):.2f} | {r['solve_s']:.2f} | {r['total_s']:.2f} "
            f"| {r['peak_mb']:.0f} | {r['status']} | {r['housed']} ({r['inv']}) "
            f"| {r['greedy_housed']} ({r['greedy_inv']}) | {r['maxm_housed']} ({r['maxm_inv']}) "
            f"| {r['bare_mcf_s']:.2f} | {ratio} |"
        )


if __name__ == "__main__":
    main()
