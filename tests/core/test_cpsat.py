"""The side-constraint path: the feasible repair it falls back on, its time budget, and what it
says when it runs out of time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from ortools.sat.python import cp_model

from solver.core import cpsat, relaxation
from solver.core.check import check_allocation
from solver.core.cpsat import STAGES, feasible_repair
from solver.core.network import FlowNetwork, fit_flow, maximum_flow, split_groups
from solver.core.problem import CapacityGroup, MatchProblem, MatchResult, Side, SolveParams, Status
from solver.core.repair import lexicographic_repair
from solver.core.solve import solve

from .oracle import brute_force
from .strategies import crossing_problems, problems


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
    """Each solve (the LP relaxation's and CP-SAT's) is given at most the limit and all must end
    by three limits after the start, even when every solve uses all it is given and finds
    nothing (and the network test lets every stage-2 candidate through, so there are far more
    solves than three limits hold); the answer is then the repair, unproven, with its gap."""
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

    def lp_timed_out(self: relaxation.Relaxation, time_limit: float) -> relaxation.Answer:
        if time_limit <= 0:  # as the real one: a question with no time is not asked
            return relaxation.Answer(relaxation.Verdict.UNKNOWN)
        given_limits.append(time_limit)
        clock.now += time_limit + 0.01
        return relaxation.Answer(relaxation.Verdict.UNKNOWN)

    monkeypatch.setattr(cpsat.time, "perf_counter", clock)
    monkeypatch.setattr(cpsat.AllocationModel, "solve", timed_out)
    monkeypatch.setattr(relaxation.Relaxation, "solve", lp_timed_out)
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


def two_triangles() -> MatchProblem:
    """Six units in two triangles of crossing pairs (each pair at most one), six candidates
    eligible for every unit: at most two can be housed, but the LP relaxation houses three
    (every unit at one half), so only CP-SAT can settle the count."""
    pairs = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    groups = tuple(CapacityGroup(f"pair{a}{b}", Side.UNIT, np.array([a, b]), 1) for a, b in pairs)
    cand, unit = np.nonzero(np.ones((6, 6), dtype=bool))
    return MatchProblem(
        n_candidates=6,
        n_units=6,
        arc_candidate=cand.astype(np.int64),
        arc_unit=unit.astype(np.int64),
        arc_cost=((cand * 7 + unit * 3) % 5).astype(np.int64),
        rank=np.array([3, 0, 5, 1, 4, 2], dtype=np.int64),
        groups=groups,
    )


def test_the_lp_relaxation_of_two_triangles_is_fractional() -> None:
    """Guard for the test below, and the relaxation's own answer: an optimum of 3, not 0/1."""
    problem = two_triangles()
    lp = relaxation.Relaxation(problem)
    lp.objective(np.ones(problem.n_arcs), maximize=True)
    answer = lp.solve(5.0)
    assert answer.verdict is relaxation.Verdict.FRACTIONAL
    assert answer.value == pytest.approx(3.0)
    lp.set_count(3)
    assert lp.solve(5.0).verdict is relaxation.Verdict.FRACTIONAL  # still no 0/1 point
    assert brute_force(problem).housed == 2


def test_a_fractional_lp_leaves_the_stage_to_cp_sat_and_the_answer_is_exact() -> None:
    """Where the LP cannot answer, CP-SAT does, and every stage equals the oracle's."""
    problem = two_triangles()
    result = solve(problem, SolveParams(time_limit_s=20))
    assert result.solver_path == "flow+cpsat"
    assert "cpsat_model" in result.timings  # CP-SAT was built: the LP did not settle it
    _assert_oracle(problem, result)


@settings(max_examples=300, deadline=None)
@given(crossing_problems(max_candidates=7, max_units=5))
def test_cp_sat_alone_still_matches_the_oracle_when_the_lp_answers_nothing(
    problem: MatchProblem,
) -> None:
    """The LP relaxation answers most questions now; with it answering none (every solve out
    of time), the CP-SAT path that remains must still be exact on its own."""
    unknown = relaxation.Answer(relaxation.Verdict.UNKNOWN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(relaxation.Relaxation, "solve", lambda self, limit: unknown)
        result = solve(problem, SolveParams(time_limit_s=20))
    _assert_oracle(problem, result)


@settings(max_examples=300, deadline=None)
@given(crossing_problems(max_candidates=7, max_units=5))
def test_a_fractional_stage_2_answer_is_settled_by_cp_sat(problem: MatchProblem) -> None:
    """A fractional LP optimum for a stage-2 candidate says nothing of whether it can join:
    with every such answer fractional, CP-SAT decides each and the set is still the oracle's.
    (Small problems are rarely fractional by themselves; the two triangles are, in stage 1.)"""
    fractional = relaxation.Answer(relaxation.Verdict.FRACTIONAL, 1.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(relaxation.Relaxation, "solve_with", lambda self, c, limit: fractional)
        result = solve(problem, SolveParams(time_limit_s=20))
    _assert_oracle(problem, result)


def _assert_oracle(problem: MatchProblem, result: MatchResult) -> None:
    best = brute_force(problem)
    assert result.status is Status.OPTIMAL
    assert (result.housed, result.priority_signature, result.fit_cost) == (
        best.housed,
        best.signature,
        best.cost,
    )
    assert check_allocation(problem, result) == []


@settings(max_examples=300, deadline=None)
@given(crossing_problems(max_candidates=7, max_units=5))
def test_the_lp_alone_answers_exactly_or_not_at_all(problem: MatchProblem) -> None:
    """With CP-SAT unable to answer (every solve out of time), whatever the LP relaxation
    settles is exact: a result that says OPTIMAL equals the oracle's, and any other states its
    gap and keeps every group."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cpsat.AllocationModel, "solve", lambda self, limit: (cp_model.UNKNOWN, None))
        result = solve(problem, SolveParams(time_limit_s=20))
    if result.status is Status.OPTIMAL:
        _assert_oracle(problem, result)
    else:
        assert result.gap and check_allocation(problem, result) == []


@settings(max_examples=400, deadline=None)
@given(crossing_problems(max_candidates=7, max_units=5))
def test_crossing_groups_match_the_brute_force_optimum_in_every_stage(
    problem: MatchProblem,
) -> None:
    """Quota groups and departments that cross, both tight: the side path (the LP relaxation
    first, CP-SAT where it is fractional) equals the oracle in the count, the priority set and
    the cost, proven."""
    _assert_oracle(problem, solve(problem, SolveParams(time_limit_s=20)))
