"""The side-constraint path: the feasible repair it falls back on, its time budget, and what it
says when it runs out of time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from ortools.sat.python import cp_model

from solver.core import cpsat
from solver.core.check import check_allocation
from solver.core.cpsat import STAGES, feasible_repair
from solver.core.network import FlowNetwork, fit_flow, maximum_flow, split_groups
from solver.core.problem import CapacityGroup, MatchProblem, MatchResult, Side, SolveParams, Status
from solver.core.repair import lexicographic_repair
from solver.core.solve import solve

from .oracle import brute_force
from .strategies import problems


def _as_result(problem: MatchProblem, arcs: np.ndarray) -> MatchResult:
    ranks = tuple(sorted(int(r) for r in problem.rank[problem.arc_candidate[arcs]]))
    return MatchResult(
        status=Status.FEASIBLE,
        arcs=arcs,
        housed=len(arcs),
        priority_signature=ranks,
        fit_cost=int(problem.arc_cost[arcs].sum()),
        solver_path="test",
    )


def _key(problem: MatchProblem, arcs: np.ndarray) -> tuple[int, tuple[int, ...], int]:
    ranks = tuple(sorted(int(r) for r in problem.rank[problem.arc_candidate[arcs]]))
    return (-len(arcs), ranks, int(problem.arc_cost[arcs].sum()))


def _network_allocation(problem: MatchProblem) -> np.ndarray:
    """The network's three stages with the side constraints left out."""
    c_layer, u_layer, _ = split_groups(problem)
    net = FlowNetwork.build(problem, c_layer, u_layer)
    flow, _ = lexicographic_repair(net, maximum_flow(net)[0])
    return fit_flow(net, c_layer, u_layer, np.flatnonzero(flow[net.entry] > 0))


def crossing_problem(seed: int = 7, density: float = 0.3) -> MatchProblem:
    """400 candidates, 120 units, arcs with ``density``; departments of 4 units (limit 1) that
    cut across quota groups of 10 (limit 4): the network carries one family, the other binds on
    the side."""
    rng = np.random.default_rng(seed)
    n_c, n_u = 400, 120
    cand, unit = np.nonzero(rng.random((n_c, n_u)) < density)
    groups = [
        CapacityGroup(f"quota{q}", Side.UNIT, np.arange(q * 10, q * 10 + 10), 4)
        for q in range(n_u // 10)
    ]
    groups += [
        CapacityGroup(f"department{d}", Side.UNIT, np.arange(d, n_u, n_u // 4), 1)
        for d in range(n_u // 4)
    ]
    return MatchProblem(
        n_candidates=n_c,
        n_units=n_u,
        arc_candidate=cand.astype(np.int64),
        arc_unit=unit.astype(np.int64),
        arc_cost=rng.integers(0, 100, len(cand)).astype(np.int64),
        rank=rng.permutation(n_c).astype(np.int64),
        groups=tuple(groups),
    )


@settings(max_examples=150, deadline=None)
@given(problems(max_candidates=6, max_units=5, side_constraints=True))
def test_feasible_repair_keeps_every_group_and_houses_someone_when_anyone_can_be(
    problem: MatchProblem,
) -> None:
    """The repair of the network's allocation is valid, and empty only when no allocation
    houses anyone (the oracle's count is 0)."""
    repaired = feasible_repair(problem, _network_allocation(problem))
    assert check_allocation(problem, _as_result(problem, repaired)) == []
    assert (len(repaired) > 0) == (brute_force(problem).housed > 0)


@settings(max_examples=100, deadline=None)
@given(problems(max_candidates=6, max_units=5))
def test_feasible_repair_leaves_a_feasible_allocation_as_it_is(problem: MatchProblem) -> None:
    """Without side constraints the network's allocation keeps every group: nothing dropped,
    nobody added (it is maximum)."""
    arcs = _network_allocation(problem)
    assert np.array_equal(feasible_repair(problem, arcs), np.sort(arcs))


def test_the_crossing_problem_needs_the_side_path() -> None:
    """Guard for the tests below: the network's allocation breaks a side constraint."""
    problem = crossing_problem()
    arcs = _network_allocation(problem)
    assert check_allocation(problem, _as_result(problem, arcs)) != []
    assert solve(problem, SolveParams(time_limit_s=0.01)).solver_path == "flow+cpsat"


def test_time_out_returns_a_feasible_non_empty_allocation_that_says_it_is_not_proven() -> None:
    """With no time to solve anything, the answer is the repaired network allocation: valid,
    housing youths, status FEASIBLE, unproven stages and their gap stated."""
    problem = crossing_problem()
    result = solve(problem, SolveParams(time_limit_s=0.01))
    repaired = feasible_repair(problem, _network_allocation(problem))
    assert check_allocation(problem, result) == []
    assert result.housed > 0
    assert result.status is Status.FEASIBLE
    assert not all(result.proven.values())
    assert result.gap and all(v > 0 for v in result.gap.values())
    assert _key(problem, result.arcs) <= _key(problem, repaired)


class _FakeClock:
    """perf_counter for the cpsat module: moves only when a solve 'runs' its full limit."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("limit", [0.5, 5.0])
def test_every_solve_fits_in_three_stages_of_the_time_limit(
    monkeypatch: pytest.MonkeyPatch, limit: float
) -> None:
    """Each CP-SAT call is given at most the limit and must end by three limits after the start,
    even when every call uses all it is given and finds nothing (and the network test lets every
    stage-2 candidate through, so there are far more calls than three limits hold); the answer
    is then the repair, unproven, with its gap."""
    clock = _FakeClock()
    given_limits: list[float] = []

    class LetsAllThrough:
        def __init__(self, *args: Any) -> None:
            pass

        def can_join(self, c: int) -> bool:
            return True

        def fix(self, c: int) -> None:
            pass

    def timed_out(self: cpsat.AllocationModel, time_limit: float) -> tuple[Any, None]:
        given_limits.append(time_limit)
        clock.now += time_limit + 0.01  # runs its limit and a little over
        self.overrun = max(self.overrun, 0.01)
        return cp_model.UNKNOWN, None

    monkeypatch.setattr(cpsat.time, "perf_counter", clock)
    monkeypatch.setattr(cpsat.AllocationModel, "solve", timed_out)
    monkeypatch.setattr(cpsat, "NetworkScreen", LetsAllThrough)
    problem = crossing_problem(density=0.01)  # sparse: top candidates are left out, so checks
    start = clock.now
    result = solve(problem, SolveParams(time_limit_s=limit))
    assert len(given_limits) >= 3 and all(0 < g <= limit for g in given_limits)
    assert clock.now - start <= STAGES * limit + 0.011
    assert result.gap.get("priority_undecided", 0) > 0  # stage 2 ran out of time
    repaired = feasible_repair(problem, _network_allocation(problem))
    assert np.array_equal(np.sort(result.arcs), repaired) and len(repaired) > 0
    assert result.status is Status.FEASIBLE and result.gap
    assert check_allocation(problem, result) == []
