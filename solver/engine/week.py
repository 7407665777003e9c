"""One week's matching: case → eligibility → MatchProblem → solve → explanations.

This is the only entry point the service, the CLI and the simulation use::

    result = run_case(case)            # WeekResult: matches, unmatched with reasons, summary
    write_result(result, out_dir)      # matches.csv, unmatched.csv, summary.json (all or nothing)
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solver.core.problem import CapacityGroup, MatchProblem, MatchResult, Side, SolveParams, Status
from solver.core.solve import solve
from solver.domain import Case
from solver.engine.eligibility import FIT_TERMS, Eligibility, compute_eligibility
from solver.engine.explain import explain_unmatched

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
"""Called with (stage name, seconds it took) after each stage."""


@dataclass(frozen=True)
class Match:
    youth_ref: str
    unit_ref: str
    cost: int  # weighted fit cost of the pair
    fit: dict[str, int]  # the raw fit terms, by name (FIT_TERMS)


@dataclass(frozen=True)
class Unmatched:
    youth_ref: str
    reason: str  # stable code, see solver.engine.explain
    detail: str  # one human sentence
    outranked_by: int = 0  # higher-priority housed youths holding dwellings this youth fits


@dataclass(frozen=True)
class WeekResult:
    status: Status
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WeekProblem:
    """The optimisation problem of a week, with the maps back to the case."""

    problem: MatchProblem
    eligibility: Eligibility
    order: np.ndarray  # youth indices in priority order (order[rank] = youth index)


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

    problem = MatchProblem(
        n_candidates=len(case.youths),
        n_units=len(case.units),
        arc_candidate=elig.youth_idx,
        arc_unit=elig.unit_idx,
        arc_cost=elig.cost,
        rank=rank,
        groups=tuple(groups),
        candidate_ids=tuple(y.ref for y in case.youths),
        unit_ids=tuple(u.ref for u in case.units),
    )
    return WeekProblem(problem=problem, eligibility=elig, order=order)


def _members_by(keys: list[Any]) -> dict[Any, np.ndarray]:
    """Indices grouped by key (None keys left out), in index order."""
    out: dict[Any, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            out.setdefault(k, []).append(i)
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}


def run_case(
    case: Case, params: SolveParams | None = None, progress: Progress | None = None
) -> WeekResult:
    """Match one week: the maximum number housed, the priority-best such set, the best fit.

    See :func:`solver.core.solve.solve` for what is optimised and what "optimal" guarantees.
    """
    params = params or SolveParams()
    timings: dict[str, float] = {}

    def stage(name: str, started: float) -> None:
        timings[name] = time.perf_counter() - started
        if progress is not None:
            progress(name, timings[name])

    t = time.perf_counter()
    elig = compute_eligibility(case)
    stage("eligibility", t)
    t = time.perf_counter()
    week = build_problem(case, elig)
    stage("build", t)
    result = solve(week.problem, params, progress=progress)
    timings.update(result.timings)
    t = time.perf_counter()
    unmatched = explain_unmatched(case, week, result)
    matches = _matches(case, week, result)
    stage("explain", t)
    summary = _summary(case, week, result, matches, unmatched, timings)
    log.debug(
        "week matched: status=%s housed=%d unmatched=%d",
        result.status,
        len(matches),
        len(unmatched),
    )
    return WeekResult(result.status, matches, unmatched, summary)


def _matches(case: Case, week: WeekProblem, result: MatchResult) -> tuple[Match, ...]:
    elig = week.eligibility
    out = []
    for a in sorted(result.arcs.tolist(), key=lambda a: int(week.problem.rank[elig.youth_idx[a]])):
        fit = {name: int(elig.fit[name][a]) for name in FIT_TERMS}
        out.append(
            Match(
                youth_ref=case.youths[int(elig.youth_idx[a])].ref,
                unit_ref=case.units[int(elig.unit_idx[a])].ref,
                cost=int(elig.cost[a]),
                fit=fit,
            )
        )
    return tuple(out)


def _summary(
    case: Case,
    week: WeekProblem,
    result: MatchResult,
    matches: tuple[Match, ...],
    unmatched: tuple[Unmatched, ...],
    timings: dict[str, float],
) -> dict[str, Any]:
    reasons: dict[str, int] = {}
    for u in unmatched:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    return {
        "status": result.status.value,
        "run_date": case.policy.run_date.isoformat(),
        "counts": {
            "youths": len(case.youths),
            "units": len(case.units),
            "eligible_pairs": int(week.problem.n_arcs),
            "housed": len(matches),
            "unmatched": len(unmatched),
            "unmatched_by_reason": dict(sorted(reasons.items())),
        },
        "objective": {
            "stage1_housed": result.housed,
            "stage2_priority_ranks": list(result.priority_signature),
            "stage3_fit_cost": result.fit_cost,
        },
        "proven_optimal": result.proven,
        "gap": result.gap,
        "solver_path": result.solver_path,
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
    }


def write_result(result: WeekResult, out_dir: Path) -> None:
    """Write matches.csv, unmatched.csv and summary.json; all three or nothing.

    Files are written to a temporary folder beside ``out_dir`` and moved into place, so a
    failure never leaves a half-written output.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".boligmatch-", dir=out_dir.parent))
    try:
        header = ["youth_ref", "unit_ref", "cost", *FIT_TERMS]
        rows = [
            [m.youth_ref, m.unit_ref, str(m.cost), *(str(m.fit[k]) for k in FIT_TERMS)]
            for m in result.matches
        ]
        _write_csv(tmp / "matches.csv", header, rows)
        _write_csv(
            tmp / "unmatched.csv",
            ["youth_ref", "reason", "detail", "outranked_by"],
            [[u.youth_ref, u.reason, u.detail, str(u.outranked_by)] for u in result.unmatched],
        )
        (tmp / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")
        out_dir.mkdir(exist_ok=True)
        for name in ("matches.csv", "unmatched.csv", "summary.json"):
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
