"""An independent brute-force oracle for small matching problems.

Enumerates every valid allocation (each candidate unmatched or on one of its arcs, no unit twice,
every capacity group kept) and returns the optimum of the three stages by definition: the largest
count, then the lexicographically smallest sorted rank tuple (the priority-best set), then the
smallest cost. Shares no code with ``solver``.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.core.problem import MatchProblem, Side


@dataclass(frozen=True)
class Optimum:
    housed: int
    signature: tuple[int, ...]
    cost: int


def brute_force(problem: MatchProblem) -> Optimum:
    arcs_of: list[list[int]] = [[] for _ in range(problem.n_candidates)]
    for a in range(problem.n_arcs):
        arcs_of[int(problem.arc_candidate[a])].append(a)
    cand_groups = [
        [
            i
            for i, g in enumerate(problem.groups)
            if g.side is Side.CANDIDATE and c in set(g.members.tolist())
        ]
        for c in range(problem.n_candidates)
    ]
    unit_groups = [
        [
            i
            for i, g in enumerate(problem.groups)
            if g.side is Side.UNIT and u in set(g.members.tolist())
        ]
        for u in range(problem.n_units)
    ]
    left = [g.capacity for g in problem.groups]
    used_units: set[int] = set()
    chosen: list[int] = []
    best: list[tuple[int, tuple[int, ...], int]] = []

    def key(arcs: list[int]) -> tuple[int, tuple[int, ...], int]:
        sig = tuple(sorted(int(problem.rank[problem.arc_candidate[a]]) for a in arcs))
        return (-len(arcs), sig, sum(int(problem.arc_cost[a]) for a in arcs))

    def visit(c: int) -> None:
        if c == problem.n_candidates:
            k = key(chosen)
            if not best or k < best[0]:
                best[:] = [k]
            return
        visit(c + 1)
        if any(left[g] == 0 for g in cand_groups[c]):
            return
        for a in arcs_of[c]:
            u = int(problem.arc_unit[a])
            if u in used_units or any(left[g] == 0 for g in unit_groups[u]):
                continue
            groups = cand_groups[c] + unit_groups[u]
            for g in groups:
                left[g] -= 1
            used_units.add(u)
            chosen.append(a)
            visit(c + 1)
            chosen.pop()
            used_units.discard(u)
            for g in groups:
                left[g] += 1

    visit(0)
    neg_count, sig, cost = best[0]
    return Optimum(-neg_count, sig, cost)


def sequential_flow_signature(problem: MatchProblem) -> tuple[int, ...]:
    """Stage 2 by definition, one flow per candidate: for each candidate in rank order, ask a
    fresh min-cost flow whether some maximum allocation houses it with every one already
    required (cost -1 on the required entry arcs; feasible when all of them carry flow).

    Independent of ``solver.core``: builds its own network. For medium-sized cases.
    """
    from ortools.graph.python import min_cost_flow

    n_c, n_u = problem.n_candidates, problem.n_units
    nodes = {"s": 0, "t": 1}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    pred = [0] * n_c
    succ = [1] * n_u
    for i, g in enumerate(problem.groups):
        node = 2 + i
        if g.side is Side.CANDIDATE:
            tails.append(nodes["s"]), heads.append(node), caps.append(g.capacity)
            for c in g.members.tolist():
                pred[c] = node
        else:
            tails.append(node), heads.append(nodes["t"]), caps.append(g.capacity)
            for u in g.members.tolist():
                succ[u] = node
    c0 = 2 + len(problem.groups)
    u0 = c0 + n_c
    entry0 = len(tails)
    for c in range(n_c):
        tails.append(pred[c]), heads.append(c0 + c), caps.append(1)
    for c, u in zip(problem.arc_candidate.tolist(), problem.arc_unit.tolist(), strict=True):
        tails.append(c0 + c), heads.append(u0 + u), caps.append(1)
    for u in range(n_u):
        tails.append(u0 + u), heads.append(succ[u]), caps.append(1)

    def best(required: list[int]) -> tuple[int, int]:
        cost = [0] * len(tails)
        for c in required:
            cost[entry0 + c] = -1
        smcf = min_cost_flow.SimpleMinCostFlow()
        for a in range(len(tails)):
            smcf.add_arc_with_capacity_and_unit_cost(tails[a], heads[a], caps[a], cost[a])
        smcf.set_node_supply(0, n_c)
        smcf.set_node_supply(1, -n_c)
        smcf.solve_max_flow_with_min_cost()
        return smcf.maximum_flow(), smcf.optimal_cost()

    count, _ = best([])
    degree = [0] * n_c
    for c in problem.arc_candidate.tolist():
        degree[c] += 1
    required: list[int] = []
    for c in sorted(range(n_c), key=lambda c: int(problem.rank[c])):
        if len(required) == count:
            break
        if degree[c] == 0:
            continue
        flow, cost = best([*required, c])
        if flow == count and cost == -(len(required) + 1):
            required.append(c)
    return tuple(sorted(int(problem.rank[c]) for c in required))
