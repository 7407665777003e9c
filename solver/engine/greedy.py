"""Today's manual practice, for comparison: each vacancy in turn to the first fitting youth.

:func:`greedy_week` takes the dwellings one at a time by the date they come free (then by
reference) and gives each to the highest-priority youth who is eligible for it and still
unmatched, where every capacity the engine respects (a CTI/ACT team's free slots, a § 59 quota
group's remaining claims, the per-department limit) still has room; a dwelling whose own
capacity is used up, or that nobody eligible can take, stays vacant this week. Eligibility,
priority order, capacities and the allocator's pins are exactly the engine's (the same
:func:`~solver.engine.build.build_problem`): only the choice differs. The engine houses the
most youths the week allows; greedy may house fewer (a youth taken early by a dwelling another
could have used), never more in the same week.

The planning simulation runs it for ``kind = "matching"``, ``method = "greedy"``
(``solver/planning/changes.py``); it lives in the engine because it is a week's matching.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solver.core.problem import MatchProblem, Side
from solver.domain import Case
from solver.engine.build import build_problem
from solver.engine.week import Match, matches_of


def greedy_assign(problem: MatchProblem, unit_order: Sequence[int]) -> list[int]:
    """The arcs greedy chooses: for each unit in ``unit_order``, the best-ranked candidate with
    an arc to it who is unmatched and whose groups (and the unit's) have room."""
    cap = [g.capacity for g in problem.groups]
    cand_groups: list[list[int]] = [[] for _ in range(problem.n_candidates)]
    unit_groups: list[list[int]] = [[] for _ in range(problem.n_units)]
    for gi, group in enumerate(problem.groups):
        side = cand_groups if group.side is Side.CANDIDATE else unit_groups
        for m in group.members.tolist():
            side[m].append(gi)
    rank = problem.rank
    by_unit: list[list[int]] = [[] for _ in range(problem.n_units)]
    for a in np.argsort(rank[problem.arc_candidate], kind="stable").tolist():
        by_unit[int(problem.arc_unit[a])].append(a)
    matched = np.zeros(problem.n_candidates, dtype=bool)
    chosen: list[int] = []
    for u in unit_order:
        if any(cap[g] <= 0 for g in unit_groups[u]):
            continue
        for a in by_unit[u]:
            c = int(problem.arc_candidate[a])
            if matched[c] or any(cap[g] <= 0 for g in cand_groups[c]):
                continue
            matched[c] = True
            for g in (*cand_groups[c], *unit_groups[u]):
                cap[g] -= 1
            chosen.append(a)
            break
    return chosen


def unit_order(case: Case) -> list[int]:
    """The dwellings in the order greedy offers them: by available date, then reference."""
    return sorted(range(len(case.units)), key=lambda j: (case.units[j].available_from,
                                                         case.units[j].ref))  # fmt: skip


def greedy_week(case: Case) -> tuple[Match, ...]:
    """The week's matches by today's practice (module docstring), pins included."""
    week = build_problem(case)
    return matches_of(case, week, greedy_assign(week.problem, unit_order(case)))
