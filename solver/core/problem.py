"""The domain-free matching problem and its result.

A :class:`MatchProblem` is a bipartite graph of *candidates* (youths) and *units* (dwellings) with
weighted arcs (the eligible pairs and their stage-3 cost), a strict priority order over the
candidates, and capacity groups on either side (support teams on the candidate side; quota groups,
departments on the unit side). Nothing here knows about housing, so the same core is checked on
public assignment benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
NodeArray = npt.NDArray[np.int32]  # node indices of a network (OR-Tools' index type)


class Side(StrEnum):
    CANDIDATE = "candidate"
    UNIT = "unit"


@dataclass(frozen=True)
class CapacityGroup:
    """At most ``capacity`` of ``members`` (indices on ``side``) may be matched."""

    name: str
    side: Side
    members: IntArray
    capacity: int

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"Negative capacity in group {self.name!r}.")


@dataclass(frozen=True)
class MatchProblem:
    """A bipartite matching problem with priorities and capacity groups.

    Parameters
    ----------
    n_candidates, n_units
        Sizes of the two sides.
    arc_candidate, arc_unit
        Endpoints of each allowed pair; no pair may repeat.
    arc_cost
        Non-negative integer stage-3 cost of each pair (the weighted misfit).
    rank
        ``rank[c]`` is candidate ``c``'s priority, 0 = highest; a permutation of
        ``range(n_candidates)`` so the order is strict.
    groups
        Capacity groups. Groups on one side that are pairwise disjoint form a network layer;
        the rest are side constraints that need the general (CP-SAT) path.
    candidate_ids, unit_ids
        Optional labels used in messages and outputs.
    """

    n_candidates: int
    n_units: int
    arc_candidate: IntArray
    arc_unit: IntArray
    arc_cost: IntArray
    rank: IntArray
    groups: tuple[CapacityGroup, ...] = ()
    candidate_ids: tuple[str, ...] = ()
    unit_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n_arcs = len(self.arc_candidate)
        if len(self.arc_unit) != n_arcs or len(self.arc_cost) != n_arcs:
            raise ValueError("Arc arrays differ in length.")
        if n_arcs:
            if self.arc_candidate.min() < 0 or self.arc_candidate.max() >= self.n_candidates:
                raise ValueError("Arc candidate out of range.")
            if self.arc_unit.min() < 0 or self.arc_unit.max() >= self.n_units:
                raise ValueError("Arc unit out of range.")
            if self.arc_cost.min() < 0:
                raise ValueError("Negative arc cost.")
            keys = self.arc_candidate * max(self.n_units, 1) + self.arc_unit
            if not np.all(keys[1:] > keys[:-1]):  # arcs usually come sorted; else sort a copy
                ordered = np.sort(keys)
                if np.any(ordered[1:] == ordered[:-1]):
                    raise ValueError("Repeated arc.")
        if len(self.rank) != self.n_candidates or not np.array_equal(
            np.sort(self.rank), np.arange(self.n_candidates)
        ):
            raise ValueError("Rank is not a permutation of the candidates.")
        for g in self.groups:
            size = self.n_candidates if g.side is Side.CANDIDATE else self.n_units
            if len(g.members) and (g.members.min() < 0 or g.members.max() >= size):
                raise ValueError(f"Group {g.name!r} has a member out of range.")

    @property
    def n_arcs(self) -> int:
        return len(self.arc_candidate)

    @classmethod
    def from_arcs(
        cls,
        n_candidates: int,
        n_units: int,
        arcs: list[tuple[int, int, int]] | npt.ArrayLike,
        rank: npt.ArrayLike | None = None,
        groups: tuple[CapacityGroup, ...] = (),
    ) -> MatchProblem:
        """Build from ``(candidate, unit, cost)`` triples; default rank = index order."""
        a = np.asarray(arcs, dtype=np.int64).reshape(-1, 3)
        r = np.arange(n_candidates) if rank is None else np.asarray(rank, dtype=np.int64)
        return cls(
            n_candidates=n_candidates,
            n_units=n_units,
            arc_candidate=a[:, 0].copy(),
            arc_unit=a[:, 1].copy(),
            arc_cost=a[:, 2].copy(),
            rank=r,
            groups=groups,
        )


def keeps_groups(
    problem: MatchProblem, arcs: IntArray, groups: tuple[CapacityGroup, ...] | list[CapacityGroup]
) -> bool:
    """Whether the allocation ``arcs`` keeps every one of ``groups`` (members counted once)."""
    cands = np.bincount(problem.arc_candidate[arcs], minlength=problem.n_candidates)
    units = np.bincount(problem.arc_unit[arcs], minlength=problem.n_units)
    return all(
        int((cands if g.side is Side.CANDIDATE else units)[np.unique(g.members)].sum())
        <= g.capacity
        for g in groups
    )


class Status(StrEnum):
    OPTIMAL = "OPTIMAL"  # every stage proven optimal
    FEASIBLE = "FEASIBLE"  # a valid allocation, optimality not proven (time limit on CP-SAT)


@dataclass(frozen=True)
class SolveParams:
    """How to solve.

    Parameters
    ----------
    time_limit_s
        Wall-clock limit for each CP-SAT stage; the side-constraint path as a whole ends within
        three times this (the network path has none: it is exact and polynomial).
    num_workers
        CP-SAT search workers.
    fit_stage
        Run stage 3 (minimise the fit cost); off leaves any allocation of the stage-2 set.
    """

    time_limit_s: float = 60.0
    num_workers: int = 2
    fit_stage: bool = True


@dataclass(frozen=True)
class MatchResult:
    """A solved allocation.

    ``arcs`` are the indices of the chosen pairs into the problem's arc arrays; ``housed``
    (stage 1), ``priority_signature`` (stage 2: the sorted ranks of the housed candidates) and
    ``fit_cost`` (stage 3) are their values. ``proven`` says which stages were proven optimal;
    ``status`` is ``OPTIMAL`` only when all were. ``gap`` is empty when proven, else it bounds
    the distance to optimal: ``housed`` (upper bound − housed), ``priority_undecided``
    (higher-priority candidates whose check was not settled), ``fit_cost`` (cost − lower
    bound).
    """

    status: Status
    arcs: IntArray
    housed: int
    priority_signature: tuple[int, ...]
    fit_cost: int
    solver_path: str
    timings: dict[str, float] = field(default_factory=dict)
    proven: dict[str, bool] = field(default_factory=dict)
    gap: dict[str, int] = field(default_factory=dict)

    def pairs(self, problem: MatchProblem) -> list[tuple[int, int]]:
        """``(candidate, unit)`` of each chosen arc, in candidate-rank order."""
        out = [(int(problem.arc_candidate[a]), int(problem.arc_unit[a])) for a in self.arcs]
        return sorted(out, key=lambda p: int(problem.rank[p[0]]))

    def unit_of(self, problem: MatchProblem) -> IntArray:
        """``unit_of[c]`` is the unit matched to candidate ``c``, or -1."""
        unit_of = np.full(problem.n_candidates, -1, dtype=np.int64)
        unit_of[problem.arc_candidate[self.arcs]] = problem.arc_unit[self.arcs]
        return unit_of
