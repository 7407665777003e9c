"""The general path: side constraints the network cannot carry, settled by the LP relaxation
and, where it cannot, CP-SAT.

Used only when a capacity group crosses another on its side (e.g. departments that mix dwelling
types, so they cut across the quota groups; departments nested in quota groups stay in the
network). Every stage's question goes first to the LP relaxation (:mod:`solver.core.relaxation`,
GLOP, built once): an infeasible LP rules the answer out and an integral optimum is the answer,
both proven. CP-SAT's model (one Boolean per arc) is built only when an LP optimum is
fractional; it is then kept in step (count, fixed and ruled-out candidates) and the three stages
change only its objective and assumptions.

What is guaranteed:

- **Never worse than the flow solution repaired.** :func:`feasible_repair` turns the network's
  allocation (which may break a side constraint) into a feasible one; it is every stage's hint
  and the fallback, and the result is the better of it and what CP-SAT found (by count, then
  priority, then cost). So a time-out never leaves nobody housed when a feasible allocation
  houses someone.
- **The time limit holds.** Every solve (GLOP's and CP-SAT's) gets at most ``time_limit_s`` and
  what is left of a deadline of three stages × ``time_limit_s`` from the start.
- **Proven or said.** Each stage reports whether it was proven; when not, ``gap`` states how far
  the answer may be from optimal: ``housed`` (best upper bound − housed), ``priority_undecided``
  (higher-priority candidates whose check was not settled), ``fit_cost`` (cost − best lower
  bound).
- **Few solves in stage 2.** When the count equals the network's maximum, every allocation here
  is a maximum flow of the network, so a candidate that no maximum flow can add to the fixed set
  (the exchange-cycle test of :mod:`solver.core.repair`, run on a network flow that houses the
  fixed set) is ruled out without solving; the LP decides most of the rest, CP-SAT what is
  left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from solver.core.network import FlowNetwork
from solver.core.problem import (
    CapacityGroup,
    IntArray,
    MatchProblem,
    Side,
    SolveParams,
    keeps_groups,
)
from solver.core.relaxation import Answer, Relaxation, Verdict
from solver.core.repair.dead import DeadNodes, dead_row, record_failure
from solver.core.repair.push import push_cycle
from solver.core.repair.residual import Residual
from solver.core.repair.search import find_path

STAGES = 3  # the time budget is STAGES × time_limit_s
_PROVEN = (cp_model.OPTIMAL, cp_model.INFEASIBLE)
_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class CpsatOutcome:
    arcs: IntArray  # chosen arcs (feasible under every group)
    proven: dict[str, bool] = field(default_factory=dict)
    gap: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    checks: int = 0  # stage-2 CP-SAT solves
    screened: int = 0  # stage-2 candidates ruled out by the network test
    lp_ruled_out: int = 0  # stage-2 candidates ruled out by the LP relaxation
    lp_solves: int = 0  # LP relaxation solves, all stages
    fallback: bool = False  # the repaired flow solution was kept


def feasible_repair(problem: MatchProblem, arcs: IntArray) -> IntArray:
    """A feasible allocation near ``arcs``: drop, then refill.

    Every group over its capacity loses its lowest-priority housed members until it holds; then
    candidates are taken in rank order and each unhoused one gets its cheapest free unit whose
    groups (and its own) still have room. Guaranteed to keep every group; it houses everyone
    ``arcs`` houses except those dropped.
    """
    rank = problem.rank
    unit_of = np.full(problem.n_candidates, -1, dtype=np.int64)
    arc_of = np.full(problem.n_candidates, -1, dtype=np.int64)
    unit_of[problem.arc_candidate[arcs]] = problem.arc_unit[arcs]
    arc_of[problem.arc_candidate[arcs]] = arcs
    groups_of_c: list[list[int]] = [[] for _ in range(problem.n_candidates)]
    groups_of_u: list[list[int]] = [[] for _ in range(problem.n_units)]
    for gi, g in enumerate(problem.groups):
        target = groups_of_c if g.side is Side.CANDIDATE else groups_of_u
        for m in np.unique(g.members).tolist():
            target[m].append(gi)

    def used(g: CapacityGroup) -> IntArray:
        members = np.unique(g.members)
        if g.side is Side.CANDIDATE:
            return members[unit_of[members] >= 0]
        holders = np.full(problem.n_units, -1, dtype=np.int64)
        housed = np.flatnonzero(unit_of >= 0)
        holders[unit_of[housed]] = housed
        return holders[members][holders[members] >= 0]

    for g in problem.groups:
        housed = used(g)
        over = len(housed) - g.capacity
        if over > 0:
            drop = housed[np.argsort(-rank[housed], kind="stable")[:over]]
            unit_of[drop] = -1
            arc_of[drop] = -1
    load = [len(used(g)) for g in problem.groups]
    taken = np.zeros(problem.n_units, dtype=bool)
    taken[unit_of[unit_of >= 0]] = True
    by_cost = np.lexsort((problem.arc_cost, problem.arc_candidate))
    starts = np.searchsorted(problem.arc_candidate[by_cost], np.arange(problem.n_candidates + 1))
    for c in np.argsort(rank, kind="stable").tolist():
        if unit_of[c] >= 0 or any(load[g] >= problem.groups[g].capacity for g in groups_of_c[c]):
            continue
        for a in by_cost[starts[c] : starts[c + 1]].tolist():
            u = int(problem.arc_unit[a])
            if taken[u] or any(load[g] >= problem.groups[g].capacity for g in groups_of_u[u]):
                continue
            taken[u] = True
            unit_of[c], arc_of[c] = u, a
            for g in groups_of_c[c] + groups_of_u[u]:
                load[g] += 1
            break
    return np.sort(arc_of[arc_of >= 0])


class AllocationModel:
    """One Boolean per arc; candidate, unit and group constraints."""

    def __init__(self, problem: MatchProblem, params: SolveParams) -> None:
        self.problem = problem
        self.params = params
        m = self.model = cp_model.CpModel()
        self.x = [m.new_bool_var(f"x{a}") for a in range(problem.n_arcs)]
        by_c: list[list[int]] = [[] for _ in range(problem.n_candidates)]
        by_u: list[list[int]] = [[] for _ in range(problem.n_units)]
        for a, (c, u) in enumerate(
            zip(problem.arc_candidate.tolist(), problem.arc_unit.tolist(), strict=True)
        ):
            by_c[c].append(a)
            by_u[u].append(a)
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
        self.total_cost = sum(int(problem.arc_cost[a]) * self.x[a] for a in range(problem.n_arcs))
        self._var_index = np.array([v.index for v in self.x], dtype=np.int64)
        self._housed_c = np.array(list(self.housed), dtype=np.int64)
        self._housed_index = np.array([h.index for h in self.housed.values()], dtype=np.int64)
        self._hinted: IntArray | None = None
        self.bound = 0.0  # best objective bound of the last solve
        self.overrun = 0.02  # the most a solve has run past its limit (seconds)

    def hint(self, arcs: IntArray) -> None:
        """Hint an allocation: every variable, so CP-SAT need not complete it (an incomplete
        hint costs it seconds); written once per new allocation, straight into the model."""
        if self._hinted is not None and np.array_equal(self._hinted, arcs):
            return
        values = np.zeros(self.problem.n_arcs, dtype=np.int64)
        values[arcs] = 1
        housed = np.zeros(self.problem.n_candidates, dtype=np.int64)
        housed[self.problem.arc_candidate[arcs]] = 1
        self.model.proto.clear_solution_hint()
        hint = self.model.proto.solution_hint
        hint.vars.extend(self._var_index.tolist() + self._housed_index.tolist())
        hint.values.extend(values.tolist() + housed[self._housed_c].tolist())
        self._hinted = arcs

    def solve(self, time_limit: float) -> tuple[Any, IntArray | None]:
        """Solve the model as it stands; returns (status, chosen arcs or None)."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.num_workers = self.params.num_workers
        # Two workers run too few LP-based subsolvers to prove bounds on assignment models
        # (architecture notes); the LP relaxation of a bipartite model is tight, so use it.
        solver.parameters.linearization_level = 2
        # With a hint, symmetry detection maps the hint through every orbit after presolve,
        # outside the time limit: 11 s on copenhagen's 22k arcs for a 0.3 s limit (measured).
        solver.parameters.symmetry_level = 0
        started = time.perf_counter()
        status = solver.solve(self.model)
        elapsed = time.perf_counter() - started
        self.overrun = max(self.overrun, elapsed - solver.parameters.max_time_in_seconds)
        self.bound = solver.best_objective_bound if self.model.has_objective() else 0.0
        if status not in _FOUND:
            return status, None
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)[self._var_index]
        return status, np.flatnonzero(values).astype(np.int64)


