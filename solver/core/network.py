"""The exact network path: the flow network of a problem, stage 1 and stage 3 as min-cost flows.

The network (node names as in the code)::

    S ──cap──▶ team G ──1──▶ candidate c ──1, cost──▶ unit u ──1──▶ quota G' ──cap──▶ T
    S ─────────────1───────▶ candidate c                   unit u ──────1──────────▶ T

One unit of flow is one housed candidate. Capacity groups that are pairwise disjoint on their
side form the group layer; any other group is a *side constraint* the network cannot carry (see
:mod:`solver.core.cpsat`).

Stage 2 (the lexicographically best maximum set) is :mod:`solver.core.repair`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from solver.core.problem import CapacityGroup, IntArray, MatchProblem, Side

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
