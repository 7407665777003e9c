"""Stage 2: the lexicographically best maximum set, by exchange cycles in the residual graph.

:func:`lexicographic_repair` turns a maximum flow of :mod:`solver.core.network` into the one whose
matched set is lexicographically best by rank. Its parts, each tested on its own and each with the
piece of the exactness proof it carries:

- ``residual``: the residual graph as flat arrays (units answered in O(1) by ``holder``);
- ``search``: the depth-first search for an exchange cycle (the exchange-cycle lemma);
- ``dead``: the dead-node bookkeeping (the dead-stays-dead lemma, closed regions);
- ``push``: the cycle push, keeping the O(1) indexes true;
- ``scan``: the rank-order scan that drives them (the theorem, the team shortcut, the work
  bound).

The loops are compiled with numba (cached on disk after the first run).
"""

from solver.core.repair.scan import RepairStats, lexicographic_repair

__all__ = ["RepairStats", "lexicographic_repair"]