class NetworkScreen:
    """Stage 2's necessary test on the network: can a maximum flow house the fixed set and ``c``?

    Keeps a maximum network flow that houses every fixed candidate, and answers with the
    exchange-cycle search of :mod:`solver.core.repair` (pushing the cycle when there is one, so
    the flow then houses ``c`` too). Valid only while the side-constrained count equals the
    network's maximum.
    """

    def __init__(self, net: FlowNetwork, flow: IntArray) -> None:
        self.net = net
        self.res = Residual.build(net, flow)
        self.dead = DeadNodes.empty(net.n_nodes)
        n = net.n_nodes
        self.buffers = [np.zeros(n, dtype=np.int64) for _ in range(6)]
        self.reach_mark = np.zeros(n, dtype=np.uint8)
        self.movable = np.zeros(net.candidate_node0, dtype=np.int64)
        self.pred = net.entry_pred.astype(np.int64)
        self.stamp = 0

    def can_join(self, c: int) -> bool:
        res, net = self.res, self.net
        if res.flow[c] > 0:
            return True
        target = int(self.pred[c])
        row, rows = dead_row(target, *self.dead)
        self.dead = self.dead._replace(rows=rows)
        seen, stack, cursor, path, visited, reach = self.buffers
        self.stamp += 1
        found, path_len, n_visited, n_reach, closed = find_path(
            net.candidate_node0 + c, target, res.adj, res.indptr, res.tail, res.head, res.cap,
            res.flow, res.holder, res.blocked, res.unit0, res.n_units, res.exit0,
            self.dead.rows[row], self.dead.region, self.dead.region_ptr, self.dead.region_hubs,
            seen, self.stamp, stack, cursor, path, visited, reach, self.reach_mark,
        )  # fmt: skip
        if not found:
            ptr, hubs, n_reach = record_failure(
                target, visited, n_visited, reach, self.reach_mark, n_reach, closed,
                net.candidate_node0, *self.dead,
            )  # fmt: skip
            self.dead = self.dead._replace(region_ptr=ptr, region_hubs=hubs)
        self.reach_mark[reach[:n_reach]] = 0
        if found:
            push_cycle(
                c, path, path_len, -1, res.flow, res.holder, res.head, res.unit0, res.pair0,
                res.exit0, net.problem.n_candidates, self.pred, self.movable,
                net.candidate_node0,
            )  # fmt: skip
        return bool(found)

    def fix(self, c: int) -> None:
        self.res.blocked[c] = 1


