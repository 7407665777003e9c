"""A solver-free checker: the specification of a valid allocation.

``check_allocation(problem, result)`` recomputes everything from the chosen arcs and reports every
rule broken. It shares no code with the solver, so a solver test ending in
``assert check_allocation(problem, result) == []`` is checked independently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from solver.core.problem import MatchProblem, MatchResult, Side


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str


def check_allocation(problem: MatchProblem, result: MatchResult) -> list[Violation]:
    """Every way ``result`` breaks the rules of ``problem`` (empty when valid)."""
    out: list[Violation] = []
    arcs = [int(a) for a in result.arcs]
    if any(a < 0 or a >= problem.n_arcs for a in arcs):
        return [Violation("unknown_arc", "An arc index is outside the problem.")]
    if len(set(arcs)) != len(arcs):
        out.append(Violation("repeated_arc", "An arc is chosen twice."))
    cands = Counter(int(problem.arc_candidate[a]) for a in arcs)
    units = Counter(int(problem.arc_unit[a]) for a in arcs)
    for c, n in sorted(cands.items()):
        if n > 1:
            out.append(Violation("candidate_twice", f"Candidate {c} is matched {n} times."))
    for u, n in sorted(units.items()):
        if n > 1:
            out.append(Violation("unit_twice", f"Unit {u} is matched {n} times."))
    for g in problem.groups:
        used = cands if g.side is Side.CANDIDATE else units
        n = sum(used.get(int(m), 0) for m in set(g.members.tolist()))
        if n > g.capacity:
            out.append(Violation("group_capacity", f"Group {g.name!r} uses {n} of {g.capacity}."))
    if result.housed != len(cands):
        out.append(Violation("housed_count", f"Reports {result.housed}, has {len(cands)}."))
    cost = sum(int(problem.arc_cost[a]) for a in arcs)
    if result.fit_cost != cost:
        out.append(Violation("fit_cost", f"Reports {result.fit_cost}, arcs cost {cost}."))
    signature = tuple(sorted(int(problem.rank[c]) for c in cands))
    if tuple(result.priority_signature) != signature:
        out.append(Violation("priority_signature", "Signature differs from the housed ranks."))
    return out
