"""Engine benchmark: every target of the engine printed as a ratio against its peer in one run.

Cases: the committed fixtures (tiny, naestved, copenhagen), the ``national`` profile and three
stress variants of it made with ``dataclasses.replace`` (:data:`STRESS`; the generator's shipped
profiles stay as they are):

- ``national-5k``: 5,000 youths × 1,250 dwellings;
- ``national-tight``: two regions' worth of areas per youth, every quota group short of this
  week's vacancies and CTI/ACT teams with at most one free slot (about 4.6 million pairs);
- ``national-50k``: 50,000 youths × 10,000 dwellings (about 11.5 million pairs).

Each case runs in a fresh child process (so peak memory is its own); the child first runs the
eligibility pass on the tiny fixture and solves a two-candidate problem, which loads the
compiled code once (its seconds are a column of their own), and prints

1. **solve ÷ one bare min-cost flow** (target ≤ 2×): the bare flow is one OR-Tools min-cost
   maximum flow over the same arcs and costs, source → youths → dwellings → sink, no team or quota
   nodes, timed in the same child (each side the best of two); with the stage times, peak
   memory, the housed count and the priority inversions of Boligmatch, vacancy-by-vacancy greedy
   and a plain maximum matching;
2. **the whole ``boligmatch match`` process ÷ one bare flow** on the national cases (target ≤ 3×):
   the case is written to a folder and the console script runs on it as a user would, and the
   bare flow is timed in a fresh child right after it, twice, interleaved (process, bare,
   process, bare): the process the best of its two runs, the bare flow the best of four (each
   child times two);
3. **peak memory of the 50k case** against its 2 GB budget and against a child that only reads
   the case and runs the bare flow;
4. **the non-network path**: copenhagen with ``per_department = 1`` (departments nest in the quota
   groups, so the network carries them); a variant whose departments mix dwelling types, so
   they cross the quota groups; and one whose quota groups are also tight, so the crossing
   groups bind and CP-SAT must run: time ÷ the same week without the limit (target ≤ 20×),
   status and gap; and runs with a short time limit, total ÷ (stages × limit) (target ≤ 1.1).

An *inversion* is a pair (unhoused youth y, housed lower-priority youth y') where y is eligible
for y''s dwelling and could take it with every rule still holding (y''s dwelling keeps its quota
group; y's team has room once y' leaves it).

Run: ``.venv/bin/python benchmarks/bench_engine.py [--cases ...] [--write-readme]``.
``--write-readme`` replaces README.md's section between ``<!-- bench_engine:begin -->`` and
``<!-- bench_engine:end -->`` with the tables printed (the README's figures are never typed).
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing as mp
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.readme_section import write_section  # noqa: E402
from solver.caseio.read import read_case  # noqa: E402
from solver.core.check import check_allocation  # noqa: E402
from solver.core.network import SINK, SOURCE, FlowNetwork, split_groups  # noqa: E402
from solver.core.problem import MatchProblem, Side, SolveParams  # noqa: E402
from solver.core.solve import solve  # noqa: E402
from solver.domain import Case  # noqa: E402
from solver.engine.build import build_problem  # noqa: E402
from solver.engine.eligibility import compute_eligibility  # noqa: E402
from solver.engine.week import run_case  # noqa: E402
from solver.fixtures.generate import PROFILES, generate_case  # noqa: E402

SEED = 2026  # the national profile's documented seed, used for every generated variant
NATIONAL = PROFILES["national"]
STRESS = {
    "national-5k": dataclasses.replace(NATIONAL, n_youths=5_000, n_units=1_250),
    "national-tight": dataclasses.replace(
        NATIONAL,
        region_size=10,
        quota_tight_share=1.0,
        quota_shortfall=(2, 4),
        cti_free_slots=(0, 1),
        act_free_slots=(0, 1),
    ),
    "national-50k": dataclasses.replace(NATIONAL, n_youths=50_000, n_units=10_000),
}
DEFAULT_CASES = ["tiny", "naestved", "copenhagen", "national-5k", "national", "national-tight",
                 "national-50k"]  # fmt: skip
PROCESS_CASES = ("national", "national-tight")  # the whole-process target
MEMORY_CASE, MEMORY_BUDGET_MB = "national-50k", 2048
COMPARE_MAX_PAIRS = 3_000_000  # greedy and max matching in Python beyond this take minutes
SOLVE_TARGET, PROCESS_TARGET, SIDE_TARGET, LIMIT_TARGET = 2.0, 3.0, 20.0, 1.1


def load(name: str) -> Case:
    folder = ROOT / "data" / "fixtures" / name
    if folder.exists():
        return read_case(folder)
    if name in STRESS:
        return generate_case(STRESS[name], seed=SEED)
    return generate_case(name, seed=SEED)


def with_department_limit(case: Case, mixed: bool, tight_quotas: bool = False) -> Case:
    """The same week with ``per_department = 1``; ``mixed`` merges each organisation's youth
    department *k* with its family department *k*, so departments cross the quota groups;
    ``tight_quotas`` claims half of each quota group's remaining claims, so the quota groups
    (then side constraints) bind and CP-SAT must run."""
    policy = dataclasses.replace(case.policy, per_department=1)
    units = case.units
    if mixed:
        units = tuple(
            dataclasses.replace(u, department=_mixed_department(u.department)) for u in units
        )
    quotas = case.quotas
    if tight_quotas:
        quotas = tuple(
            dataclasses.replace(q, claimed=q.claimed + (q.vacancies // 4 - q.claimed) // 2)
            for q in quotas
        )
    return dataclasses.replace(case, policy=policy, units=units, quotas=quotas)


def _mixed_department(name: str) -> str:
    m = re.fullmatch(r"(.*)-afd(\d+)", name)
    return name if m is None else f"{m[1]}-mix{int(m[2]) % 3}"


# --------------------------------------------------------------------------- peers


def team_and_quota(problem: MatchProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate → team group (-1), unit → its first unit group (-1), capacities."""
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
    """Seconds for one min-cost max flow over source → candidates → units → sink, same arcs and
    costs (arrays built before the clock starts; loading them into OR-Tools is timed)."""
    n_c, n_u = problem.n_candidates, problem.n_units
    s, t, c0, u0 = 0, 1, 2, 2 + n_c
    tail = np.concatenate([np.full(n_c, s), c0 + problem.arc_candidate, u0 + np.arange(n_u)])
    head = np.concatenate([c0 + np.arange(n_c), u0 + problem.arc_unit, np.full(n_u, t)])
    cost = np.concatenate([np.zeros(n_c), problem.arc_cost, np.zeros(n_u)]).astype(np.int64)
    ones = np.ones(len(tail), dtype=np.int64)
    started = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tail, head, ones, cost)
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- children


