"""Why each unmatched youth was not housed: one stable reason code and one human sentence.

Codes, checked in this order for a youth with no dwelling:

- a hard rule left no dwelling (``solver.engine.eligibility.RULE_ORDER``: ``no_affordable_unit``,
  ``pet_not_allowed``, …), or ``support_not_in_place`` (ICM youth without an ICM team), or
  ``no_vacancies``;
- ``outranked``: every dwelling the youth fits went to a higher-priority youth;
- ``support_capacity``: the youth's CTI/ACT team has no free slot left, or its slots all went to
  higher-priority youths;
- ``quota_exhausted`` / ``department_limit``: every dwelling the youth fits is taken by a
  higher-priority youth or sits in a quota group (department) whose claims this run are used up;
- ``lowers_housed_count``: the youth could have had a dwelling, but only in an allocation that
  houses fewer youths this week (stage 1 comes first: Housing First, a home for as many as
  possible).

The classification reads the final allocation only; it never changes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from solver.core.problem import MatchResult, Side
from solver.domain import Case
from solver.engine.eligibility import describe_block

if TYPE_CHECKING:
    from solver.engine.week import Unmatched, WeekProblem


def explain_unmatched(case: Case, week: WeekProblem, result: MatchResult) -> tuple[Unmatched, ...]:
    """One :class:`~solver.engine.week.Unmatched` per youth without a dwelling, by priority."""
    from solver.engine.week import Unmatched

    problem = week.problem
    rank = problem.rank
    unit_of = result.unit_of(problem)
    holder = np.full(problem.n_units, -1, dtype=np.int64)
    housed = np.flatnonzero(unit_of >= 0)
    holder[unit_of[housed]] = housed
    # Pairs are sorted by candidate, so each candidate's arcs are one slice.
    starts = np.searchsorted(problem.arc_candidate, np.arange(problem.n_candidates + 1))

    team_of: dict[int, int] = {}
    unit_groups: dict[int, list[int]] = {}
    used: list[int] = []
    for gi, g in enumerate(problem.groups):
        if g.side is Side.CANDIDATE:
            for c in g.members.tolist():
                team_of[c] = gi
            used.append(int((unit_of[g.members] >= 0).sum()))
        else:
            for u in g.members.tolist():
                unit_groups.setdefault(u, []).append(gi)
            used.append(int((holder[g.members] >= 0).sum()))

    out: list[Unmatched] = []
    for c in week.order.tolist():
        if unit_of[c] >= 0:
            continue
        ref = case.youths[c].ref
        units = problem.arc_unit[starts[c] : starts[c + 1]]
        if len(units) == 0:
            code, detail = describe_block(case, week.eligibility, c)
            out.append(Unmatched(ref, code, detail))
            continue
        held = holder[units]
        higher = (held >= 0) & (rank[np.maximum(held, 0)] < rank[c])
        n_higher = len(set(held[higher].tolist()))
        team = team_of.get(c)
        team_full = team is not None and used[team] >= problem.groups[team].capacity
        if higher.all():
            out.append(
                Unmatched(
                    ref,
                    "outranked",
                    f"{n_higher} higher-priority {_youths(n_higher)} took the "
                    f"{_dwellings(len(units))} you fit",
                    n_higher,
                )
            )
            continue
        if team is not None and team_full:
            g = problem.groups[team]
            occupants = g.members[unit_of[g.members] >= 0]
            if g.capacity == 0 or (rank[occupants] < rank[c]).all():
                name = g.name.removeprefix("team:")
                if g.capacity == 0:
                    detail = f"team {name} has no free slot for a new move-in"
                elif g.capacity == 1:
                    detail = f"team {name}'s one free slot went to a higher-priority youth"
                else:
                    detail = f"team {name}'s {g.capacity} free slots went to higher-priority youths"
                out.append(Unmatched(ref, "support_capacity", detail, n_higher))
                continue
        blocking: set[int] = set()
        for u, is_higher in zip(units.tolist(), higher.tolist(), strict=True):
            if is_higher:
                continue
            full = [
                gi
                for gi in unit_groups.get(u, [])
                if used[gi] >= problem.groups[gi].capacity and holder[u] < 0
            ]
            if not full:
                blocking.clear()
                break
            blocking.update(full)
        if blocking:
            names = sorted(problem.groups[gi].name for gi in blocking)
            kind = (
                "department_limit"
                if all(n.startswith("department:") for n in names)
                else ("quota_exhausted")
            )
            labels = ", ".join(n.split(":", 1)[1] for n in names)
            detail = f"the claims this run for {labels} are used up"
            if n_higher:
                detail += f"; {n_higher} higher-priority {_youths(n_higher)} took the rest"
            out.append(Unmatched(ref, kind, detail, n_higher))
            continue
        out.append(
            Unmatched(
                ref,
                "lowers_housed_count",
                "housing you this week would have lowered the number of youths housed",
                n_higher,
            )
        )
    return tuple(out)


def _youths(n: int) -> str:
    return "youth" if n == 1 else "youths"


def _dwellings(n: int) -> str:
    return "dwelling" if n == 1 else f"{n} dwellings"
