"""Stage 2: the lexicographically best maximum set, by exchange cycles in the residual graph.

:func:`lexicographic_repair` turns a maximum flow of :mod:`solver.core.network` into the one
whose matched set is lexicographically best by rank; its docstring holds the exactness proof
and the bound on its work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.core.network import SINK, SOURCE, FlowNetwork
from solver.core.problem import IntArray


@dataclass
class RepairStats:
    checks: int = 0  # residual searches run (candidates not matched at their turn)
    exchanges: int = 0  # searches that found an exchange cycle
    visited: int = 0  # nodes visited by all searches
    visited_by_exchanges: int = 0  # of which by searches that found a cycle


def _residual_csr(net: FlowNetwork, flow: IntArray) -> tuple[list[int], ...]:
    """Residual graph in CSR form over half-arcs: h = 2a (forward a), h = 2a + 1 (reverse a).

    Unit nodes are left out of it: a unit's one residual out-arc is the reverse of the pair arc
    that holds it or, when free, its exit arc, so ``holder`` (unit -> pair arc, or -1) stands in
    for its adjacency; scanning hundreds of reverse pair arcs to find that one is where a plain
    CSR search spends its time. Returned as Python lists: the search is scalar code, and list
    indexing is its fast path.
    """
    problem = net.problem
    u0 = net.unit_node0
    frm = np.empty(2 * net.n_arcs, dtype=np.int64)
    frm[0::2] = net.tail
    frm[1::2] = net.head
    halves = np.flatnonzero((frm < u0) | (frm >= u0 + problem.n_units))
    halves = halves[np.argsort(frm[halves], kind="stable")]
    indptr = np.zeros(net.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(frm[halves], minlength=net.n_nodes), out=indptr[1:])
    holder = np.full(problem.n_units, -1, dtype=np.int64)
    carrying = np.flatnonzero(flow[net.pair] > 0)
    holder[problem.arc_unit[carrying]] = net.pair.start + carrying
    return (
        halves.tolist(),
        indptr.tolist(),
        net.tail.tolist(),
        net.head.tolist(),
        net.cap.tolist(),
        holder.tolist(),
    )


def lexicographic_repair(net: FlowNetwork, flow: IntArray) -> tuple[IntArray, RepairStats]:
    """Turn a maximum flow into the one whose matched set is lexicographically best by rank.

    Candidates are taken in rank order and *fixed* (required to stay matched). A candidate
    matched in the current flow is fixed at once. For an unmatched candidate ``c`` with entry
    arc ``p → c``, there is a maximum flow matching every fixed candidate and ``c`` exactly when
    the residual graph has a cycle through ``p → c`` that avoids the reverse entry arcs of the
    fixed candidates. (Both flows have the same value, so their difference is a circulation in
    the residual graph; it is zero on fixed entry arcs, and its cycle through ``p → c`` is such a
    cycle; conversely pushing one unit around such a cycle keeps the value and every fixed
    candidate.) So a depth-first search from ``c`` to ``p`` decides ``c``, and on success the
    cycle is pushed. The scan stops once as many candidates are fixed as the maximum flow value.

    Work bound: a node that cannot reach ``p`` never can again. Fixing only removes reverse
    arcs. Pushing a cycle ``C`` only adds arcs between nodes of ``C``; a new path from ``v`` to
    ``p`` would enter ``C`` at some node and leave it for the last time at another, and in the
    old graph ``v`` reached the first along the same arcs, the first reached the second along
    ``C``, and the second reached ``p`` along arcs off ``C``: ``v`` could reach ``p`` before.
    So a failed search marks every node it visited *dead* for its target and later searches
    skip them: failed searches cost O(arcs) per distinct target (the source and each team node)
    over the whole scan; successful ones are the exchanges the warm start missed.

    Returns the repaired flow (a new array) and counters.
    """
    problem = net.problem
    flow = flow.copy()
    m = int(flow[net.entry].sum())
    n_c = problem.n_candidates
    order = np.argsort(problem.rank, kind="stable").tolist()
    degree = np.bincount(problem.arc_candidate, minlength=n_c).tolist()
    stats = RepairStats()
    entry0, pair0, c0, u0 = net.entry.start, net.pair.start, net.candidate_node0, net.unit_node0
    u_end = u0 + problem.n_units

    # Team bookkeeping for the O(1) test: nothing enters a full team node whose housed
    # members are all fixed, so a search for it would only map out dead nodes.
    pred = net.entry_pred.tolist()
    team_arc = {int(net.head[a]): a for a in range(n_c, net.pair.start)}
    movable = dict.fromkeys(team_arc, 0)  # team node -> housed members not yet fixed
    for c in np.flatnonzero(flow[net.entry] > 0).tolist():
        if pred[c] in movable:
            movable[pred[c]] += 1

    fl = flow.tolist()
    # Built on the first search only: in many weeks every check is settled by the O(1) test.
    adj: list[int] = []
    indptr: list[int] = []
    tail: list[int] = []
    head: list[int] = []
    cap: list[int] = []
    holder: list[int] = []
    exit0 = net.pair.stop
    blocked = bytearray(net.n_arcs)  # reverse arc forbidden: entry arcs of fixed candidates
    dead: dict[int, bytearray] = {}  # per target: nodes that cannot reach it
    region: dict[int, int] = {}  # node -> closed region it was first found dead in
    region_hubs: list[frozenset[int]] = []  # targets each closed region can still reach
    seen = [0] * net.n_nodes
    stamp = 0
    fixed = 0

    for c in order:
        if fixed == m:
            break
        e = entry0 + c
        if fl[e] == 1:
            blocked[e] = 1
            fixed += 1
            if pred[c] in movable:
                movable[pred[c]] -= 1
            continue
        target = pred[c]
        if degree[c] == 0:
            continue
        last: list[int] = []  # the arc that closes the cycle when the search stops short of it
        if target in movable and movable[target] == 0:
            # Nothing enters this team node but the source's arc: with no free slot the check
            # fails at once; with one, reaching the source is the same question, and the
            # source's dead set is shared by every such check.
            ga = team_arc[target]
            if fl[ga] >= net.cap[ga]:
                continue
            target = SOURCE
            last = [2 * ga]
        if not adj:
            adj, indptr, tail, head, cap, holder = _residual_csr(net, np.asarray(fl))
        stats.checks += 1
        dead_t = dead.get(target)
        if dead_t is None:
            dead_t = dead[target] = bytearray(net.n_nodes)
            for v, rid in region.items():
                if target not in region_hubs[rid]:
                    dead_t[v] = 1
        reach: set[int] = set()  # targets the nodes skipped as dead may still reach
        unknown = False  # skipped a node whose reachable targets are not recorded
        stamp += 1
        start = c0 + c
        seen[start] = stamp
        visited = [start]
        stack = [start]
        cursor = [indptr[start]]
        path: list[int] = []
        found = False
        while stack:
            v = stack[-1]
            if u0 <= v < u_end:
                # A unit: its single residual out-arc, taken once (cursor -1 = spent).
                h = -1
                if cursor[-1] >= 0:
                    cursor[-1] = -1
                    a = holder[v - u0]
                    if a >= 0:
                        h = 2 * a + 1
                    elif fl[exit0 + v - u0] < 1:
                        h = 2 * (exit0 + v - u0)
                if h >= 0:
                    w = tail[h >> 1] if h & 1 else head[h >> 1]
                    if w == target:
                        path.append(h)
                        found = True
                        break
                    if dead_t[w]:
                        known = region.get(w)
                        if known is None:
                            unknown = True
                        else:
                            reach |= region_hubs[known]
                    elif seen[w] != stamp:
                        seen[w] = stamp
                        visited.append(w)
                        stack.append(w)
                        cursor.append(indptr[w])
                        path.append(h)
                        continue
                stack.pop()
                cursor.pop()
                if path:
                    path.pop()
                continue
            i = cursor[-1]
            end = indptr[v + 1]
            advanced = False
            while i < end:
                h = adj[i]
                i += 1
                a = h >> 1
                if h & 1:
                    if fl[a] == 0 or blocked[a]:
                        continue
                    w = tail[a]
                else:
                    if fl[a] >= cap[a]:
                        continue
                    w = head[a]
                if w == target:
                    path.append(h)
                    found = True
                    break
                if seen[w] == stamp:
                    continue
                if dead_t[w]:
                    known = region.get(w)
                    if known is None:
                        unknown = True
                    else:
                        reach |= region_hubs[known]
                    continue
                seen[w] = stamp
                visited.append(w)
                cursor[-1] = i
                stack.append(w)
                cursor.append(indptr[w])
                path.append(h)
                advanced = True
                break
            if found:
                break
            if not advanced:
                stack.pop()
                cursor.pop()
                if path:
                    path.pop()
        stats.visited += len(visited)
        if not found:
            for v in visited:
                dead_t[v] = 1
            if not unknown:
                # A closed region: from it, only the targets it touched (source, team nodes)
                # or those of the regions it ran into can be reached, now or later (the same
                # argument per target), so it is dead for every other target as well.
                reach.update(v for v in visited if v < c0 and v != SINK)
                region_hubs.append(frozenset(reach))
                rid = len(region_hubs) - 1
                for v in visited:
                    region.setdefault(v, rid)
                for t, d in dead.items():
                    if t not in reach:
                        for v in visited:
                            d[v] = 1
            continue
        stats.exchanges += 1
        stats.visited_by_exchanges += len(visited)
        fl[e] += 1
        for h in path + last:
            a = h >> 1
            if h & 1:
                fl[a] -= 1
                if pair0 <= a < exit0 and holder[head[a] - u0] == a:
                    holder[head[a] - u0] = -1
                elif a < entry0 + n_c and pred[a - entry0] in movable:
                    movable[pred[a - entry0]] -= 1  # a housed team member was let go
            else:
                fl[a] += 1
                if pair0 <= a < exit0:
                    holder[head[a] - u0] = a
                elif a < entry0 + n_c and pred[a - entry0] in movable:
                    movable[pred[a - entry0]] += 1  # another team member housed
        blocked[e] = 1
        fixed += 1

    return np.asarray(fl, dtype=np.int64), stats