def _key(problem: MatchProblem, arcs: IntArray) -> tuple[int, tuple[int, ...], int]:
    """Smaller is better: more housed, then the priority-best set, then cheaper."""
    ranks = tuple(sorted(problem.rank[problem.arc_candidate[arcs]].tolist()))
    return (-len(arcs), ranks, int(problem.arc_cost[arcs].sum()))


class _Models:
    """The LP relaxation (asked first) and the CP-SAT model (built only when the LP cannot
    answer), kept in step: the stage-1 count, the fixed candidates and those ruled out."""

    def __init__(
        self, problem: MatchProblem, params: SolveParams, hint: IntArray, out: CpsatOutcome
    ) -> None:
        t = time.perf_counter()
        self.lp = Relaxation(problem)
        out.timings["lp_model"] = time.perf_counter() - t
        self._problem, self._params, self._hint, self._out = problem, params, hint, out
        self._cp: AllocationModel | None = None
        self.count: int | None = None
        self.fixed: list[int] = []
        self.ruled_out: list[int] = []

    @property
    def built(self) -> bool:
        return self._cp is not None

    def cp(self) -> AllocationModel:
        if self._cp is None:
            t = time.perf_counter()
            cp = self._cp = AllocationModel(self._problem, self._params)
            cp.hint(self._hint)
            if self.count is not None:
                cp.model.add(cp.total == self.count)
            for c in self.fixed:
                cp.model.add(cp.housed[c] == 1)
            for c in self.ruled_out:
                cp.model.add(cp.housed[c] == 0)
            self._out.timings["cpsat_model"] = time.perf_counter() - t
        return self._cp

    def set_count(self, count: int) -> None:
        self.count = count
        self.lp.set_count(count)
        if self._cp is not None:
            self._cp.model.add(self._cp.total == count)

    def fix(self, c: int) -> None:
        self.fixed.append(c)
        self.lp.fix(c)
        if self._cp is not None:
            self._cp.model.add(self._cp.housed[c] == 1)

    def rule_out(self, c: int) -> None:
        self.ruled_out.append(c)
        self.lp.rule_out(c)
        if self._cp is not None:
            self._cp.model.add(self._cp.housed[c] == 0)


