"""The cycle push: one unit of flow around an exchange cycle, with the O(1) indexes kept true.

Pushing along the entry arc ``p → c`` and the path the search found (plus, when the search aimed
at the source instead of a full team node, the source's arc into that team) matches ``c`` and
keeps the flow value (see the exchange-cycle lemma in :mod:`solver.core.repair.search`). Two
indexes follow the flow: ``holder`` (unit → the pair arc carrying flow into it) and ``movable``
(team node → its housed members not yet fixed).
"""

from __future__ import annotations

from numba import njit

from solver.core.problem import IntArray, NodeArray

NONE = -1


@njit(cache=True)
def push_cycle(
    entry: int,
    path: IntArray,
    path_len: int,
    last: int,
    flow: IntArray,
    holder: IntArray,
    head: NodeArray,
    unit0: int,
    pair0: int,
    exit0: int,
    n_candidates: int,
    pred: IntArray,
    movable: IntArray,
    candidate_node0: int,
) -> None:
    """Add one unit on entry arc ``entry`` and on every half-arc of ``path[:path_len]`` (and
    ``last`` when it is not -1): forward half-arcs gain a unit, reverse ones lose one.

    Entry arcs are arcs ``0 … n_candidates - 1`` (candidate ``c``'s is arc ``c``); team nodes
    are the nodes ``2 … candidate_node0 - 1``; pair arcs are ``pair0 … exit0 - 1``.
    """
    flow[entry] += 1
    n = path_len + (1 if last >= 0 else 0)
    for i in range(n):
        h = path[i] if i < path_len else last
        a = h >> 1
        if h & 1:
            flow[a] -= 1
            if pair0 <= a < exit0:
                if holder[head[a] - unit0] == a:
                    holder[head[a] - unit0] = NONE
            elif a < n_candidates and 2 <= pred[a] < candidate_node0:
                movable[pred[a]] -= 1  # a housed team member was let go
        else:
            flow[a] += 1
            if pair0 <= a < exit0:
                holder[head[a] - unit0] = a
            elif a < n_candidates and 2 <= pred[a] < candidate_node0:
                movable[pred[a]] += 1  # another team member housed
