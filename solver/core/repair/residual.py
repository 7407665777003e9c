"""The residual graph of a flow on a :class:`~solver.core.network.FlowNetwork`, as flat arrays.

Every arc ``a`` of the network gives two *half-arcs*: ``h = 2a`` (forward, usable while
``flow[a] < cap[a]``, leads to ``head[a]``) and ``h = 2a + 1`` (reverse, usable while
``flow[a] > 0`` and ``a`` is not *blocked*, leads to ``tail[a]``). Stage 2 blocks the reverse
entry arc of a fixed candidate, so no search may unhouse it.

Unit nodes are left out of the adjacency: a unit has one unit of inflow capacity, so its only
usable out-half-arc is the reverse of the pair arc that holds it (``holder``) or, when it is free,
its forward exit arc. Scanning a unit's hundreds of reverse pair arcs to find that one is where a
plain adjacency search spends its time; ``holder`` answers in O(1).

The functions are compiled (numba, ``cache=True``): the scan over candidates and the searches are
scalar loops over millions of arcs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from solver.core.network import FlowNetwork
from solver.core.problem import IntArray, NodeArray

NONE = -1


@dataclass
class Residual:
    """The arrays of a residual graph; ``flow``, ``holder`` and ``blocked`` change in place.

    ``adj[indptr[v]:indptr[v + 1]]`` are the half-arcs leaving node ``v`` (empty for units), in
    increasing half-arc order. ``holder[u]`` is the pair arc carrying flow into unit ``u``, or -1.
    Unit ``u``'s exit arc is ``exit0 + u``.
    """

    adj: IntArray
    indptr: IntArray
    tail: NodeArray
    head: NodeArray
    cap: IntArray
    flow: IntArray
    holder: IntArray
    blocked: npt.NDArray[np.uint8]
    unit0: int
    n_units: int
    pair0: int
    exit0: int

    @classmethod
    def build(cls, net: FlowNetwork, flow: IntArray) -> Residual:
        """The residual graph of ``flow`` (copied) on ``net``, nothing blocked."""
        flow = np.array(flow, dtype=np.int64)
        holder = holders(net, flow)
        adj, indptr = adjacency(
            net.tail, net.head, net.n_nodes, net.unit_node0, net.problem.n_units
        )
        return cls(
            adj=adj,
            indptr=indptr,
            tail=net.tail,
            head=net.head,
            cap=net.cap,
            flow=flow,
            holder=holder,
            blocked=np.zeros(net.n_arcs, dtype=np.uint8),
            unit0=net.unit_node0,
            n_units=net.problem.n_units,
            pair0=net.pair.start,
            exit0=net.pair.stop,
        )

    def out_half_arcs(self, v: int) -> list[int]:
        """The usable half-arcs leaving ``v`` (units included), for tests and debugging."""
        if self.unit0 <= v < self.unit0 + self.n_units:
            h = unit_out(v, self.unit0, self.exit0, self.flow, self.holder)
            return [] if h == NONE else [int(h)]
        return [
            int(h)
            for h in self.adj[self.indptr[v] : self.indptr[v + 1]]
            if usable(h, self.flow, self.cap, self.blocked)
        ]

    def end(self, h: int) -> int:
        """The node a half-arc leads to."""
        return int(other_end(h, self.tail, self.head))


def holders(net: FlowNetwork, flow: IntArray) -> IntArray:
    """``holder[u]``: the pair arc carrying flow into unit ``u``, or -1."""
    holder = np.full(net.problem.n_units, NONE, dtype=np.int64)
    carrying = np.flatnonzero(flow[net.pair] > 0)
    holder[net.problem.arc_unit[carrying]] = net.pair.start + carrying
    return holder


@njit(cache=True)
def adjacency(
    tail: NodeArray, head: NodeArray, n_nodes: int, unit0: int, n_units: int
) -> tuple[IntArray, IntArray]:
    """Half-arcs grouped by the node they leave, unit nodes left out (a counting sort: O(arcs),
    stable, so each node's half-arcs are in increasing order)."""
    n_arcs = len(tail)
    unit_end = unit0 + n_units
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for a in range(n_arcs):
        for v in (tail[a], head[a]):
            if v < unit0 or v >= unit_end:
                indptr[v + 1] += 1
    for v in range(n_nodes):
        indptr[v + 1] += indptr[v]
    fill = indptr[:-1].copy()
    adj = np.empty(indptr[n_nodes], dtype=np.int64)
    for a in range(n_arcs):
        v = tail[a]
        if v < unit0 or v >= unit_end:
            adj[fill[v]] = 2 * a
            fill[v] += 1
        v = head[a]
        if v < unit0 or v >= unit_end:
            adj[fill[v]] = 2 * a + 1
            fill[v] += 1
    return adj, indptr


@njit(cache=True)
def usable(h: int, flow: IntArray, cap: IntArray, blocked: npt.NDArray[np.uint8]) -> bool:
    """Whether half-arc ``h`` has residual capacity (and, if reverse, is not blocked)."""
    a = h >> 1
    if h & 1:
        return flow[a] > 0 and blocked[a] == 0
    return flow[a] < cap[a]


@njit(cache=True)
def other_end(h: int, tail: NodeArray, head: NodeArray) -> int:
    """The node half-arc ``h`` leads to."""
    a = h >> 1
    return tail[a] if h & 1 else head[a]


@njit(cache=True)
def unit_out(v: int, unit0: int, exit0: int, flow: IntArray, holder: IntArray) -> int:
    """Unit node ``v``'s one usable out-half-arc: back to its holder, or its free exit; or -1."""
    a = holder[v - unit0]
    if a >= 0:
        return 2 * a + 1
    e = exit0 + v - unit0
    if flow[e] < 1:
        return 2 * e
    return NONE
