"""The LP relaxation of the side-constrained allocation: each stage's question asked of GLOP first.

The side path's model (one 0/1 variable per arc; each candidate and unit at most once; every
capacity group) relaxed to ``0 ≤ x ≤ 1``. Its answers are exact in two cases, and those are what
the side path takes from it:

- **infeasible**: no fractional allocation meets the question, so no allocation does (a stage-2
  candidate that cannot join the fixed set is ruled out, proven);
- **integral**: the LP's optimum is a 0/1 allocation, so it is optimal for the integer problem
  too (the LP's optimum bounds it). It is checked exactly (:meth:`Relaxation._allocation`)
  before it is used.

Anything else (a fractional optimum, or no answer within its time) is left to CP-SAT.

Why: the unit side is small (a city's week has ~80 dwellings) and the groups that cross
(departments mixing dwelling types across the quota groups) are few, so the relaxation is
almost always integral. On copenhagen with mixed departments and ``per_department = 1``, CP-SAT
took 5.5 s to prove the count (GLOP: 0.05 s, integral) and 6-9 s for each stage-2 check; the
week was not proven in 180 s (issue 15, ``benchmarks/bench_engine.py``).

The model is built once as a proto and kept in GLOP; a question changes row bounds and the
objective only, so each solve starts from the previous basis (no presolve, dual simplex).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

from solver.core.problem import IntArray, MatchProblem, Side, keeps_groups

_TOLERANCE = 1e-6
# Warm starts: the model changes only in bounds and objective between solves (measured on the
# mixed copenhagen week: median 0.03 s a check, against 0.11 s with presolve and primal simplex).
_GLOP = "use_preprocessing:false use_dual_simplex:true"


class Verdict(Enum):
    INTEGRAL = "integral"  # an optimal 0/1 allocation (checked exactly)
    INFEASIBLE = "infeasible"  # no allocation, fractional or not
    FRACTIONAL = "fractional"  # an optimum, not 0/1: its value bounds the integer problem
    UNKNOWN = "unknown"  # no answer within the time given


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    value: float = 0.0  # the LP optimum (INTEGRAL, FRACTIONAL)
    arcs: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # INTEGRAL's


class Relaxation:
    """The LP of a problem's allocations, asked stage by stage.

    Rows: a *housed* row per candidate (``Σ arcs of c``, bounds set per question: free ``[0,
    1]``, fixed in ``[1, 1]``, ruled out ``[0, 0]``), a row per unit with more than one arc,
    a row per capacity group, and the *total* row (``Σ x``, fixed to the stage-1 count)."""

    def __init__(self, problem: MatchProblem) -> None:
        self.problem = problem
        n_arcs, n_c = problem.n_arcs, problem.n_candidates
        proto = linear_solver_pb2.MPModelProto()
        unit_interval = linear_solver_pb2.MPVariableProto(lower_bound=0.0, upper_bound=1.0)
        proto.variable.extend([unit_interval] * n_arcs)  # copied: 1.7× faster than add() each
        arcs = np.arange(n_arcs)
        by_c = np.argsort(problem.arc_candidate, kind="stable")
        c_starts = np.searchsorted(problem.arc_candidate[by_c], np.arange(n_c + 1))
        self._c_arcs = [by_c[c_starts[c] : c_starts[c + 1]] for c in range(n_c)]
        for c in range(n_c):
            _row(proto, self._c_arcs[c], 0.0, 1.0)
        by_u = np.argsort(problem.arc_unit, kind="stable")
        u_starts = np.searchsorted(problem.arc_unit[by_u], np.arange(problem.n_units + 1))
        u_arcs = [by_u[u_starts[u] : u_starts[u + 1]] for u in range(problem.n_units)]
        for a in u_arcs:
            if len(a) > 1:
                _row(proto, a, 0.0, 1.0)
        for g in problem.groups:
            members = np.unique(g.members)
            side = self._c_arcs if g.side is Side.CANDIDATE else u_arcs
            terms = np.concatenate([side[m] for m in members.tolist()] + [arcs[:0]])
            if len(terms) > g.capacity:
                _row(proto, terms, 0.0, float(g.capacity))
        _row(proto, arcs, 0.0, float(n_arcs))
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.solver.LoadModelFromProto(proto)
        self.solver.SetSolverSpecificParametersAsString(_GLOP)
        self._vars = self.solver.variables()
        rows = self.solver.constraints()
        self._housed, self._total = rows[:n_c], rows[-1]
        self._low = np.zeros(n_c, dtype=np.int64)  # the housed rows' bounds, as set
        self._high = np.ones(n_c, dtype=np.int64)
        self._count: tuple[int, int] = (0, n_arcs)
        self._objective = np.zeros(n_arcs, dtype=np.float64)
        self.solves = 0

    # ------------------------------------------------------------------ the model's state

    def set_count(self, count: int) -> None:
        """Every allocation asked about from now on houses exactly ``count``."""
        self._total.SetBounds(float(count), float(count))
        self._count = (count, count)

    def fix(self, c: int) -> None:
        """Candidate ``c`` is housed in every allocation asked about from now on."""
        self._bound(c, 1, 1)

    def rule_out(self, c: int) -> None:
        """Candidate ``c`` is housed in none from now on."""
        self._bound(c, 0, 0)

    def fix_set(self, housed: np.ndarray | None) -> None:
        """Exactly the candidates where ``housed`` (a boolean mask) is true; ``None`` frees
        every candidate again."""
        if housed is None:
            low, high = np.zeros_like(self._low), np.ones_like(self._high)
        else:
            low = high = housed.astype(np.int64)
        for c in np.flatnonzero((low != self._low) | (high != self._high)).tolist():
            self._bound(c, int(low[c]), int(high[c]))

    def _bound(self, c: int, low: int, high: int) -> None:
        self._housed[c].SetBounds(float(low), float(high))
        self._low[c], self._high[c] = low, high

    def objective(self, weights: np.ndarray, maximize: bool) -> None:
        """Maximise or minimise ``weights`` (one per arc) from now on. Questions that change
        only bounds keep the objective, so GLOP's dual simplex starts from a dual-feasible
        basis."""
        weights = np.asarray(weights, dtype=np.float64)
        objective = self.solver.Objective()
        for a in np.flatnonzero(weights != self._objective).tolist():
            objective.SetCoefficient(self._vars[a], float(weights[a]))
        self._objective = weights
        objective.SetOptimizationDirection(maximize)

    # ------------------------------------------------------------------ questions

    def solve(self, time_limit: float) -> Answer:
        """The LP's optimum as the model now stands, within ``time_limit`` seconds."""
        if time_limit <= 0:
            return Answer(Verdict.UNKNOWN)
        self.solver.SetTimeLimit(max(1, int(time_limit * 1000)))
        self.solves += 1
        status = self.solver.Solve()
        if status == pywraplp.Solver.INFEASIBLE:
            return Answer(Verdict.INFEASIBLE)
        if status != pywraplp.Solver.OPTIMAL:
            return Answer(Verdict.UNKNOWN)
        value = self.solver.Objective().Value()
        response = linear_solver_pb2.MPSolutionResponse()
        self.solver.FillSolutionResponseProto(response)
        chosen = self._allocation(np.asarray(response.variable_value, dtype=np.float64))
        if chosen is None:
            return Answer(Verdict.FRACTIONAL, value)
        return Answer(Verdict.INTEGRAL, value, chosen)

    def solve_with(self, c: int, time_limit: float) -> Answer:
        """The optimum of the allocations that also house ``c`` (its bounds are restored)."""
        low, high = int(self._low[c]), int(self._high[c])
        self._bound(c, 1, 1)
        try:
            return self.solve(time_limit)
        finally:
            self._bound(c, low, high)

    def _allocation(self, x: np.ndarray) -> IntArray | None:
        """The 0/1 allocation ``x`` is, if it keeps every row as the model now bounds it
        (checked in integers, not trusted to the LP's tolerances); else None."""
        if np.any(np.minimum(np.abs(x), np.abs(1.0 - x)) > _TOLERANCE):
            return None
        chosen = np.flatnonzero(x > 0.5).astype(np.int64)
        p = self.problem
        cands = np.bincount(p.arc_candidate[chosen], minlength=p.n_candidates)
        units = np.bincount(p.arc_unit[chosen], minlength=p.n_units)
        if np.any(cands < self._low) or np.any(cands > self._high) or units.max(initial=0) > 1:
            return None
        if not keeps_groups(p, chosen, p.groups):
            return None
        if not self._count[0] <= len(chosen) <= self._count[1]:
            return None
        return chosen


def _row(proto: linear_solver_pb2.MPModelProto, arcs: np.ndarray, low: float, high: float) -> None:
    row = proto.constraint.add(lower_bound=low, upper_bound=high)
    row.var_index.extend(arcs.tolist())
    row.coefficient.extend([1.0] * len(arcs))
