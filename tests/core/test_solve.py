"""The generic solver against the brute-force oracle and hand-made traps."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from solver.core.check import check_allocation
from solver.core.network import FlowNetwork, priority_flow, split_groups
from solver.core.problem import CapacityGroup, MatchProblem, Side, SolveParams, Status
from solver.core.repair import lexicographic_repair
from solver.core.solve import solve

from .oracle import brute_force, sequential_flow_signature
from .strategies import medium_problems, problems


@settings(max_examples=300, deadline=None)
@given(problems())
def test_network_path_matches_the_brute_force_optimum_in_every_stage(problem: MatchProblem) -> None:
    """Stage 1 count, stage 2 priority set and stage 3 cost equal the oracle's."""
    result = solve(problem)
    best = brute_force(problem)
    assert result.solver_path == "flow"
    assert result.status is Status.OPTIMAL
    assert result.housed == best.housed
    assert result.priority_signature == best.signature
    assert result.fit_cost == best.cost
    assert check_allocation(problem, result) == []


@settings(max_examples=120, deadline=None)
@given(problems(max_candidates=6, max_units=5, side_constraints=True))
def test_side_constraints_path_matches_the_brute_force_optimum(problem: MatchProblem) -> None:
    """With overlapping unit groups (departments) the CP-SAT path is still exact."""
    result = solve(problem, SolveParams(time_limit_s=20))
    best = brute_force(problem)
    assert result.status is Status.OPTIMAL
    assert result.housed == best.housed
    assert result.priority_signature == best.signature
    assert result.fit_cost == best.cost
    assert check_allocation(problem, result) == []


@settings(max_examples=300, deadline=None)
@given(problems())
def test_repair_reaches_the_priority_optimum_from_an_adversarial_maximum_flow(
    problem: MatchProblem,
) -> None:
    """Started from the maximum flow that prefers the *lowest* priorities, stage 2 still ends
    at the oracle's priority-best set (so it does not rely on a good warm start)."""
    c_layer, u_layer, _ = split_groups(problem)
    net = FlowNetwork.build(problem, c_layer, u_layer)
    cost = np.zeros(net.n_arcs, dtype=np.int64)
    cost[net.entry] = problem.n_candidates - problem.rank
    worst, _ = net.min_cost_flow(cost)
    repaired, _ = lexicographic_repair(net, worst)
    housed = np.flatnonzero(repaired[net.entry]).tolist()
    assert tuple(sorted(int(problem.rank[c]) for c in housed)) == brute_force(problem).signature


def _trap() -> MatchProblem:
    """Ranks 0,1,2,4 (3 has no arc). 0 and 1 share a team with one slot; 0 and 2 fit only u0;
    1 and 4 fit only u1. Maximum sets: {0,4}, {1,2}, {2,4}; by priority {0,4} is best, but
    {1,2} has the smaller rank sum, so linear weights choose it."""
    team = CapacityGroup("team:T", Side.CANDIDATE, np.array([0, 1]), 1)
    arcs = [(0, 0, 0), (2, 0, 0), (1, 1, 0), (4, 1, 0)]
    return MatchProblem.from_arcs(5, 2, arcs, groups=(team,))


def test_linear_rank_weights_drop_the_top_candidate_in_the_trap() -> None:
    """The warm start alone (min sum of ranks) houses {1, 2}: linear weights are not enough."""
    problem = _trap()
    c_layer, u_layer, _ = split_groups(problem)
    net = FlowNetwork.build(problem, c_layer, u_layer)
    flow, count = priority_flow(net)
    assert count == 2
    assert sorted(np.flatnonzero(flow[net.entry]).tolist()) == [1, 2]


def test_solver_houses_the_top_candidate_in_the_trap() -> None:
    """The lexicographic stage swaps four candidates through the team node to house {0, 4}."""
    problem = _trap()
    result = solve(problem)
    assert sorted(c for c, _ in result.pairs(problem)) == [0, 4]
    assert result.priority_signature == brute_force(problem).signature
    assert check_allocation(problem, result) == []


def test_problem_without_arcs_houses_nobody_and_is_optimal() -> None:
    """No eligible pair: an empty, proven-optimal allocation (a status, not an exception)."""
    problem = MatchProblem.from_arcs(3, 2, [])
    result = solve(problem)
    assert result.status is Status.OPTIMAL
    assert result.housed == 0
    assert check_allocation(problem, result) == []


def test_zero_capacity_quota_blocks_its_units() -> None:
    """A quota group with no remaining claims leaves its units empty."""
    quota = CapacityGroup("quota:A", Side.UNIT, np.array([0, 1]), 0)
    problem = MatchProblem.from_arcs(2, 3, [(0, 0, 0), (1, 1, 0), (1, 2, 5)], groups=(quota,))
    result = solve(problem)
    assert result.pairs(problem) == [(1, 2)]
    assert check_allocation(problem, result) == []


