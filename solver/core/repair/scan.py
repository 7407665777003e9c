"""The rank-order scan of stage 2: fix candidates in priority order, repairing by exchange cycles.

**Theorem.** :func:`lexicographic_repair` returns a maximum flow whose matched set is the
lexicographically best by rank among the matched sets of all maximum flows.

*Proof.* Candidates are taken in rank order and *fixed* (required to stay matched). Invariant:
the flow is maximum and matches every fixed candidate, and the fixed set is the lexicographically
best prefix possible. A matched candidate is fixed at once (blocking its reverse entry arc). For
an unmatched candidate ``c`` the exchange-cycle lemma (:mod:`solver.core.repair.search`) says some
maximum flow matches the fixed set and ``c`` exactly when a residual cycle through its entry arc
avoids the blocked arcs; the search decides that, and on success the cycle is pushed
(:mod:`solver.core.repair.push`) and ``c`` fixed. Dead nodes are skipped soundly by the
dead-stays-dead lemma (:mod:`solver.core.repair.dead`). The scan stops once as many candidates
are fixed as the flow value: no later candidate can join a maximum set. ∎

**Team shortcut.** Nothing enters a full team node but the source's arc into it when all its
housed members are fixed (their reverse entry arcs are blocked): with no free slot the check fails
at once; with one, reaching the source is the same question, and the source's dead row is shared
by every such check (``movable`` counts the housed, unfixed members of each team).

**Work.** Failed searches cost O(arcs) per distinct target (the source and each team node) over
the whole scan; successful ones are the exchanges the warm start missed. The scan and the searches
are compiled (numba); the adjacency is built on the first search only (in many weeks every check
is settled by the team shortcut).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from solver.core.network import SOURCE, FlowNetwork
from solver.core.problem import IntArray, NodeArray
from solver.core.repair.dead import DeadNodes, dead_row, record_failure
from solver.core.repair.push import push_cycle
from solver.core.repair.residual import adjacency, holders
from solver.core.repair.search import find_path

NONE = -1


@dataclass
class RepairStats:
    checks: int = 0  # residual searches run (candidates not matched at their turn)
    exchanges: int = 0  # searches that found an exchange cycle
    visited: int = 0  # nodes visited by all searches
    visited_by_exchanges: int = 0  # of which by searches that found a cycle


def lexicographic_repair(net: FlowNetwork, flow: IntArray) -> tuple[IntArray, RepairStats]:
    """Turn a maximum flow into the one whose matched set is lexicographically best by rank.

    Parameters
    ----------
    net
        The network (candidate layer: disjoint team groups; unit side: any tree).
    flow
        A maximum flow on ``net`` (not changed).

    Returns
    -------
    The repaired flow (a new array; same value, matched set lexicographically best, proof in
    this module's docstring) and counters.
    """
    problem = net.problem
    n_c = problem.n_candidates
    c0 = net.candidate_node0
    out = np.array(flow, dtype=np.int64)
    pred = net.entry_pred.astype(np.int64)
    team_arc = np.full(c0, NONE, dtype=np.int64)
    team_arcs = np.arange(n_c, net.pair.start, dtype=np.int64)
    team_arc[net.head[team_arcs]] = team_arcs
    movable = np.zeros(c0, dtype=np.int64)
    housed = out[net.entry] > 0
    np.add.at(movable, pred[housed], 1)  # counts at SOURCE are never read
    dead = DeadNodes.empty(net.n_nodes)
    stats = _scan(
        np.argsort(problem.rank, kind="stable").astype(np.int64),
        np.bincount(problem.arc_candidate, minlength=n_c).astype(np.int64),
        out,
        holders(net, out),
        np.zeros(net.n_arcs, dtype=np.uint8),
        net.tail,
        net.head,
        net.cap,
        pred,
        team_arc,
        movable,
        net.n_nodes,
        c0,
        net.unit_node0,
        problem.n_units,
        net.pair.start,
        net.pair.stop,
        *dead,
    )
    return out, RepairStats(*(int(s) for s in stats))


@njit(cache=True)
def _scan(
    order: IntArray,
    degree: IntArray,
    flow: IntArray,
    holder: IntArray,
    blocked: npt.NDArray[np.uint8],
    tail: NodeArray,
    head: NodeArray,
    cap: IntArray,
    pred: IntArray,
    team_arc: IntArray,
    movable: IntArray,
    n_nodes: int,
    c0: int,
    unit0: int,
    n_units: int,
    pair0: int,
    exit0: int,
    rows: npt.NDArray[np.uint8],
    row_of: IntArray,
    row_target: IntArray,
    region: IntArray,
    region_ptr: IntArray,
    region_hubs: IntArray,
    counts: IntArray,
) -> IntArray:
    """The scan over ``order`` (see the module docstring); changes ``flow`` in place and returns
    the counters ``[checks, exchanges, visited, visited_by_exchanges]``."""
    n_c = len(order)
    stats = np.zeros(4, dtype=np.int64)
    m = 0
    for c in range(n_c):
        m += flow[c]
    adj = np.empty(0, dtype=np.int64)
    indptr = np.empty(0, dtype=np.int64)
    built = False
    seen = np.zeros(n_nodes, dtype=np.int64)
    stack = np.empty(n_nodes, dtype=np.int64)
    cursor = np.empty(n_nodes, dtype=np.int64)
    path = np.empty(n_nodes, dtype=np.int64)
    visited = np.empty(n_nodes, dtype=np.int64)
    reach = np.empty(n_nodes, dtype=np.int64)
    reach_mark = np.zeros(n_nodes, dtype=np.uint8)
    stamp = 0
    fixed = 0
    for c in order:
        if fixed == m:
            break
        e = c  # candidate c's entry arc
        team = pred[c] if 2 <= pred[c] < c0 else NONE
        if flow[e] == 1:
            blocked[e] = 1
            fixed += 1
            if team != NONE:
                movable[team] -= 1
            continue
        if degree[c] == 0:
            continue
        target = pred[c]
        last = NONE
        if team != NONE and movable[team] == 0:
            ga = team_arc[team]
            if flow[ga] >= cap[ga]:
                continue
            target = SOURCE
            last = 2 * ga
        if not built:
            adj, indptr = adjacency(tail, head, n_nodes, unit0, n_units)
            built = True
        stats[0] += 1
        r, rows = dead_row(
            target, rows, row_of, row_target, region, region_ptr, region_hubs, counts
        )
        stamp += 1
        found, path_len, n_visited, n_reach, closed = find_path(
            c0 + c, target, adj, indptr, tail, head, cap, flow, holder, blocked, unit0,
            n_units, exit0, rows[r], region, region_ptr, region_hubs, seen, stamp, stack,
            cursor, path, visited, reach, reach_mark,
        )  # fmt: skip
        stats[2] += n_visited
        if not found:
            region_ptr, region_hubs, n_reach = record_failure(
                target, visited, n_visited, reach, reach_mark, n_reach, closed, c0, rows,
                row_of, row_target, region, region_ptr, region_hubs, counts,
            )  # fmt: skip
        for k in range(n_reach):
            reach_mark[reach[k]] = 0
        if not found:
            continue
        stats[1] += 1
        stats[3] += n_visited
        push_cycle(
            e, path, path_len, last, flow, holder, head, unit0, pair0, exit0, n_c, pred,
            movable, c0,
        )  # fmt: skip
        blocked[e] = 1
        fixed += 1
    return stats
