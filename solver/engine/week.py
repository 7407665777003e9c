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

from solver.caseio.write import write_csv
from solver.core.problem import MatchResult, SolveParams, Status
from solver.core.solve import solve
from solver.domain import Case
from solver.engine.build import WeekProblem, build_problem
from solver.engine.eligibility import FIT_TERMS, compute_eligibility
from solver.engine.explain import Unmatched, explain_unmatched

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
"""Called with (stage name, seconds it took) after each stage."""


@dataclass(frozen=True)
class Match:
    youth_ref: str
    unit_ref: str
    cost: int  # weighted fit cost of the pair
    fit: dict[str, int]  # the raw fit terms, by name (FIT_TERMS)
    pinned: str | None = None  # the allocator's reason when the pair was pinned


@dataclass(frozen=True)
class WeekResult:
    status: Status
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    summary: dict[str, Any] = field(default_factory=dict)


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
    """The pinned pairs and the optimiser's, in priority order of the youths."""
    return matches_of(case, week, result.arcs.tolist())


def matches_of(case: Case, week: WeekProblem, problem_arcs: list[int]) -> tuple[Match, ...]:
    """The pinned pairs and the given arcs of ``week.problem``, in priority order of the youths
    (also for :mod:`solver.engine.greedy`)."""
    elig = week.eligibility
    reasons = {p.arc: p.decision.reason for p in week.decisions.pins}
    pairs = [int(week.arcs[a]) for a in problem_arcs] + list(reasons)
    out = []
    for a in sorted(pairs, key=lambda a: int(week.problem.rank[elig.youth_idx[a]])):
        fit = {name: int(elig.fit[name][a]) for name in FIT_TERMS}
        out.append(
            Match(
                youth_ref=case.youths[int(elig.youth_idx[a])].ref,
                unit_ref=case.units[int(elig.unit_idx[a])].ref,
                cost=int(elig.cost[a]),
                fit=fit,
                pinned=reasons.get(a),
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
            "eligible_pairs": int(week.eligibility.n_pairs),
            "housed": len(matches),
            "unmatched": len(unmatched),
            "unmatched_by_reason": dict(sorted(reasons.items())),
        },
        # Stage 1 counts the pinned youths; stages 2 and 3 rank and cost the rest (case format).
        "objective": {
            "stage1_housed": result.housed + len(week.decisions.pins),
            "stage2_priority_ranks": list(result.priority_signature),
            "stage3_fit_cost": result.fit_cost,
        },
        "decisions": {
            "pins": len(week.decisions.pins),
            "banned_pairs": len(week.decisions.banned_pairs),
            "withheld_youths": len(week.decisions.withheld_youths),
            "withheld_units": len(week.decisions.withheld_units),
        },
        "priority_scheme": case.policy.priority.describe(),
        "proven_optimal": result.proven,
        "gap": result.gap,
        "solver_path": result.solver_path,
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
    }


def write_result(result: WeekResult, out_dir: Path, lang: str = "en") -> None:
    """Write matches.csv, unmatched.csv and summary.json; all three or nothing.

    ``unmatched.csv``'s ``detail`` is the reason's sentence in ``lang`` (``en`` or ``da``). Files
    are written to a temporary folder beside ``out_dir`` and moved into place, so a failure
    never leaves a half-written output.
    """
    out_dir = Path(out_dir)
    said: dict[Any, str] = {}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".boligmatch-", dir=out_dir.parent))
    try:
        header = ["youth_ref", "unit_ref", "cost", *FIT_TERMS, "pinned"]
        rows = [
            [m.youth_ref, m.unit_ref, m.cost, *(m.fit[k] for k in FIT_TERMS), m.pinned]
            for m in result.matches
        ]
        write_csv(tmp / "matches.csv", header, rows)
        write_csv(
            tmp / "unmatched.csv",
            ["youth_ref", "reason", "detail", "outranked_by"],
            [[u.youth_ref, u.reason, _detail(u, lang, said), u.outranked_by]
             for u in result.unmatched],
        )  # fmt: skip
        (tmp / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")
        out_dir.mkdir(exist_ok=True)
        for name in ("matches.csv", "unmatched.csv", "summary.json"):
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _detail(u: Unmatched, lang: str, said: dict[Any, str]) -> str:
    """``u.detail(lang)``, rendered once per distinct reason and parameters (thousands of
    youths share a sentence: "outranked" by the same counts)."""
    try:
        key = (u.reason, tuple(sorted(u.params.items())))
        hash(key)
    except TypeError:  # a list among the parameters
        return u.detail(lang)
    if key not in said:
        said[key] = u.detail(lang)
    return said[key]