@settings(max_examples=200, deadline=None)
@given(problems())
def test_no_unhoused_candidate_could_take_a_lower_priority_candidates_unit(
    problem: MatchProblem,
) -> None:
    """No inversion: swapping an unhoused candidate in for a lower-priority housed one on a
    unit it fits always breaks a rule (its team would overflow)."""
    result = solve(problem)
    unit_of = result.unit_of(problem)
    holder = {int(u): c for c, u in enumerate(unit_of.tolist()) if u >= 0}
    teams = [g for g in problem.groups if g.side is Side.CANDIDATE]
    for c, u in zip(problem.arc_candidate.tolist(), problem.arc_unit.tolist(), strict=True):
        h = holder.get(u)
        if unit_of[c] >= 0 or h is None or problem.rank[h] < problem.rank[c]:
            continue
        for g in teams:
            members = set(g.members.tolist())
            if c in members and h not in members:
                used = sum(1 for m in members if unit_of[m] >= 0)
                assert used >= g.capacity, "an inversion the solver should have removed"
                break
        else:
            raise AssertionError(f"candidate {c} could take unit {u} from lower-priority {h}")


@settings(max_examples=40, deadline=None)
@given(medium_problems())
def test_priority_stage_matches_one_flow_per_candidate_on_medium_cases(
    problem: MatchProblem,
) -> None:
    """On 30–150 candidates with tight teams and quotas, stage 2 equals the definition computed
    with one independent min-cost flow per candidate."""
    expected = sequential_flow_signature(problem)
    result = solve(problem)
    assert result.priority_signature == expected
    assert check_allocation(problem, result) == []
    c_layer, u_layer, _ = split_groups(problem)
    net = FlowNetwork.build(problem, c_layer, u_layer)
    cost = np.zeros(net.n_arcs, dtype=np.int64)
    cost[net.entry] = problem.n_candidates - problem.rank
    worst, _ = net.min_cost_flow(cost)
    repaired, _ = lexicographic_repair(net, worst)
    housed = np.flatnonzero(repaired[net.entry]).tolist()
    assert tuple(sorted(int(problem.rank[c]) for c in housed)) == expected


@settings(max_examples=200, deadline=None)
@given(problems(max_candidates=6, max_units=5, nested_departments=True))
def test_departments_nested_in_quota_groups_stay_on_the_exact_network_path(
    problem: MatchProblem,
) -> None:
    """Departments inside quota groups (and one around a quota group) form a laminar family:
    the network carries them, no CP-SAT, and every stage equals the oracle's."""
    result = solve(problem)
    best = brute_force(problem)
    assert result.solver_path == "flow"
    assert result.status is Status.OPTIMAL
    assert (result.housed, result.priority_signature, result.fit_cost) == (
        best.housed,
        best.signature,
        best.cost,
    )
    assert check_allocation(problem, result) == []


def test_split_groups_puts_nested_unit_groups_in_the_network_and_crossing_ones_aside() -> None:
    """Inside, around and disjoint groups join the unit layer; a crossing one is a side
    constraint; a candidate group overlapping a team is one too (equally tight groups are
    taken in the problem's order)."""

    def unit(name: str, members: list[int], cap: int = 0) -> CapacityGroup:
        return CapacityGroup(name, Side.UNIT, np.array(members), cap)

    quota_a, quota_b = unit("quota:a", [0, 1, 2]), unit("quota:b", [3, 4])
    inside, around = unit("dep:inside", [1, 2]), unit("dep:org", [0, 1, 2, 3, 4, 5])
    crossing = unit("dep:cross", [2, 3])
    team, team2 = (
        CapacityGroup("team:t", Side.CANDIDATE, np.array([0, 1]), 1),
        CapacityGroup("team:u", Side.CANDIDATE, np.array([1, 2]), 1),
    )
    groups = (team, team2, quota_a, quota_b, inside, around, crossing)
    problem = MatchProblem.from_arcs(3, 6, [(0, 0, 0)], groups=groups)
    c_layer, u_layer, side = split_groups(problem)
    assert [g.name for g in c_layer] == ["team:t"]
    assert [g.name for g in u_layer] == ["quota:a", "quota:b", "dep:inside", "dep:org"]
    assert sorted(g.name for g in side) == ["dep:cross", "team:u"]


def test_split_groups_carries_the_tighter_of_two_crossing_groups_in_the_network() -> None:
    """A department limit of 1 over four units crossing a quota group with 3 of 4 claims left:
    the department (tighter) joins the network, the quota group is the side constraint."""
    quota = CapacityGroup("quota:a", Side.UNIT, np.array([0, 1, 2, 3]), 3)
    department = CapacityGroup("department:x", Side.UNIT, np.array([2, 3, 4, 5]), 1)
    problem = MatchProblem.from_arcs(1, 6, [(0, 0, 0)], groups=(quota, department))
    _, u_layer, side = split_groups(problem)
    assert [g.name for g in u_layer] == ["department:x"]
    assert [g.name for g in side] == ["quota:a"]
