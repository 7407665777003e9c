"""The general path: CP-SAT for side constraints the network cannot carry.

Used only when a capacity group overlaps another on its side (e.g. the per-department limit,
whose departments cut across quota groups). The model has one Boolean per arc, and is built once;
the three stages change only its objective, fixed candidates and assumptions. It is warm-started
from the network solution of the relaxation (the problem without side constraints), and every
stage reports whether CP-SAT proved it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from solver.core.problem import IntArray, MatchProblem, Side, SolveParams

_PROVEN = (cp_model.OPTIMAL, cp_model.INFEASIBLE)
_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class CpsatOutcome:
    arcs: IntArray | None  # chosen arcs, None when no allocation was found
    proven: dict[str, bool] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    checks: int = 0


class AllocationModel:
    """One Boolean per arc; candidate, unit and group constraints."""

    def __init__(self, problem: MatchProblem, params: SolveParams) -> None:
        self.problem = problem
        self.params = params
        m = self.model = cp_model.CpModel()
        self.x = [m.new_bool_var(f"x{a}") for a in range(problem.n_arcs)]
        by_c: list[list[int]] = [[] for _ in range(problem.n_candidates)]
        by_u: list[list[int]] = [[] for _ in range(problem.n_units)]
        for a, (c, u) in enumerate(zip(problem.arc_candidate, problem.arc_unit, strict=True)):
            by_c[int(c)].append(a)
            by_u[int(u)].append(a)
        self.by_c = by_c
        self.housed: dict[int, cp_model.IntVar] = {}
        for c, arcs in enumerate(by_c):
            if arcs:
                h = m.new_bool_var(f"housed{c}")
                m.add(sum(self.x[a] for a in arcs) == h)
                self.housed[c] = h
        for arcs in by_u:
            if len(arcs) > 1:
                m.add_at_most_one(self.x[a] for a in arcs)
        for g in problem.groups:
            members = set(g.members.tolist())
            if g.side is Side.CANDIDATE:
                terms = [self.housed[c] for c in members if c in self.housed]
            else:
                terms = [self.x[a] for u in members for a in by_u[u]]
            if len(terms) > g.capacity:
                m.add(sum(terms) <= g.capacity)
        self.total = sum(self.housed.values())

    def solve(self, hint: IntArray | None, time_limit: float) -> tuple[Any, IntArray | None]:
        """Solve the model as it stands; returns (status, chosen arcs or None)."""
        m = self.model
        m.clear_hints()
        if hint is not None:
            chosen = set(hint.tolist())
            for a, var in enumerate(self.x):
                m.add_hint(var, a in chosen)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.num_workers = self.params.num_workers
        # Two workers run too few LP-based subsolvers to prove bounds on assignment models
        # (architecture notes); the LP relaxation of a bipartite model is tight, so use it.
        solver.parameters.linearization_level = 2
        status = solver.solve(m)
        if status not in _FOUND:
            return status, None
        values = np.array([solver.boolean_value(v) for v in self.x], dtype=bool)
        return status, np.flatnonzero(values).astype(np.int64)


def solve_with_side_constraints(
    problem: MatchProblem,
    params: SolveParams,
    hint: IntArray,
    relaxed_housed: IntArray,
) -> CpsatOutcome:
    """The three stages under every capacity group.

    First tries the shortcut: if the relaxation's lexicographic set ``relaxed_housed`` can be
    allocated under the side constraints, it is optimal here too (every allocation here is one of
    the relaxation, so the maximum cannot be larger and no better set exists), and only stage 3
    runs. Otherwise stage 1 maximises the count, stage 2 fixes candidates in rank order with one
    feasibility solve per candidate not already in the incumbent, and stage 3 minimises cost.
    """
    out = CpsatOutcome(arcs=None)
    model = AllocationModel(problem, params)
    m = model.model
    budget = params.time_limit_s

    # Shortcut: the relaxed set, fixed.
    t = time.perf_counter()
    in_set = set(relaxed_housed.tolist())
    literals = [h if c in in_set else h.Not() for c, h in model.housed.items()]
    m.add_assumptions(literals)
    m.minimize(sum(int(problem.arc_cost[a]) * model.x[a] for a in range(problem.n_arcs)))
    status, arcs = model.solve(hint, budget)
    m.clear_assumptions()
    out.timings["cpsat_fixed_set"] = time.perf_counter() - t
    if arcs is not None:
        out.arcs = arcs
        out.proven = {"stage1": True, "stage2": True, "stage3": status == cp_model.OPTIMAL}
        return out

    # Stage 1: maximum count.
    t = time.perf_counter()
    m.maximize(model.total)
    status, incumbent = model.solve(None, budget)
    if incumbent is None:  # no allocation found in time: house nobody, unproven
        out.arcs = np.zeros(0, dtype=np.int64)
        out.proven = {"stage1": False, "stage2": False, "stage3": False}
        return out
    best = len(incumbent)
    out.proven["stage1"] = status == cp_model.OPTIMAL
    m.add(model.total == best)
    m.clear_objective()
    out.timings["cpsat_stage1"] = time.perf_counter() - t

    # Stage 2: fix in rank order.
    t = time.perf_counter()
    proven2 = True
    fixed = 0
    housed_now = _housed_set(problem, incumbent)
    deadline = time.perf_counter() + budget
    for c in np.argsort(problem.rank, kind="stable").tolist():
        if fixed == best:
            break
        if c not in model.housed:
            continue
        if c not in housed_now:
            out.checks += 1
            m.add_assumption(model.housed[c])
            status, found = model.solve(incumbent, deadline - time.perf_counter())
            m.clear_assumptions()
            if found is None:
                proven2 = proven2 and status == cp_model.INFEASIBLE
                continue
            incumbent, housed_now = found, _housed_set(problem, found)
        m.add(model.housed[c] == 1)
        fixed += 1
    out.proven["stage2"] = proven2 and out.proven["stage1"]
    out.timings["cpsat_stage2"] = time.perf_counter() - t

    # Stage 3: cheapest allocation of the fixed set.
    t = time.perf_counter()
    for c, h in model.housed.items():
        if c not in housed_now:
            m.add(h == 0)
    m.minimize(sum(int(problem.arc_cost[a]) * model.x[a] for a in range(problem.n_arcs)))
    status, arcs = model.solve(incumbent, budget)
    out.arcs = arcs if arcs is not None else incumbent
    out.proven["stage3"] = status == cp_model.OPTIMAL and out.proven["stage2"]
    out.timings["cpsat_stage3"] = time.perf_counter() - t
    return out


def _housed_set(problem: MatchProblem, arcs: IntArray) -> set[int]:
    return set(problem.arc_candidate[arcs].tolist())
