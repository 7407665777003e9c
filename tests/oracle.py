"""An independent brute-force oracle for small matching problems.

Enumerates every valid allocation (each candidate unmatched or on one of its arcs, no unit twice,
every capacity group kept) and returns the optimum of the three stages by definition: the largest
count, then the lexicographically smallest sorted rank tuple (the priority-best set), then the
smallest cost. Shares no code with ``solver``.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.problem import MatchProblem, Side


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
