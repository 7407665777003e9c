"""A week's case as a domain-free :class:`~solver.core.problem.MatchProblem`.

Youths are candidates ranked by the policy's priority scheme, dwellings are units, eligible
pairs are arcs costed by the fit terms; support teams' free CTI/ACT slots, the § 59 quota groups
and the optional per-department limit are capacity groups. The allocator's decisions
(:mod:`solver.engine.decisions`) take the pinned pairs out with their capacity, and the banned
and withheld ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from solver.core.problem import CapacityGroup, MatchProblem, Side
from solver.domain import Case
from solver.engine.decisions import NONE, Applied, apply_decisions
from solver.engine.eligibility import Eligibility, compute_eligibility


@dataclass(frozen=True)
class WeekProblem:
    """The optimisation problem of a week, with the maps back to the case."""

    problem: MatchProblem
    eligibility: Eligibility
    order: np.ndarray  # youth indices in priority order (order[rank] = youth index)
    arcs: np.ndarray  # the eligible pair of each problem arc (problem arc a = pair arcs[a])
    decisions: Applied = NONE


def build_problem(case: Case, eligibility: Eligibility | None = None) -> WeekProblem:
    """Translate a validated case into a domain-free :class:`MatchProblem`.

    Capacity groups, in the order the solver layers them: CTI/ACT free slots per team
    (candidate side), remaining claims per quota group (unit side), and, when the policy limit
    is on, municipal placements per department (unit side; cuts across quota groups, so it is
    the one constraint that needs the general path).
    """
    elig = eligibility if eligibility is not None else compute_eligibility(case)
    policy = case.policy
    keys = [policy.priority_key(y) for y in case.youths]
    order = np.array(sorted(range(len(case.youths)), key=keys.__getitem__), dtype=np.int64)
    rank = np.empty(len(case.youths), dtype=np.int64)
    rank[order] = np.arange(len(case.youths))

    groups: list[CapacityGroup] = []
    team_members = _members_by([y.support_team for y in case.youths])
    for team in case.teams:
        slots = policy.free_slots(team)
        if slots is None:  # ICM: support starts at visitation, no move-in limit
            continue
        if team.team in team_members:
            members = team_members[team.team]
            groups.append(CapacityGroup(f"team:{team.team}", Side.CANDIDATE, members, slots))
    unit_members = _members_by([(u.organisation, u.dwelling_type) for u in case.units])
    for key, q in case.quota_by_key().items():
        if key in unit_members:
            name = f"quota:{key[0]}/{key[1].value}"
            remaining = q.remaining(policy.default_quota_rate)
            groups.append(CapacityGroup(name, Side.UNIT, unit_members[key], remaining))
    if policy.per_department > 0:
        departments = _members_by([f"{u.organisation}/{u.department}" for u in case.units])
        for name, members in departments.items():
            if len(members) > policy.per_department:
                groups.append(
                    CapacityGroup(f"department:{name}", Side.UNIT, members, policy.per_department)
                )

    applied = apply_decisions(case, elig, groups)
    if applied.keep is None:
        arcs = np.arange(elig.n_pairs, dtype=np.int64)
        arc_candidate, arc_unit, arc_cost = elig.youth_idx, elig.unit_idx, elig.cost
    else:
        arcs = np.flatnonzero(applied.keep).astype(np.int64)
        arc_candidate, arc_unit, arc_cost = (
            elig.youth_idx[arcs],
            elig.unit_idx[arcs],
            elig.cost[arcs],
        )
    problem = MatchProblem(
        n_candidates=len(case.youths),
        n_units=len(case.units),
        arc_candidate=arc_candidate,
        arc_unit=arc_unit,
        arc_cost=arc_cost,
        rank=rank,
        groups=tuple(applied.reduce(groups)),
        candidate_ids=tuple(y.ref for y in case.youths),
        unit_ids=tuple(u.ref for u in case.units),
    )
    return WeekProblem(problem, elig, order, arcs, applied)


def _members_by(keys: list[Any]) -> dict[Any, np.ndarray]:
    """Indices grouped by key (None keys left out), in index order."""
    out: dict[Any, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            out.setdefault(k, []).append(i)
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}