def load_compiled_code() -> float:
    """Seconds the first week in a process spends loading the compiled code of the
    eligibility pass and of stage 2 (numba's on-disk cache): paid once per process, so shown
    apart from eligibility and the solve; the whole-process figures include it."""
    started = time.perf_counter()
    compute_eligibility(load("tiny"))
    solve(MatchProblem.from_arcs(2, 2, [(0, 0, 0), (1, 0, 0), (1, 1, 0)]))
    return time.perf_counter() - started


def measure(name: str) -> dict[str, Any]:
    """Solve one case and its peers (run in a fresh child)."""
    load_s = load_compiled_code()
    case = load(name)
    started = time.perf_counter()
    week = build_problem(case)
    prep = time.perf_counter() - started
    problem = week.problem
    solve_s, result = float("inf"), None
    for _ in range(2):  # the best of two, as for the bare flow
        started = time.perf_counter()
        candidate = solve(problem)
        seconds = time.perf_counter() - started
        if seconds < solve_s:
            solve_s, result = seconds, candidate
    assert result is not None
    peak = peak_mb()
    assert check_allocation(problem, result) == []
    row: dict[str, Any] = {
        "case": name,
        "youths": problem.n_candidates,
        "units": problem.n_units,
        "pairs": problem.n_arcs,
        "prep_s": prep,
        **result.timings,
        "solve_s": solve_s,
        "status": result.status.value,
        "housed": result.housed,
        "inv": inversions(problem, result.arcs),
        "peak_mb": peak,
        "load_s": load_s,
    }
    if problem.n_arcs <= COMPARE_MAX_PAIRS:
        unit_order = np.array(
            sorted(
                range(len(case.units)),
                key=lambda i: (case.units[i].available_from, case.units[i].ref),
            )
        )
        g_arcs, p_arcs = greedy(problem, unit_order), plain_max(problem)
        row.update(
            greedy_housed=len(g_arcs),
            greedy_inv=inversions(problem, g_arcs),
            maxm_housed=len(p_arcs),
            maxm_inv=inversions(problem, p_arcs),
        )
    row["bare_mcf_s"] = min(bare_min_cost_flow(problem) for _ in range(2))
    return row


