"""Hypothesis strategies for small random matching problems."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from solver.core.problem import CapacityGroup, MatchProblem, Side


def _partition(
    draw: st.DrawFn, n: int, n_blocks: int, side: Side, prefix: str
) -> list[CapacityGroup]:
    """Disjoint groups over some of ``range(n)``, each with a capacity below its size or not."""
    labels = draw(st.lists(st.integers(-1, n_blocks - 1), min_size=n, max_size=n))
    groups = []
    for b in range(n_blocks):
        members = np.array([i for i, lab in enumerate(labels) if lab == b], dtype=np.int64)
        if len(members):
            cap = draw(st.integers(0, len(members)))
            groups.append(CapacityGroup(f"{prefix}{b}", side, members, cap))
    return groups


@st.composite
def problems(
    draw: st.DrawFn,
    max_candidates: int = 7,
    max_units: int = 5,
    side_constraints: bool = False,
    nested_departments: bool = False,
) -> MatchProblem:
    """A random problem: arcs, costs, a rank permutation, team and quota partitions and,
    optionally, overlapping unit groups (the non-network case) or departments that split each
    quota group (a laminar family, which the network carries)."""
    n_c = draw(st.integers(1, max_candidates))
    n_u = draw(st.integers(1, max_units))
    pairs = [(c, u) for c in range(n_c) for u in range(n_u)]
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    costs = draw(st.lists(st.integers(0, 9), min_size=len(pairs), max_size=len(pairs)))
    arcs = [(c, u, k) for (c, u), on, k in zip(pairs, keep, costs, strict=True) if on]
    rank = draw(st.permutations(list(range(n_c))))
    groups = _partition(draw, n_c, 2, Side.CANDIDATE, "team")
    groups += _partition(draw, n_u, 2, Side.UNIT, "quota")
    if side_constraints:
        # Departments cut across quota groups; tight capacities so they bind often.
        labels = draw(st.lists(st.integers(0, 1), min_size=n_u, max_size=n_u))
        for b in (0, 1):
            members = np.array([u for u, lab in enumerate(labels) if lab == b], dtype=np.int64)
            if len(members) > 1:
                cap = draw(st.integers(0, min(2, len(members) - 1)))
                groups.append(CapacityGroup(f"department{b}", Side.UNIT, members, cap))
    if nested_departments:
        quotas = [g for g in groups if g.side is Side.UNIT]
        for g in quotas:
            halves = draw(st.lists(st.booleans(), min_size=len(g.members), max_size=len(g.members)))
            for half in (True, False):
                members = g.members[np.array(halves) == half]
                if len(members):
                    cap = draw(st.integers(0, len(members)))
                    groups.append(CapacityGroup(f"department{half}", Side.UNIT, members, cap))
        # and one department around a whole quota group and some free units
        if quotas:
            outside = [u for u in range(n_u) if all(u not in set(q.members) for q in quotas)]
            members = np.array(sorted({*quotas[0].members.tolist(), *outside[:1]}))
            groups.append(CapacityGroup("organisation", Side.UNIT, members, 1))
    return MatchProblem.from_arcs(n_c, n_u, arcs, rank=rank, groups=tuple(groups))


@st.composite
def medium_problems(draw: st.DrawFn) -> MatchProblem:
    """30–150 candidates, 10–60 units, sparse arcs, several tight teams and quota groups."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_c = int(rng.integers(30, 151))
    n_u = int(rng.integers(10, 61))
    density = float(rng.uniform(0.02, 0.25))
    mask = rng.random((n_c, n_u)) < density
    cand, unit = np.nonzero(mask)
    cost = rng.integers(0, 50, len(cand))
    n_teams = int(rng.integers(1, 13))
    team = rng.integers(-1, n_teams, n_c)
    quota = rng.integers(-1, 4, n_u)
    groups = []
    for t in range(n_teams):
        members = np.flatnonzero(team == t).astype(np.int64)
        if len(members):
            cap = int(rng.integers(0, max(1, len(members) // 2) + 1))
            groups.append(CapacityGroup(f"team{t}", Side.CANDIDATE, members, cap))
    for q in range(4):
        members = np.flatnonzero(quota == q).astype(np.int64)
        if len(members):
            cap = int(rng.integers(0, len(members) + 1))
            groups.append(CapacityGroup(f"quota{q}", Side.UNIT, members, cap))
    return MatchProblem(
        n_candidates=n_c,
        n_units=n_u,
        arc_candidate=cand.astype(np.int64),
        arc_unit=unit.astype(np.int64),
        arc_cost=cost.astype(np.int64),
        rank=rng.permutation(n_c).astype(np.int64),
        groups=tuple(groups),
    )


@st.composite
def crossing_problems(draw: st.DrawFn, max_candidates: int = 6, max_units: int = 5) -> MatchProblem:
    """Dense arcs and units in a grid: quota groups by column, departments by row, both tight,
    so the two families cross (as mixed departments cut across a housing organisation's quota
    groups) and the network's allocation breaks the family it cannot carry far more often than
    in :func:`problems` with ``side_constraints``: the side path's stages (the LP relaxation,
    and CP-SAT where it is fractional) are what these problems test."""
    n_c = draw(st.integers(3, max_candidates))
    n_u = draw(st.integers(3, max_units))
    pairs = [(c, u) for c in range(n_c) for u in range(n_u)]
    keep = draw(st.lists(st.sampled_from([True, True, False]), min_size=len(pairs),
                         max_size=len(pairs)))  # fmt: skip
    costs = draw(st.lists(st.integers(0, 9), min_size=len(pairs), max_size=len(pairs)))
    arcs = [(c, u, k) for (c, u), on, k in zip(pairs, keep, costs, strict=True) if on]
    rank = draw(st.permutations(list(range(n_c))))
    groups = _partition(draw, n_c, 2, Side.CANDIDATE, "team")
    n_cols = draw(st.integers(2, 3))
    column = [u % n_cols for u in range(n_u)]
    row = draw(st.lists(st.integers(0, 2), min_size=n_u, max_size=n_u))
    for name, labels in (("quota", column), ("department", row)):
        for b in sorted(set(labels)):
            members = np.array([u for u, lab in enumerate(labels) if lab == b], dtype=np.int64)
            if len(members) > 1:
                cap = draw(st.integers(0, min(2, len(members) - 1)))
                groups.append(CapacityGroup(f"{name}{b}", Side.UNIT, members, cap))
    return MatchProblem.from_arcs(n_c, n_u, arcs, rank=rank, groups=tuple(groups))
