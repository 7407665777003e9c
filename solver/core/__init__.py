"""The domain-free optimisation core: ``MatchProblem`` → ``solve`` → ``MatchResult``.

Nothing here knows about youths or dwellings: a bipartite graph of candidates and units with
costed arcs, a strict priority order and capacity groups, solved in three exact stages.

- ``problem``: the problem, the parameters and the result;
- ``network``: the flow network (teams, and nested unit groups as a tree), stage 1 (one maximum
  flow) and stage 3 (least cost over the housed candidates' arcs);
- ``repair``: stage 2, the lexicographically best maximum set, in named parts (residual graph,
  exchange-cycle search, dead-node bookkeeping, cycle push, scan), compiled with numba; each
  part carries its piece of the exactness proof;
- ``cpsat``: groups that cross the network's (the LP relaxation first, CP-SAT where it is
  fractional, warm-started and bounded by the network, within three time limits, never worse
  than the network allocation repaired);
- ``relaxation``: that path's LP relaxation (GLOP), exact when infeasible or integral;
- ``solve``: the three stages end to end;
- ``check``: a solver-free checker of an allocation (the specification);
- ``lap``: OR-Library assignment instances, to check the core on published optima.

May import: numpy, numba, OR-Tools and the standard library. Nothing else of ``solver``.
"""
