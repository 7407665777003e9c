"""The search for an exchange cycle: a depth-first search in the residual graph.

**Lemma (exchange cycle).** Let ``f`` be a maximum flow in which every *fixed* candidate is
matched, and ``c`` an unmatched candidate with entry arc ``p → c``. Some maximum flow matches
every fixed candidate and ``c`` exactly when the residual graph of ``f`` has a cycle through
``p → c`` that avoids the reverse entry arcs of the fixed candidates (the *blocked* arcs).

*Proof.* If ``g`` is such a flow, ``g − f`` has value 0, so it is a circulation in the residual
graph of ``f``; it is 0 on the fixed entry arcs (both flows carry 1 there), so it uses none of
their reverses, and it carries 1 on ``p → c``; its cycle decomposition has a cycle through
``p → c``, which avoids the blocked arcs. Conversely, pushing one unit around such a cycle keeps
the flow value (a cycle has no net flow out of the source), matches ``c``, and unmatches no fixed
candidate (their reverse entry arcs are not on it). ∎

So the search for ``c`` looks for a path from ``c`` to ``p`` (the cycle is that path plus
``p → c``). It skips nodes that are dead for its target (:mod:`solver.core.repair.dead`), and
remembers which targets the skipped nodes' closed regions can reach, so a failed search knows
whether it mapped a closed region itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from solver.core.problem import IntArray, NodeArray
from solver.core.repair.dead import add_region_hubs
from solver.core.repair.residual import other_end, unit_out, usable

ByteArray = npt.NDArray[np.uint8]


@njit(cache=True)
def find_path(
    start: int,
    target: int,
    adj: IntArray,
    indptr: IntArray,
    tail: NodeArray,
    head: NodeArray,
    cap: IntArray,
    flow: IntArray,
    holder: IntArray,
    blocked: ByteArray,
    unit0: int,
    n_units: int,
    exit0: int,
    dead: ByteArray,
    region: IntArray,
    region_ptr: IntArray,
    region_hubs: IntArray,
    seen: IntArray,
    stamp: int,
    stack: IntArray,
    cursor: IntArray,
    path: IntArray,
    visited: IntArray,
    reach: IntArray,
    reach_mark: ByteArray,
) -> tuple[bool, int, int, int, bool]:
    """A residual path from ``start`` to ``target`` avoiding nodes ``dead`` for ``target``.

    ``seen``, ``stack``, ``cursor``, ``path``, ``visited`` and ``reach`` are work buffers of one
    entry per node (``seen[v] == stamp`` marks this search's nodes; pass a fresh ``stamp``);
    ``reach_mark`` must be all zero on entry (the caller clears the entries listed in
    ``reach``).

    Returns ``(found, path_len, n_visited, n_reach, closed)``: on success ``path[:path_len]`` are
    the half-arcs of the path in order; ``visited[:n_visited]`` are the nodes entered;
    ``reach[:n_reach]`` the targets the dead nodes it skipped can still reach, and ``closed``
    whether every dead node it skipped belonged to a recorded closed region.
    """
    unit_end = unit0 + n_units
    seen[start] = stamp
    visited[0] = start
    n_visited = 1
    stack[0] = start
    cursor[0] = indptr[start]
    depth = 1
    path_len = 0
    n_reach = 0
    closed = True
    while depth > 0:
        v = stack[depth - 1]
        if unit0 <= v < unit_end:
            # A unit: its single usable out-half-arc, taken once (cursor -1 = spent).
            h = -1
            if cursor[depth - 1] >= 0:
                cursor[depth - 1] = -1
                h = unit_out(v, unit0, exit0, flow, holder)
            if h >= 0:
                w = other_end(h, tail, head)
                if w == target:
                    path[path_len] = h
                    return True, path_len + 1, n_visited, n_reach, closed
                if dead[w]:
                    rid = region[w]
                    if rid < 0:
                        closed = False
                    else:
                        n_reach = add_region_hubs(
                            rid, region_ptr, region_hubs, reach, reach_mark, n_reach
                        )
                elif seen[w] != stamp:
                    seen[w] = stamp
                    visited[n_visited] = w
                    n_visited += 1
                    stack[depth] = w
                    cursor[depth] = indptr[w]
                    depth += 1
                    path[path_len] = h
                    path_len += 1
                    continue
            depth -= 1
            if path_len > 0:
                path_len -= 1
            continue
        i = cursor[depth - 1]
        end = indptr[v + 1]
        advanced = False
        while i < end:
            h = adj[i]
            i += 1
            if not usable(h, flow, cap, blocked):
                continue
            w = other_end(h, tail, head)
            if w == target:
                path[path_len] = h
                return True, path_len + 1, n_visited, n_reach, closed
            if seen[w] == stamp:
                continue
            if dead[w]:
                rid = region[w]
                if rid < 0:
                    closed = False
                else:
                    n_reach = add_region_hubs(
                        rid, region_ptr, region_hubs, reach, reach_mark, n_reach
                    )
                continue
            seen[w] = stamp
            visited[n_visited] = w
            n_visited += 1
            cursor[depth - 1] = i
            stack[depth] = w
            cursor[depth] = indptr[w]
            depth += 1
            path[path_len] = h
            path_len += 1
            advanced = True
            break
        if not advanced:
            depth -= 1
            if path_len > 0:
                path_len -= 1
    return False, 0, n_visited, n_reach, closed
