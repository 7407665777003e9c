"""The exact network path: min-cost flows and the lexicographic priority stage.

The network (node names as in the code)::

    S ──cap──▶ team G ──1──▶ candidate c ──1, cost──▶ unit u ──1──▶ quota G' ──cap──▶ T
    S ─────────────1───────▶ candidate c                   unit u ──────1──────────▶ T

One unit of flow is one housed candidate. Capacity groups that are pairwise disjoint on their
side form the group layer; any other group is a *side constraint* the network cannot carry (see
:mod:`solver.cpsat`).

Stage 2 (the lexicographically best maximum set) is :func:`lexicographic_repair`; its docstring
gives the argument for exactness and the bound on its work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .problem import CapacityGroup, IntArray, MatchProblem, Side

SOURCE = 0
SINK = 1


def split_groups(
    problem: MatchProblem,
) -> tuple[list[CapacityGroup], list[CapacityGroup], list[CapacityGroup]]:
    """(candidate layer, unit layer, side constraints).

    Groups are taken in the problem's order; a group joins its side's layer when it is disjoint
    from the groups already there. A group whose capacity is at least its size binds nothing and
    is dropped.
    """
    layers: dict[Side, list[CapacityGroup]] = {Side.CANDIDATE: [], Side.UNIT: []}
    taken: dict[Side, set[int]] = {Side.CANDIDATE: set(), Side.UNIT: set()}
    side: list[CapacityGroup] = []
    for g in problem.groups:
        members = set(g.members.tolist())
        if g.capacity >= len(members):
            continue
        if members.isdisjoint(taken[g.side]):
            layers[g.side].append(g)
            taken[g.side] |= members
        else:
            side.append(g)
    return layers[Side.CANDIDATE], layers[Side.UNIT], side


@dataclass
class FlowNetwork:
    """Arc arrays of the network for one problem; arc ranges are named slices."""

    problem: MatchProblem
    n_nodes: int
    tail: IntArray
    head: IntArray
    cap: IntArray
    entry: slice  # S/G → candidate, one per candidate, in candidate order
    pair: slice  # candidate → unit, one per problem arc, in arc order
    entry_pred: IntArray  # tail node of each candidate's entry arc (S or its team node)
    candidate_node0: int
    unit_node0: int

    @classmethod
    def build(
        cls,
        problem: MatchProblem,
        candidate_layer: list[CapacityGroup],
        unit_layer: list[CapacityGroup],
    ) -> FlowNetwork:
        n_c, n_u = problem.n_candidates, problem.n_units
        cg0 = 2
        c0 = cg0 + len(candidate_layer)
        u0 = c0 + n_c
        ug0 = u0 + n_u
        n_nodes = ug0 + len(unit_layer)

        pred = np.full(n_c, SOURCE, dtype=np.int64)
        for i, g in enumerate(candidate_layer):
            pred[g.members] = cg0 + i
        succ = np.full(n_u, SINK, dtype=np.int64)
        for i, g in enumerate(unit_layer):
            succ[g.members] = ug0 + i

        cands = np.arange(n_c, dtype=np.int64)
        units = np.arange(n_u, dtype=np.int64)
        parts_tail = [
            pred,
            np.full(len(candidate_layer), SOURCE, dtype=np.int64),
            c0 + problem.arc_candidate,
            u0 + units,
            ug0 + np.arange(len(unit_layer), dtype=np.int64),
        ]
        parts_head = [
            c0 + cands,
            cg0 + np.arange(len(candidate_layer), dtype=np.int64),
            u0 + problem.arc_unit,
            succ,
            np.full(len(unit_layer), SINK, dtype=np.int64),
        ]
        parts_cap = [
            np.ones(n_c, dtype=np.int64),
            np.array([g.capacity for g in candidate_layer], dtype=np.int64),
            np.ones(problem.n_arcs, dtype=np.int64),
            np.ones(n_u, dtype=np.int64),
            np.array([g.capacity for g in unit_layer], dtype=np.int64),
        ]
        p0 = n_c + len(candidate_layer)
        return cls(
            problem=problem,
            n_nodes=n_nodes,
            tail=np.concatenate(parts_tail),
            head=np.concatenate(parts_head),
            cap=np.concatenate(parts_cap),
            entry=slice(0, n_c),
            pair=slice(p0, p0 + problem.n_arcs),
            entry_pred=pred,
            candidate_node0=c0,
            unit_node0=u0,
        )

    @property
    def n_arcs(self) -> int:
        return len(self.tail)

    def min_cost_flow(
        self, cost: IntArray, cap: IntArray | None = None, supply: int | None = None
    ) -> tuple[IntArray, int]:
        """Solve on this network; ``supply=None`` = maximum flow of minimum cost.

        Returns the flow on every arc and the total cost.
        """
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(
            self.tail, self.head, self.cap if cap is None else cap, cost
        )
        # With supply=None the supplies are an upper bound and OR-Tools sends as much as fits.
        bound = self.problem.n_candidates if supply is None else supply
        smcf.set_node_supply(SOURCE, bound)
        smcf.set_node_supply(SINK, -bound)
        status = smcf.solve() if supply is not None else smcf.solve_max_flow_with_min_cost()
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"Min-cost flow ended with status {status}.")
        flows = np.asarray(smcf.flows(np.arange(self.n_arcs, dtype=np.int64)), dtype=np.int64)
        return flows, int(smcf.optimal_cost())

    def chosen_arcs(self, flow: IntArray) -> IntArray:
        """Problem arc indices carrying flow."""
        return np.flatnonzero(flow[self.pair] > 0).astype(np.int64)


def priority_flow(net: FlowNetwork) -> tuple[IntArray, int]:
    """Stage 1 and a warm start for stage 2: a maximum flow minimising the sum of ranks.

    The maximum flow value is stage 1's optimum (the most candidates that can be matched). The
    linear rank weights make it close to the lexicographic answer but not always equal to it:
    one exchange cycle through team nodes can swap several candidates at once.
    """
    cost = np.zeros(net.n_arcs, dtype=np.int64)
    cost[net.entry] = net.problem.rank
    flow, _ = net.min_cost_flow(cost)
    return flow, int(flow[net.entry].sum())


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


def fit_flow(
    net: FlowNetwork,
    candidate_layer: list[CapacityGroup],
    unit_layer: list[CapacityGroup],
    housed: IntArray,
) -> IntArray:
    """Stage 3: the cheapest allocation that matches exactly the candidates in ``housed``.

    Solved on the sub-network of the housed candidates' arcs only (the others can carry no flow);
    returns the chosen problem arc indices.
    """
    problem = net.problem
    is_housed = np.zeros(problem.n_candidates, dtype=bool)
    is_housed[housed] = True
    keep = np.flatnonzero(is_housed[problem.arc_candidate])
    sub = MatchProblem(
        n_candidates=problem.n_candidates,
        n_units=problem.n_units,
        arc_candidate=problem.arc_candidate[keep],
        arc_unit=problem.arc_unit[keep],
        arc_cost=problem.arc_cost[keep],
        rank=problem.rank,
    )
    sub_net = FlowNetwork.build(sub, candidate_layer, unit_layer)
    cap = sub_net.cap.copy()
    cap[sub_net.entry] = is_housed.astype(np.int64)
    cost = np.zeros(sub_net.n_arcs, dtype=np.int64)
    cost[sub_net.pair] = sub.arc_cost
    flow, _ = sub_net.min_cost_flow(cost, cap=cap, supply=len(housed))
    return keep[sub_net.chosen_arcs(flow)]