def solve_with_side_constraints(
    problem: MatchProblem,
    params: SolveParams,
    net: FlowNetwork,
    relaxed_flow: IntArray,
    relaxed_arcs: IntArray,
    network_fit: Callable[[IntArray], IntArray],
) -> CpsatOutcome:
    """The three stages under every capacity group, from the network's solution of the rest.

    ``relaxed_flow`` is the network's stage-2 flow (lexicographically best on the network) and
    ``relaxed_arcs`` its stage-3 allocation. First the shortcut: if the network's housed set can
    be allocated under the side constraints, it is optimal here too (every allocation here is one
    of the network, so no larger count and no better set exists), and only stage 3 runs.
    Otherwise stage 1 maximises the count, stage 2 fixes candidates in rank order (network test
    first, then the LP relaxation, then one CP-SAT feasibility solve), and stage 3 minimises
    cost.

    Every question goes to the LP relaxation first (:mod:`solver.core.relaxation`): an
    infeasible LP rules the answer out and an integral optimum is the answer, both proven;
    CP-SAT runs only when the LP's optimum is fractional (or it ran out of time). The network
    bounds every stage for free too: its maximum bounds the count, and ``network_fit(housed)``
    (the network's cheapest allocation of a housed set, side constraints ignored) bounds the
    cost; a stage whose answer meets its bound is proven without solving.
    """
    started = time.perf_counter()
    deadline = started + STAGES * params.time_limit_s
    repaired = feasible_repair(problem, relaxed_arcs)
    out = CpsatOutcome(arcs=repaired)
    network_max = int(relaxed_flow[net.entry].sum())
    models = _Models(problem, params, repaired, out)
    lp = models.lp
    overrun = [0.02]  # the most a solve has run past its limit (seconds), CP-SAT's or GLOP's

    def budget() -> float:
        """Seconds the next solve may take: at most the limit, and it must end (with the worst
        overrun seen so far) by the deadline; 0 = do not start one."""
        worst = max(overrun[0], models.cp().overrun if models.built else 0.0)
        left = min(params.time_limit_s, deadline - time.perf_counter() - worst)
        return left if left >= 0.01 else 0.0

    def ask(question: Callable[..., Answer], *args: int) -> Answer:
        """``question(*args, seconds)`` of the LP, within the budget; its overrun counted."""
        left = budget()
        t = time.perf_counter()
        answer = question(*args, left)
        overrun[0] = max(overrun[0], time.perf_counter() - t - left)
        return answer

    ones = np.ones(problem.n_arcs, dtype=np.float64)
    cost = problem.arc_cost.astype(np.float64)

    # Shortcut: the network's set, fixed.
    t = time.perf_counter()
    in_set = np.zeros(problem.n_candidates, dtype=bool)
    in_set[np.flatnonzero(relaxed_flow[net.entry] > 0)] = True
    lp.fix_set(in_set)
    lp.objective(cost, maximize=False)
    answer = ask(lp.solve)
    lp.fix_set(None)
    status, arcs, lower = cp_model.UNKNOWN, None, int(np.ceil(answer.value - 1e-6))
    if answer.verdict is Verdict.INTEGRAL:
        status, arcs = cp_model.OPTIMAL, answer.arcs
    elif answer.verdict is not Verdict.INFEASIBLE and budget() > 0:
        cp = models.cp()
        cp.model.add_assumptions([h if in_set[c] else h.Not() for c, h in cp.housed.items()])
        cp.model.minimize(cp.total_cost)
        status, arcs = cp.solve(budget())
        cp.model.clear_assumptions()
        cp.model.clear_objective()
        lower = max(lower, int(np.ceil(cp.bound - 1e-6)))
    out.timings["side_fixed_set"] = time.perf_counter() - t
    if arcs is not None:
        out.arcs = arcs
        proven3 = status == cp_model.OPTIMAL
        out.proven = {"stage1": True, "stage2": True, "stage3": proven3}
        if not proven3:
            out.gap["fit_cost"] = int(problem.arc_cost[arcs].sum()) - lower
        out.lp_solves = lp.solves
        return out

    # Stage 1: maximum count (no solve when the repair already meets the network's maximum).
    t = time.perf_counter()
    found, upper = None, network_max
    if len(repaired) < network_max and budget() > 0:
        lp.objective(ones, maximize=True)
        answer = ask(lp.solve)
        if answer.verdict is Verdict.INTEGRAL:  # no allocation houses more than the LP
            found = answer.arcs
            upper = len(answer.arcs)
        elif answer.verdict is Verdict.FRACTIONAL:
            upper = min(upper, int(np.floor(answer.value + 1e-6)))
        if found is None and len(repaired) < upper and budget() > 0:
            cp = models.cp()
            cp.model.maximize(cp.total)
            _, found = cp.solve(budget())
            cp.model.clear_objective()
            if found is not None:
                upper = min(upper, int(np.floor(cp.bound + 1e-6)))
    incumbent = found if found is not None and len(found) >= len(repaired) else repaired
    best = len(incumbent)
    out.proven["stage1"] = best >= upper
    if not out.proven["stage1"]:
        out.gap["housed"] = upper - best
    models.set_count(best)
    out.timings["side_stage1"] = time.perf_counter() - t

    # Stage 2: fix in rank order. A candidate the incumbent houses is fixed as it comes; one it
    # does not is asked of the network (when it bounds the count), then of the LP, then of
    # CP-SAT. One ruled out stays out: it cannot join the fixed set, nor any larger one. (A
    # block test, one LP ruling out a run of candidates, was tried: on the mixed copenhagen
    # week it took 90 LP solves against 51, each slower for its changed objective.)
    t = time.perf_counter()
    screen = NetworkScreen(net, relaxed_flow) if best == network_max else None
    order = np.argsort(problem.rank, kind="stable").tolist()
    lp.objective(np.zeros(problem.n_arcs), maximize=True)  # bounds change, objective stays
    has_arcs = np.bincount(problem.arc_candidate, minlength=problem.n_candidates) > 0
    housed_now = np.zeros(problem.n_candidates, dtype=bool)
    housed_now[problem.arc_candidate[incumbent]] = True
    out_now = np.zeros(problem.n_candidates, dtype=bool)  # ruled out

    def rule_out(c: int) -> None:
        out_now[c] = True
        models.rule_out(c)

    fixed, undecided = 0, 0
    for c in order:
        if fixed == best:
            break
        if not has_arcs[c] or out_now[c]:
            continue
        if not housed_now[c]:
            if screen is not None and not screen.can_join(c):
                out.screened += 1
                rule_out(c)
                continue
            found = None
            answer = ask(lp.solve_with, c)
            if answer.verdict is Verdict.INFEASIBLE:
                out.lp_ruled_out += 1
                rule_out(c)
                continue
            if answer.verdict is Verdict.INTEGRAL:
                found = answer.arcs
            else:
                left = budget()
                if left <= 0:
                    undecided += 1
                    continue
                cp = models.cp()
                out.checks += 1
                cp.hint(incumbent)
                cp.model.add_assumption(cp.housed[c])
                status, found = cp.solve(left)
                cp.model.clear_assumptions()
                if found is None:
                    if status == cp_model.INFEASIBLE:
                        rule_out(c)
                    else:
                        undecided += 1
                    continue
            incumbent = found
            housed_now[:] = False
            housed_now[problem.arc_candidate[found]] = True
        elif screen is not None:
            screen.can_join(c)  # already housed here: make the network flow house it too
        models.fix(c)
        if screen is not None:
            screen.fix(c)
        fixed += 1
    out.proven["stage2"] = out.proven["stage1"] and undecided == 0
    if undecided:
        out.gap["priority_undecided"] = undecided
    out.timings["side_stage2"] = time.perf_counter() - t

    # Stage 3: cheapest allocation of the housed set. The network's cheapest allocation of the
    # same set is a lower bound, and optimal when it keeps the side constraints.
    t = time.perf_counter()
    housed_set = np.flatnonzero(housed_now).astype(np.int64)
    bound_arcs = network_fit(housed_set)
    lower = int(problem.arc_cost[bound_arcs].sum())
    status, found = cp_model.UNKNOWN, None
    if keeps_groups(problem, bound_arcs, problem.groups):
        status, found = cp_model.OPTIMAL, bound_arcs
    elif budget() > 0:
        lp.fix_set(housed_now)
        lp.objective(cost, maximize=False)
        answer = ask(lp.solve)
        if answer.verdict in (Verdict.INTEGRAL, Verdict.FRACTIONAL):
            lower = max(lower, int(np.ceil(answer.value - 1e-6)))
        if answer.verdict is Verdict.INTEGRAL:
            status, found = cp_model.OPTIMAL, answer.arcs
        else:
            if budget() > 0:
                cp = models.cp()
                for c, h in cp.housed.items():
                    if not housed_now[c]:
                        cp.model.add(h == 0)
                cp.model.minimize(cp.total_cost)
                cp.hint(incumbent)
                status, found = cp.solve(budget())
                if found is not None:
                    lower = max(lower, int(np.ceil(cp.bound - 1e-6)))
    chosen = found if found is not None else incumbent
    chosen_cost = int(problem.arc_cost[chosen].sum())
    out.proven["stage3"] = (status == cp_model.OPTIMAL or chosen_cost <= lower) and out.proven[
        "stage2"
    ]
    if chosen_cost > lower:
        out.gap["fit_cost"] = chosen_cost - lower
    out.timings["side_stage3"] = time.perf_counter() - t

    out.arcs = chosen
    out.lp_solves = lp.solves
    if _key(problem, repaired) < _key(problem, chosen):
        out.arcs, out.fallback = repaired, True
    return out
