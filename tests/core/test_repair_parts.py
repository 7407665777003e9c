"""Stage 2's parts, each on its own: the residual graph, the search for an exchange cycle, the
dead-node bookkeeping and the cycle push (the whole scan is checked against the oracles in
``test_solve.py``). Each is compared with a plain recomputation from the flow."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from solver.core.network import SINK, SOURCE, FlowNetwork, maximum_flow, split_groups
from solver.core.problem import MatchProblem
from solver.core.repair.dead import DeadNodes, dead_row, record_failure
from solver.core.repair.push import push_cycle
from solver.core.repair.residual import Residual, holders
from solver.core.repair.search import find_path

from .strategies import problems


def _network(problem: MatchProblem) -> tuple[FlowNetwork, np.ndarray]:
    c_layer, u_layer, _ = split_groups(problem)
    net = FlowNetwork.build(problem, c_layer, u_layer)
    flow, _ = maximum_flow(net)
    return net, flow


def _plain_out(net: FlowNetwork, flow: np.ndarray, blocked: np.ndarray, v: int) -> set[int]:
    """Usable half-arcs leaving ``v``, straight from the definition."""
    out = {2 * a for a in range(net.n_arcs) if net.tail[a] == v and flow[a] < net.cap[a]}
    out |= {
        2 * a + 1 for a in range(net.n_arcs) if net.head[a] == v and flow[a] > 0 and not blocked[a]
    }
    return out


def _reachers(net: FlowNetwork, flow: np.ndarray, blocked: np.ndarray, target: int) -> set[int]:
    """Nodes with a residual path to ``target`` (backward search over the definition)."""
    into: dict[int, list[int]] = {}
    for v in range(net.n_nodes):
        for h in _plain_out(net, flow, blocked, v):
            a = h >> 1
            w = int(net.tail[a] if h & 1 else net.head[a])
            into.setdefault(w, []).append(v)
    seen, todo = {target}, [target]
    while todo:
        for v in into.get(todo.pop(), []):
            if v not in seen:
                seen.add(v)
                todo.append(v)
    return seen


def _search(res: Residual, dead: DeadNodes, start: int, target: int, stamp: int = 1) -> tuple:
    n = len(res.indptr) - 1
    row, rows = dead_row(target, *dead)
    dead = dead._replace(rows=rows)
    buffers = [np.zeros(n, dtype=np.int64) for _ in range(6)]
    reach_mark = np.zeros(n, dtype=np.uint8)
    found, path_len, n_visited, n_reach, closed = find_path(
        start, target, res.adj, res.indptr, res.tail, res.head, res.cap, res.flow, res.holder,
        res.blocked, res.unit0, res.n_units, res.exit0, dead.rows[row], dead.region,
        dead.region_ptr, dead.region_hubs, buffers[0], stamp, buffers[1], buffers[2],
        buffers[3], buffers[4], buffers[5], reach_mark,
    )  # fmt: skip
    path, visited, reach = buffers[3], buffers[4], buffers[5]
    return (
        found,
        path[:path_len].tolist(),
        visited[:n_visited].tolist(),
        (reach, reach_mark, n_reach, closed),
        dead,
    )


def _unmatched(net: FlowNetwork, flow: np.ndarray) -> list[int]:
    degree = np.bincount(net.problem.arc_candidate, minlength=net.problem.n_candidates)
    return [c for c in range(net.problem.n_candidates) if flow[c] == 0 and degree[c] > 0]


@settings(max_examples=150, deadline=None)
@given(problems())
def test_residual_graph_lists_exactly_the_usable_half_arcs_of_every_node(
    problem: MatchProblem,
) -> None:
    """Every node's out-half-arcs (a unit's through ``holder``) equal the definition's, and
    ``holder`` names the pair arc carrying flow into each unit."""
    net, flow = _network(problem)
    res = Residual.build(net, flow)
    res.blocked[: problem.n_candidates] = flow[: problem.n_candidates] > 0  # fix the housed
    for v in range(net.n_nodes):
        assert set(res.out_half_arcs(v)) == _plain_out(net, flow, res.blocked, v)
    for u in range(problem.n_units):
        into = [
            a for a in range(net.pair.start, net.pair.stop) if net.head[a] == net.unit_node0 + u
        ]
        carrying = [a for a in into if flow[a] > 0]
        assert res.holder[u] == (carrying[0] if carrying else -1)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_search_finds_a_residual_path_exactly_when_the_target_is_reachable(
    problem: MatchProblem,
) -> None:
    """For each unmatched candidate: a path to its entry arc's tail is found iff one exists, and
    the path found is a chain of usable half-arcs from the candidate to that node."""
    net, flow = _network(problem)
    res = Residual.build(net, flow)
    for c in _unmatched(net, flow):
        start, target = net.candidate_node0 + c, int(net.entry_pred[c])
        found, path, visited, _, _ = _search(res, DeadNodes.empty(net.n_nodes), start, target)
        assert found == (start in _reachers(net, flow, res.blocked, target))
        if found:
            v = start
            for h in path:
                assert h in _plain_out(net, flow, res.blocked, v)
                v = res.end(h)
            assert v == target
            assert len({start, *(res.end(h) for h in path)}) == len(path) + 1  # simple
        else:
            assert start in visited and target not in visited


@settings(max_examples=150, deadline=None)
@given(problems())
def test_a_failed_search_marks_dead_only_nodes_that_cannot_reach_its_target(
    problem: MatchProblem,
) -> None:
    """After each failed search, every node dead for a target (its own row or a closed region
    marked into another target's row) has no residual path to that target."""
    net, flow = _network(problem)
    res = Residual.build(net, flow)
    dead = DeadNodes.empty(net.n_nodes)
    targets = {SOURCE, *range(2, net.candidate_node0)}
    for t in sorted(targets):  # a row for every target, so closed regions are marked into all
        _, rows = dead_row(t, *dead)
        dead = dead._replace(rows=rows)
    for c in _unmatched(net, flow):
        start, target = net.candidate_node0 + c, int(net.entry_pred[c])
        found, _, visited, (reach, reach_mark, n_reach, closed), dead = _search(
            res, dead, start, target
        )
        if found:
            continue
        region_ptr, region_hubs, n_reach = record_failure(
            target, np.array(visited, dtype=np.int64), len(visited), reach, reach_mark,
            n_reach, closed, net.candidate_node0, *dead,
        )  # fmt: skip
        dead = dead._replace(region_ptr=region_ptr, region_hubs=region_hubs)
        for t in targets:
            can_reach = _reachers(net, flow, res.blocked, t)
            marked = {v for v in range(net.n_nodes) if dead.is_dead(v, t)}
            assert not marked & can_reach
            if t == target:
                assert set(visited) <= marked


def test_closed_region_is_recorded_with_the_targets_it_touched_and_marked_for_the_others() -> None:
    """Hand-made: a failed search for target 2 that visited nodes 5, 6 and hub 3 (and skipped
    no unknown dead node) is a closed region reaching only {3}: dead for 2 and for 0, not for 3;
    a row made later for target 4 starts with it dead."""
    n, c0 = 10, 5  # nodes 0 S, 1 T, 2-4 hubs, 5-9 others
    dead = DeadNodes.empty(n)
    for t in (0, 2, 3):
        _, rows = dead_row(t, *dead)
        dead = dead._replace(rows=rows)
    visited = np.array([5, 3, 6], dtype=np.int64)
    reach = np.zeros(n, dtype=np.int64)
    reach_mark = np.zeros(n, dtype=np.uint8)
    ptr, hubs, n_reach = record_failure(2, visited, 3, reach, reach_mark, 0, True, c0, *dead)
    dead = dead._replace(region_ptr=ptr, region_hubs=hubs)
    assert reach[:n_reach].tolist() == [3]
    assert dead.region[[5, 3, 6]].tolist() == [0, 0, 0]
    assert all(dead.is_dead(v, 2) and dead.is_dead(v, 0) for v in (5, 3, 6))
    assert not any(dead.is_dead(v, 3) for v in (5, 6))
    _, rows = dead_row(4, *dead)
    dead = dead._replace(rows=rows)
    assert all(dead.is_dead(v, 4) for v in (5, 3, 6)) and not dead.is_dead(7, 4)
    assert not dead.is_dead(9, 0) and SINK not in reach[:n_reach]


def test_a_search_that_skipped_an_unrecorded_dead_node_is_not_closed() -> None:
    """An open failure marks its nodes dead for its own target only."""
    dead = DeadNodes.empty(8)
    for t in (0, 2):
        _, rows = dead_row(t, *dead)
        dead = dead._replace(rows=rows)
    visited = np.array([4, 5], dtype=np.int64)
    reach, mark = np.zeros(8, dtype=np.int64), np.zeros(8, dtype=np.uint8)
    record_failure(2, visited, 2, reach, mark, 0, False, 4, *dead)
    assert dead.is_dead(4, 2) and dead.is_dead(5, 2)
    assert not dead.is_dead(4, 0) and dead.counts[1] == 0


@settings(max_examples=150, deadline=None)
@given(problems())
def test_pushing_a_found_cycle_keeps_a_maximum_flow_and_matches_the_candidate(
    problem: MatchProblem,
) -> None:
    """After each push: conservation at every inner node, capacities kept, the same value, the
    candidate matched, and ``holder``/``movable`` equal their recomputation from the flow
    (``movable`` counts housed members not fixed; the scan fixes each pushed candidate)."""
    net, flow = _network(problem)
    res = Residual.build(net, flow)
    c0, value = net.candidate_node0, int(flow[net.entry].sum())
    pred = net.entry_pred.astype(np.int64)
    movable = np.zeros(c0, dtype=np.int64)
    np.add.at(movable, pred[res.flow[net.entry] > 0], 1)
    pushed = np.zeros(problem.n_candidates, dtype=bool)
    for c in _unmatched(net, res.flow.copy()):
        if res.flow[c]:
            continue
        found, path, _, _, _ = _search(res, DeadNodes.empty(net.n_nodes), c0 + c, int(pred[c]))
        if not found:
            continue
        push_cycle(
            c, np.array(path, dtype=np.int64), len(path), -1, res.flow, res.holder, res.head,
            res.unit0, res.pair0, res.exit0, problem.n_candidates, pred, movable, c0,
        )  # fmt: skip
        pushed[c] = True
        res.blocked[c] = 1  # fixed, as the scan does
        f = res.flow
        assert f[c] == 1 and int(f[net.entry].sum()) == value
        assert np.all((f >= 0) & (f <= net.cap))
        balance = np.bincount(net.head, f, net.n_nodes) - np.bincount(net.tail, f, net.n_nodes)
        assert np.all(balance[2:] == 0) and balance[SINK] == value
        assert np.array_equal(res.holder, holders(net, f))
        expected = np.zeros(c0, dtype=np.int64)
        np.add.at(expected, pred[(f[net.entry] > 0) & ~pushed], 1)
        assert np.array_equal(movable[2:], expected[2:])