def measure_bare_time(name: str) -> float:
    """The best of two bare flows on the case (a fresh child)."""
    problem = build_problem(load(name)).problem
    return min(bare_min_cost_flow(problem) for _ in range(2))


def measure_bare_memory(name: str) -> dict[str, Any]:
    """Peak memory of a child that reads the case, builds the problem and runs the bare flow."""
    problem = build_problem(load(name)).problem
    bare_min_cost_flow(problem)
    return {"peak_mb": peak_mb()}


def measure_side(limit_s: float, short_limit_s: float) -> list[dict[str, Any]]:
    """Copenhagen with ``per_department = 1``, nested and mixed departments, against the same
    week without the limit; then the mixed week with a short time limit."""
    base = load("copenhagen")

    def timed(case: Case, limit: float) -> tuple[float, Any]:
        started = time.perf_counter()
        week = run_case(case, SolveParams(time_limit_s=limit))
        return time.perf_counter() - started, week

    rows = []
    plain_s = min(timed(base, limit_s)[0] for _ in range(3))
    variants = (
        ("nested departments (as generated)", False, False, limit_s),
        ("mixed departments", True, False, limit_s),
        ("mixed, short limit", True, False, short_limit_s),
        ("mixed, tight quotas", True, True, limit_s),
        ("mixed, tight quotas, short limit", True, True, short_limit_s),
    )
    for label, mixed, tight, limit in variants:
        seconds, week = timed(with_department_limit(base, mixed, tight), limit)
        rows.append(_side_row(label, limit, seconds, plain_s, week))
    return rows


def _side_row(label: str, limit: float, seconds: float, plain_s: float, week: Any) -> dict:
    summary = week.summary
    return {
        "label": label,
        "limit_s": limit,
        "seconds": seconds,
        "plain_s": plain_s,
        "status": summary["status"],
        "path": summary["solver_path"],
        "housed": summary["counts"]["housed"],
        "gap": summary.get("gap", {}),
        "stages": summary.get("cpsat_stages", 3),
    }


def run_process(name: str) -> float:
    """Wall seconds of ``boligmatch match`` on the case written to a folder."""
    from solver.fixtures.generate import write_case_folder

    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        folder = Path(tmp) / name
        write_case_folder(load(name), folder)
        # The console script's entry point, on this checkout's code (PYTHONPATH first).
        launch = "import sys; from service.cli import main; sys.argv[0] = 'boligmatch'; main()"
        cmd = [sys.executable, "-c", launch, "match", str(folder), "--out", str(Path(tmp) / "out")]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        subprocess.run([*cmd, "--quiet"], check=True, stdout=subprocess.DEVNULL, env=env)
        return time.perf_counter() - started


def _child(fn: Callable[..., Any], args: tuple[Any, ...], queue: Any) -> None:
    queue.put(fn(*args))


def in_child(fn: Callable[..., Any], *args: Any) -> Any:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


# --------------------------------------------------------------------------- tables


def _ratio(value: float, peer: float, target: float) -> str:
    if peer < 0.01:  # below 10 ms both sides are timer noise
        return "–"
    r = value / peer
    return f"{r:.2f}× {'✓' if r <= target else '✗'}"


def engine_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| case | youths × units | eligible pairs | eligibility+build s | solve s (stage 1/2/3) "
        "| peak MB | status | housed (inv) | greedy housed (inv) | max-matching housed (inv) "
        f"| bare MCF s | solve ÷ bare MCF (≤ {SOLVE_TARGET:g}×) | compiled-code load s |",
        "|" + "---|" * 13,
    ]
    for r in rows:
        cmp = (
            (
                f"{r['greedy_housed']:,} ({r['greedy_inv']:,})",
                f"{r['maxm_housed']:,} ({r['maxm_inv']:,})",
            )
            if "greedy_housed" in r
            else ("–", "–")
        )
        out.append(
            f"| {r['case']} | {r['youths']:,} × {r['units']:,} | {r['pairs']:,} "
            f"| {r['prep_s']:.2f} | {r['solve_s']:.2f} ({r.get('stage1_count', 0):.2f} / "
            f"{r.get('stage2_priority', 0):.2f} / {r.get('stage3_fit', 0):.2f}) "
            f"| {r['peak_mb']:,.0f} | {r['status']} | {r['housed']:,} ({r['inv']:,}) "
            f"| {cmp[0]} | {cmp[1]} | {r['bare_mcf_s']:.2f} "
            f"| {_ratio(r['solve_s'], r['bare_mcf_s'], SOLVE_TARGET)} "
            f"| {r.get('load_s', 0):.2f} |"
        )
    return out


