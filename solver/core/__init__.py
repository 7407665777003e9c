"""The domain-free optimisation core: ``MatchProblem`` → ``solve`` → ``MatchResult``.

Nothing here knows about youths or dwellings: a bipartite graph of candidates and units with
costed arcs, a strict priority order and capacity groups, solved in three exact stages.

- ``problem``: the problem, the parameters and the result;
- ``network``: the flow network, stage 1 (maximum count) and stage 3 (least cost);
- ``repair``: stage 2, the lexicographically best maximum set (the exactness proof is there);
- ``cpsat``: side constraints the network cannot carry (CP-SAT, warm-started);
- ``solve``: the three stages end to end;
- ``check``: a solver-free checker of an allocation (the specification);
- ``lap``: OR-Library assignment instances, to check the core on published optima.

May import: numpy, OR-Tools and the standard library. Nothing else of ``solver``.
"""
