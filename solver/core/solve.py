"""``solve(problem, params) -> MatchResult``: the three stages, exactly."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from solver.core.network import FlowNetwork, fit_flow, maximum_flow, split_groups
from solver.core.problem import (
    MatchProblem,
    MatchResult,
    SolveParams,
    Status,
    keeps_groups,
)
from solver.core.repair import lexicographic_repair

log = logging.getLogger(__name__)


def solve(
    problem: MatchProblem,
    params: SolveParams | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> MatchResult:
    """Match candidates to units in three lexicographic stages.

    1. **Count**: match as many candidates as the arcs and capacity groups allow.
    2. **Priority**: among maximum allocations, the housed set is the lexicographically best by
       rank: the highest-priority candidate who is in some maximum allocation is in; given that,
       the next one who still can be is in; and so on. This set is unique.
    3. **Fit**: among allocations of exactly that set, minimise the summed arc cost.

    Path: when the capacity groups on each side are disjoint (teams on the candidate side, quota
    groups on the unit side) every stage is a network flow and the result is proven optimal in
    polynomial time (``solver_path="flow"``). Overlapping groups (the per-department limit) are
    side constraints: the network solves the relaxation, and CP-SAT, warm-started from it, solves
    the full problem (``"flow+cpsat"``); the status is ``OPTIMAL`` only if CP-SAT proved every
    stage. That path takes at most three times ``params.time_limit_s`` (plus model building),
    is never worse than the network's allocation repaired to keep every group, and states in
    ``gap`` how far an unproven answer may be from optimal (:mod:`solver.core.cpsat`).
    """
    params = params or SolveParams()
    timings: dict[str, float] = {}

    def stage(name: str, started: float) -> None:
        timings[name] = time.perf_counter() - started
        if progress is not None:
            progress(name, timings[name])

    t = time.perf_counter()
    candidate_layer, unit_layer, side = split_groups(problem)
    net = FlowNetwork.build(problem, candidate_layer, unit_layer)
    stage("network", t)

    t = time.perf_counter()
    flow, housed_count = maximum_flow(net)
    stage("stage1_count", t)
    log.debug("stage 1: %d of %d candidates can be matched", housed_count, problem.n_candidates)

    t = time.perf_counter()
    flow, stats = lexicographic_repair(net, flow)
    stage("stage2_priority", t)
    log.debug(
        "stage 2: %d searches, %d exchanges, %d nodes visited",
        stats.checks,
        stats.exchanges,
        stats.visited,
    )
    housed = np.flatnonzero(flow[net.entry] > 0).astype(np.int64)

    t = time.perf_counter()
    arcs = (
        fit_flow(net, candidate_layer, unit_layer, housed)
        if params.fit_stage
        else net.chosen_arcs(flow)
    )
    stage("stage3_fit", t)

    path = "flow"
    proven = {"stage1": True, "stage2": True, "stage3": params.fit_stage}
    gap: dict[str, int] = {}
    if side and not keeps_groups(problem, arcs, side):
        # Imported here: CP-SAT (and its protobuf runtime) loads only for a week that needs it.
        from solver.core.cpsat import solve_with_side_constraints

        outcome = solve_with_side_constraints(
            problem,
            params,
            net,
            flow,
            arcs,
            lambda housed: fit_flow(net, candidate_layer, unit_layer, housed),
        )
        arcs = outcome.arcs
        proven = outcome.proven
        gap = outcome.gap
        timings.update(outcome.timings)
        path = "flow+cpsat"
        log.debug(
            "cpsat: %d LP solves, %d stage-2 CP-SAT solves, %d ruled out by the network, "
            "%d by the LP, fallback=%s",
            outcome.lp_solves,
            outcome.checks,
            outcome.screened,
            outcome.lp_ruled_out,
            outcome.fallback,
        )
        if progress is not None:
            progress("cpsat", sum(outcome.timings.values()))

    status = Status.OPTIMAL if all(proven.values()) else Status.FEASIBLE
    ranks = tuple(sorted(int(r) for r in problem.rank[problem.arc_candidate[arcs]]))
    return MatchResult(
        status=status,
        arcs=np.sort(arcs),
        housed=len(arcs),
        priority_signature=ranks,
        fit_cost=int(problem.arc_cost[arcs].sum()),
        solver_path=path,
        timings=timings,
        proven=proven,
        gap=gap,
    )