def process_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| case | `boligmatch match` s | bare MCF s "
        f"| process ÷ bare MCF (≤ {PROCESS_TARGET:g}×) |",
        "|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['case']} | {r['process_s']:.2f} | {r['process_bare_s']:.2f} "
            f"| {_ratio(r['process_s'], r['process_bare_s'], PROCESS_TARGET)} |"
        )
    return out


def memory_table(row: dict[str, Any], bare_peak: float) -> list[str]:
    ok = "✓" if row["peak_mb"] <= MEMORY_BUDGET_MB else "✗"
    return [
        "| case | peak MB (read, build, solve) | budget MB | peak ÷ budget "
        "| bare-flow child peak MB | peak ÷ bare-flow child |",
        "|---|---|---|---|---|---|",
        f"| {row['case']} | {row['peak_mb']:,.0f} | {MEMORY_BUDGET_MB:,} "
        f"| {row['peak_mb'] / MEMORY_BUDGET_MB:.2f} {ok} | {bare_peak:,.0f} "
        f"| {row['peak_mb'] / bare_peak:.2f}× |",
    ]


def side_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| copenhagen, `per_department = 1` | time limit s | week s "
        "| same week without the limit s "
        f"| ÷ without (≤ {SIDE_TARGET:g}×) | total ÷ (stages × limit) (≤ {LIMIT_TARGET:g}) "
        "| solver path | status | housed | gap |",
        "|" + "---|" * 10,
    ]
    for r in rows:
        budget = r["stages"] * r["limit_s"]
        within = r["seconds"] / budget
        gap = ", ".join(f"{k} {v}" for k, v in r["gap"].items()) if r["gap"] else "0"
        out.append(
            f"| {r['label']} | {r['limit_s']:g} | {r['seconds']:.2f} | {r['plain_s']:.3f} "
            f"| {_ratio(r['seconds'], r['plain_s'], SIDE_TARGET)} "
            f"| {within:.2f} {'✓' if within <= LIMIT_TARGET else '✗'} | {r['path']} "
            f"| {r['status']} | {r['housed']} | {gap} |"
        )
    return out


def write_readme(text: str) -> None:
    write_section("bench_engine", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=DEFAULT_CASES)
    parser.add_argument("--no-process", action="store_true", help="skip the process target")
    parser.add_argument("--no-side", action="store_true", help="skip the non-network path")
    parser.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT limit per stage")
    parser.add_argument("--short-limit", type=float, default=2.0, help="the time-limit check's")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    rows = [in_child(measure, name) for name in args.cases]
    by_case = {r["case"]: r for r in rows}
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {mp.cpu_count()} cores, "
        f"shared (1-minute load average {load_before:.1f} at the start); "
        "`.venv/bin/python benchmarks/bench_engine.py`.",
        "",
        *engine_table(rows),
    ]
    process_rows = [by_case[c] for c in PROCESS_CASES if c in by_case]
    if process_rows and not args.no_process:
        for r in process_rows:
            # The process and its peer measured back to back (the machine is shared).
            runs = [(run_process(r["case"]), in_child(measure_bare_time, r["case"])) for _ in "ab"]
            r["process_s"] = min(p for p, _ in runs)
            r["process_bare_s"] = min(b for _, b in runs)
        lines += ["", *process_table(process_rows)]
    if MEMORY_CASE in by_case:
        bare_peak = in_child(measure_bare_memory, MEMORY_CASE)["peak_mb"]
        lines += ["", *memory_table(by_case[MEMORY_CASE], bare_peak)]
    if not args.no_side:
        side = in_child(measure_side, args.time_limit, args.short_limit)
        lines += ["", *side_table(side)]
    text = "\n".join(lines)
    print(text)
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
