"""The exact network path: the flow network of a problem, stage 1 and stage 3 as flows.

The network (node names as in the code)::

    S ──cap──▶ team G ──1──▶ candidate c ──1, cost──▶ unit u ──1──▶ group G' ──cap──▶ … ──▶ T
    S ─────────────1───────▶ candidate c                   unit u ──────1──────────▶ T

One unit of flow is one housed candidate. Candidate groups that are pairwise disjoint (teams)
form the candidate layer. Unit groups that form a *laminar* family (any two are disjoint or one
holds the other: departments inside quota groups, or quota groups inside a department that is the
whole organisation) form a forest: a unit's exit arc goes to the smallest group holding it, and
each group's arc to the smallest group holding it, or to T. A unit of flow through ``u`` then
passes every group that holds ``u``, so the network keeps every one of them. Any other group is a
*side constraint* the network cannot carry (see :mod:`solver.core.cpsat`).

Stage 1 is one maximum flow (OR-Tools push-relabel): its value is the most candidates that can be
matched. Stage 2 (the lexicographically best maximum set) is :mod:`solver.core.repair`, which
accepts any maximum flow. Stage 3 is one min-cost flow over the housed candidates' arcs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from solver.core.problem import CapacityGroup, IntArray, MatchProblem, NodeArray, Side

SOURCE = 0
SINK = 1


def split_groups(
    problem: MatchProblem,
) -> tuple[list[CapacityGroup], list[CapacityGroup], list[CapacityGroup]]:
    """(candidate layer, unit layer, side constraints).

    Groups are taken tightest first (capacity ÷ size, then the problem's order), so the groups
    most likely to bind are carried by the network and the ones left as side constraints
    rarely bind (then no side-constraint solve is needed at all). A candidate group joins the
    candidate layer when it is disjoint from the groups already there; a unit group joins the
    unit layer when it is disjoint from, inside, or around each group already there (the layer
    stays laminar). A group whose capacity is at least its size binds nothing and is dropped.
    """
    candidate_layer: list[CapacityGroup] = []
    unit_layer: list[CapacityGroup] = []
    taken = np.zeros(problem.n_candidates, dtype=bool)
    forest = _Laminar(problem.n_units)
    side: list[CapacityGroup] = []
    uniques = [np.unique(g.members) for g in problem.groups]
    tightest = sorted(
        range(len(problem.groups)),
        key=lambda i: problem.groups[i].capacity / max(len(uniques[i]), 1),
    )
    for i in tightest:
        g = problem.groups[i]
        members = uniques[i]
        if g.capacity >= len(members):
            continue
        if g.side is Side.CANDIDATE:
            if not taken[members].any():
                candidate_layer.append(g)
                taken[members] = True
            else:
                side.append(g)
        elif forest.add(members):
            unit_layer.append(g)
        else:
            side.append(g)
    return candidate_layer, unit_layer, side


class _Laminar:
    """A laminar family of unit sets, grown one set at a time."""

    def __init__(self, n: int) -> None:
        self.owner = np.full(n, -1, dtype=np.int64)  # smallest set holding each element
        self.parent: list[int] = []  # smallest set holding each set, or -1
        self.size: list[int] = []

    def add(self, members: IntArray) -> bool:
        """Add ``members`` (unique) if the family stays laminar; whether it was added."""
        inside: dict[int, int] = {}  # set k → how many of members it holds
        owners, counts = np.unique(self.owner[members], return_counts=True)
        for k, n in zip(owners.tolist(), counts.tolist(), strict=True):
            while k >= 0:
                inside[k] = inside.get(k, 0) + n
                k = self.parent[k]
        around = [k for k, n in inside.items() if n == len(members)]  # sets holding all
        for k, n in inside.items():
            if n != len(members) and n != self.size[k]:
                return False  # k and members cross
        parent = min(around, key=lambda k: self.size[k], default=-1)
        new = len(self.size)
        for k in inside:
            if k not in around and self.parent[k] == parent:
                self.parent[k] = new  # a top set inside members
        self.parent.append(parent)
        self.size.append(len(members))
        mine = members[self.owner[members] == parent]
        self.owner[mine] = new
        return True


@dataclass
class FlowNetwork:
    """Arc arrays of the network for one problem; arc ranges are named slices.

    ``tail`` and ``head`` are int32 (OR-Tools' node index type): OR-Tools then reads them as
    they are, where int64 arrays are first converted, a copy of each at the peak of a solve.
    """

    problem: MatchProblem
    n_nodes: int
    tail: NodeArray
    head: NodeArray
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
        forest = _Laminar(n_u)
        for g in unit_layer:
            if not forest.add(np.unique(g.members)):
                raise ValueError(f"Unit group {g.name!r} crosses another in the unit layer.")
        succ = np.where(forest.owner >= 0, ug0 + forest.owner, SINK)
        group_succ = np.array(
            [SINK if k < 0 else ug0 + k for k in forest.parent], dtype=np.int64
        ).reshape(-1)

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
            group_succ,
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
            tail=np.concatenate(parts_tail).astype(np.int32),
            head=np.concatenate(parts_head).astype(np.int32),
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
        return _flows(smcf, self.n_arcs), int(smcf.optimal_cost())

    def chosen_arcs(self, flow: IntArray) -> IntArray:
        """Problem arc indices carrying flow."""
        return np.flatnonzero(flow[self.pair] > 0).astype(np.int64)


def maximum_flow(net: FlowNetwork) -> tuple[IntArray, int]:
    """Stage 1: a maximum flow (OR-Tools push-relabel); its value is the most candidates that
    can be matched. Stage 2 repairs any maximum flow, so no priority is needed here: a plain
    maximum flow is about 4× cheaper than the min-cost one of :func:`priority_flow` and the
    extra exchanges it leaves cost stage 2 less than that (``benchmarks/bench_engine.py``)."""
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(net.tail, net.head, net.cap)
    status = smf.solve(SOURCE, SINK)
    if status != smf.OPTIMAL:
        raise RuntimeError(f"Maximum flow ended with status {status}.")
    return _flows(smf, net.n_arcs), int(smf.optimal_flow())


_CHUNK = 1 << 20


def _flows(solver: Any, n_arcs: int) -> IntArray:
    """Every arc's flow, read in chunks: no arc-index array and no second copy of the flows
    while the solver still holds its graph (the peak memory of a solve; 50k × 10k: 11.5M arcs)."""
    out = np.empty(n_arcs, dtype=np.int64)
    for start in range(0, n_arcs, _CHUNK):
        stop = min(start + _CHUNK, n_arcs)
        out[start:stop] = solver.flows(np.arange(start, stop, dtype=np.int64))
    return out


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
