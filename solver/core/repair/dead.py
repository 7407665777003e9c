"""Dead-node bookkeeping: nodes a search has proved can never reach a target again.

**Lemma (dead stays dead).** During the scan of :mod:`solver.core.repair.scan`, a node ``v``
that cannot reach a target ``t`` in the residual graph never can again. The graph changes in
two ways only. *Fixing* a candidate blocks a reverse arc: it only removes arcs. *Pushing* one
unit around a cycle ``C`` only adds arcs between nodes of ``C`` (the reverses of ``C``'s arcs). A
new path from ``v`` to ``t`` would use an added arc, so it enters ``C`` at some node ``x`` and
leaves it for the last time at another node ``y``; in the old graph ``v`` reached ``x`` along the
same arcs (they are off ``C``'s reverses up to its first use of one), ``x`` reached ``y`` along
``C``, and ``y`` reached ``t`` along arcs off ``C``: ``v`` could reach ``t`` before. ∎

So a failed search marks every node it visited *dead for its target* (one row per target), and
later searches for that target skip them: failed searches cost O(arcs) per distinct target over
the whole scan.

**Closed regions.** A failed search that skipped only dead nodes whose reachable targets are
recorded has mapped a *closed region*: the nodes it visited can reach only the targets among
them (the source and team nodes it touched) and those the regions it ran into can reach. By the
lemma (applied per target) that stays true, so the region is dead for every other target as well:
its nodes are marked in every other target's row now, and in a later target's row when that row is
first made.

State, as arrays a compiled scan can pass around (``counts = [rows in use, regions]``):

- ``rows[row_of[t]]``: the dead row of target ``t`` (``row_of[t] = -1`` until first needed),
  ``row_target[r]`` its target;
- ``region[v]``: the first closed region node ``v`` was found in, or -1;
- ``region_hubs[region_ptr[r]:region_ptr[r + 1]]``: the targets region ``r`` can reach.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from solver.core.network import SINK
from solver.core.problem import IntArray

NONE = -1
ByteArray = npt.NDArray[np.uint8]


class DeadNodes(NamedTuple):
    """The bookkeeping arrays for a network of ``n_nodes`` nodes (see the module docstring)."""

    rows: npt.NDArray[np.uint8]
    row_of: IntArray
    row_target: IntArray
    region: IntArray
    region_ptr: IntArray
    region_hubs: IntArray
    counts: IntArray

    @classmethod
    def empty(cls, n_nodes: int) -> DeadNodes:
        return cls(
            rows=np.zeros((4, n_nodes), dtype=np.uint8),
            row_of=np.full(n_nodes, NONE, dtype=np.int64),
            row_target=np.full(n_nodes, NONE, dtype=np.int64),
            region=np.full(n_nodes, NONE, dtype=np.int64),
            region_ptr=np.zeros(64, dtype=np.int64),
            region_hubs=np.zeros(64, dtype=np.int64),
            counts=np.zeros(2, dtype=np.int64),
        )

    def is_dead(self, v: int, target: int) -> bool:
        r = int(self.row_of[target])
        return r >= 0 and bool(self.rows[r, v])


@njit(cache=True)
def region_reaches(rid: int, t: int, region_ptr: IntArray, region_hubs: IntArray) -> bool:
    """Whether closed region ``rid`` can reach target ``t``."""
    for k in range(region_ptr[rid], region_ptr[rid + 1]):  # noqa: SIM110 (compiled loop)
        if region_hubs[k] == t:
            return True
    return False


@njit(cache=True)
def dead_row(
    target: int,
    rows: ByteArray,
    row_of: IntArray,
    row_target: IntArray,
    region: IntArray,
    region_ptr: IntArray,
    region_hubs: IntArray,
    counts: IntArray,
) -> tuple[int, ByteArray]:
    """The row of ``target``, made on first use with every closed region that cannot reach it
    already dead; returns (row index, ``rows``, grown if it was full)."""
    r = row_of[target]
    if r >= 0:
        return r, rows
    r = counts[0]
    if r == rows.shape[0]:
        grown = np.zeros((2 * r, rows.shape[1]), dtype=np.uint8)
        grown[:r] = rows
        rows = grown
    for v in range(len(region)):
        rid = region[v]
        if rid >= 0 and not region_reaches(rid, target, region_ptr, region_hubs):
            rows[r, v] = 1
    row_of[target] = r
    row_target[r] = target
    counts[0] = r + 1
    return r, rows


@njit(cache=True)
def add_region_hubs(
    rid: int,
    region_ptr: IntArray,
    region_hubs: IntArray,
    reach: IntArray,
    reach_mark: ByteArray,
    n_reach: int,
) -> int:
    """Add the targets region ``rid`` reaches to the list ``reach``; returns its new length."""
    for k in range(region_ptr[rid], region_ptr[rid + 1]):
        t = region_hubs[k]
        if not reach_mark[t]:
            reach_mark[t] = 1
            reach[n_reach] = t
            n_reach += 1
    return n_reach


@njit(cache=True)
def record_failure(
    target: int,
    visited: IntArray,
    n_visited: int,
    reach: IntArray,
    reach_mark: ByteArray,
    n_reach: int,
    closed: bool,
    candidate_node0: int,
    rows: ByteArray,
    row_of: IntArray,
    row_target: IntArray,
    region: IntArray,
    region_ptr: IntArray,
    region_hubs: IntArray,
    counts: IntArray,
) -> tuple[IntArray, IntArray, int]:
    """A search for ``target`` failed after visiting ``visited[:n_visited]``: mark them dead for
    it, and, when the search mapped a ``closed`` region, record the region (its reachable
    targets: ``reach[:n_reach]`` plus the source and team nodes among the visited) and mark it
    dead in the row of every target it cannot reach.

    Returns ``region_ptr`` and ``region_hubs`` (grown when full) and the new ``n_reach``.
    """
    r = row_of[target]
    for i in range(n_visited):
        rows[r, visited[i]] = 1
    if not closed:
        return region_ptr, region_hubs, n_reach
    for i in range(n_visited):
        v = visited[i]
        if v < candidate_node0 and v != SINK and not reach_mark[v]:
            reach_mark[v] = 1
            reach[n_reach] = v
            n_reach += 1
    rid = counts[1]
    if rid + 2 > len(region_ptr):
        grown = np.zeros(2 * len(region_ptr), dtype=np.int64)
        grown[: len(region_ptr)] = region_ptr
        region_ptr = grown
    start = region_ptr[rid]
    if start + n_reach > len(region_hubs):
        grown = np.zeros(2 * (start + n_reach), dtype=np.int64)
        grown[:start] = region_hubs[:start]
        region_hubs = grown
    for k in range(n_reach):
        region_hubs[start + k] = reach[k]
    region_ptr[rid + 1] = start + n_reach
    counts[1] = rid + 1
    for i in range(n_visited):
        v = visited[i]
        if region[v] < 0:
            region[v] = rid
    for row in range(counts[0]):
        if not reach_mark[row_target[row]]:
            for i in range(n_visited):
                rows[row, visited[i]] = 1
    return region_ptr, region_hubs, n_reach
