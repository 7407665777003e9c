"""Why each unmatched youth was not housed: one stable reason code with its parameters.

A :class:`Reason` is data (``code`` and ``params``: the ceiling, the pet, how many dwellings, the
team); :meth:`Reason.text` renders it in Danish or English from :mod:`solver.i18n` at the edge.

Codes, checked in this order for a youth with no dwelling:

- ``withheld``: the allocator decided the youth is not matched this run (with their reason);
- a hard rule left no dwelling (``solver.engine.rules.RULE_ORDER``: ``no_affordable_unit``,
  ``pet_not_allowed``, …), or ``support_not_in_place`` (ICM youth without an ICM team), or
  ``no_vacancies`` (:func:`describe_block`);
- ``pinned`` / ``banned``: every dwelling the youth fits was pinned to another youth or excluded
  for this youth (a banned pair, a withheld dwelling) by the allocator's decisions;
- ``outranked``: every dwelling the youth fits went to a higher-priority youth;
- ``support_capacity``: the youth's CTI/ACT team has no free slot left, or its slots all went to
  higher-priority youths;
- ``quota_exhausted`` / ``department_limit``: every dwelling the youth fits is taken by a
  higher-priority youth or sits in a quota group (department) whose claims this run are used up;
- ``lowers_housed_count``: the youth could have had a dwelling, but only in an allocation that
  houses fewer youths this week (stage 1 comes first: Housing First, a home for as many as
  possible) or leaves out a youth ahead of them in the queue whom this one houses (stage 2:
  with those youths housed, adding this one lowers the count; that is what the lexicographic
  stage proved). Which of the two is not settled: it would take a flow per such youth. The
  code's name is older than that finding (a youth whose housing keeps the count but displaces
  one ahead was told "fewer would be housed"; tests/engine/test_decisions.py met one). Said
  only of a proven-optimal run: it is a claim about every allocation;
- ``not_decided_in_time``: the same case when the run was not proven optimal (the side-constraint
  path stopped at its time limit): whether housing the youth would lower the count, or even raise
  it, was not settled, so the reason says so instead.

The classification reads the final allocation only; it never changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.core.problem import MatchResult, Side, Status
from solver.domain import Case, DwellingType
from solver.engine.build import WeekProblem
from solver.engine.eligibility import Eligibility
from solver.engine.rules import RULE_ORDER
from solver.i18n.render import text


@dataclass(frozen=True)
class Reason:
    """A reason code and the facts that make its sentence (JSON-friendly values only)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` (``da`` or ``en``)."""
        return text(f"explain.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class Unmatched:
    """A youth the run did not house, with the reason."""

    youth_ref: str
    reason: str  # stable code (see the module docstring)
    params: dict[str, Any] = field(default_factory=dict)
    outranked_by: int = 0  # higher-priority housed youths holding dwellings this youth fits

    @property
    def why(self) -> Reason:
        return Reason(self.reason, self.params)

    def detail(self, lang: str = "en") -> str:
        """The reason as one sentence in ``lang``."""
        return self.why.text(lang)


def describe_block(case: Case, elig: Eligibility, youth_index: int) -> Reason:
    """The reason of a youth with no eligible dwelling.

    The code is ``support_not_in_place`` for an ICM youth without a team, ``no_vacancies``
    when the case has no dwellings, else the first rule in ``RULE_ORDER`` after which no
    dwelling is left; ``left`` is how many dwellings passed the rules before it.

    Raises
    ------
    ValueError
        If the youth has an eligible dwelling (the reason is then the optimiser's, see
        :func:`explain_unmatched`).
    """
    i = youth_index
    if elig.youth_blocked[i]:
        return Reason("support_not_in_place")
    if not case.units:
        return Reason("no_vacancies")
    left = len(case.units)
    for rule in RULE_ORDER:
        now = int(elig.cascade[rule][i])
        if now == 0:
            return Reason(rule, _rule_params(case, rule, left, i))
        left = now
    raise ValueError(f"Youth {i} has {left} eligible dwellings; nothing blocks it.")


def _rule_params(case: Case, rule: str, left: int, i: int) -> dict[str, Any]:
    """The facts of ``rule``'s sentence; ``left`` dwellings passed the rules before it."""
    policy, youth = case.policy, case.youths[i]
    ceiling = policy.ceiling_for(youth)
    if rule == "not_available_in_time":
        return {"left": left, "days": policy.availability_horizon_days}
    if rule == "no_affordable_unit":
        cutoff = policy.availability_cutoff
        cheapest = min(u.monthly_cost for u in case.units if u.available_from <= cutoff)
        return {"left": left, "ceiling": ceiling, "cheapest": cheapest}
    if rule == "deposit_too_high":
        limit = policy.deposit_ceiling[youth.income_type]
        cutoff = policy.availability_cutoff
        deposits = [
            u.deposit or 0
            for u in case.units
            if u.available_from <= cutoff and u.monthly_cost <= ceiling
        ]
        return {"left": left, "ceiling": ceiling, "limit": limit, "lowest": min(deposits)}
    if rule == "benefit_restricted":
        return {"left": left, "ceiling": ceiling}
    if rule == "pet_not_allowed":
        return {"left": left, "ceiling": ceiling, "pet": youth.pet.label}
    if rule == "household_too_large":
        return {"left": left, "persons": youth.household_size}
    if rule == "age_outside_youth_band":
        # The age at move-in (case format 2), for the youth dwelling that comes free first.
        lo, hi = policy.youth_dwelling_age
        starts = [u.available_from for u in case.units if u.dwelling_type is DwellingType.YOUTH]
        moving_in = max(policy.run_date, min(starts, default=policy.run_date))
        return {"left": left, "lo": lo, "hi": hi, "age": youth.age_on(moving_in)}
    return {"left": left}  # not_accessible, area_excluded


def explain_unmatched(case: Case, week: WeekProblem, result: MatchResult) -> tuple[Unmatched, ...]:
    """One :class:`Unmatched` per youth without a dwelling, in priority order."""
    problem = week.problem
    rank = problem.rank
    unit_of = result.unit_of(problem)
    holder = np.full(problem.n_units, -1, dtype=np.int64)
    housed = np.flatnonzero(unit_of >= 0)
    holder[unit_of[housed]] = housed
    # Pairs are sorted by candidate, so each candidate's arcs are one slice.
    starts = np.searchsorted(problem.arc_candidate, np.arange(problem.n_candidates + 1))
    # Over all arcs at once: is the dwelling held by a higher-priority youth; per candidate, how
    # many such dwellings, which is also how many such youths (MatchProblem refuses a repeated
    # arc, so a youth's dwellings are distinct and so are their holders). Most unmatched youths
    # are "outranked" (every dwelling they fit is held by someone ranked above them) and need
    # no more than these counts.
    arc_held = holder[problem.arc_unit]
    arc_higher = (arc_held >= 0) & (rank[np.maximum(arc_held, 0)] < rank[problem.arc_candidate])
    higher_arcs = np.bincount(problem.arc_candidate[arc_higher], minlength=problem.n_candidates)

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

    # A free dwelling whose group (quota, department) is full blocks whoever fits it. Each free
    # dwelling's full groups are the same for every youth, so they are found once per dwelling
    # (coded per distinct tuple of groups), and a youth with an "open" arc (a dwelling not held
    # above it and in no full group) is found over all arcs at once.
    full_sets: dict[tuple[int, ...], int] = {}
    set_of_unit = np.full(problem.n_units, -1, dtype=np.int64)
    for u, gis in unit_groups.items():
        if holder[u] < 0:
            full = tuple(gi for gi in gis if used[gi] >= problem.groups[gi].capacity)
            if full:
                set_of_unit[u] = full_sets.setdefault(full, len(full_sets))
    set_list = list(full_sets)
    arc_set = set_of_unit[problem.arc_unit]
    open_arc = ~arc_higher & (arc_set < 0)
    has_open = np.bincount(problem.arc_candidate[open_arc], minlength=problem.n_candidates) > 0
    blocked_by: dict[tuple[int, ...], tuple[str, list[str]]] = {}

    decided = week.decisions
    pinned_units = decided.pinned_units
    pinned_youths = decided.pinned_youths
    elig = week.eligibility
    fits_from = np.searchsorted(elig.youth_idx, np.arange(problem.n_candidates + 1))
    out: list[Unmatched] = []
    params: dict[str, Any]
    for c in week.order.tolist():
        if unit_of[c] >= 0 or c in pinned_youths:
            continue
        ref = case.youths[c].ref
        if c in decided.withheld_youths:
            out.append(Unmatched(ref, "withheld", {"reason": decided.withheld_youths[c].reason}))
            continue
        if starts[c] == starts[c + 1]:
            fits = elig.unit_idx[fits_from[c] : fits_from[c + 1]].tolist()
            if not fits:
                why = describe_block(case, elig, c)
                out.append(Unmatched(ref, why.code, why.params))
            else:
                to_pins = sum(1 for u in fits if u in pinned_units)
                code = "pinned" if to_pins else "banned"
                counts = {"dwellings": to_pins, "banned": len(fits) - to_pins}
                out.append(Unmatched(ref, code, counts if to_pins else {"dwellings": len(fits)}))
            continue
        n_higher = int(higher_arcs[c])
        n_units = int(starts[c + 1] - starts[c])
        if higher_arcs[c] == n_units:
            params = {"higher": n_higher, "dwellings": n_units}
            out.append(Unmatched(ref, "outranked", params, n_higher))
            continue
        higher = arc_higher[starts[c] : starts[c + 1]]
        team = team_of.get(c)
        team_full = team is not None and used[team] >= problem.groups[team].capacity
        if team is not None and team_full:
            g = problem.groups[team]
            occupants = g.members[unit_of[g.members] >= 0]
            if g.capacity == 0 or (rank[occupants] < rank[c]).all():
                params = {"team": g.name.removeprefix("team:"), "slots": g.capacity}
                out.append(Unmatched(ref, "support_capacity", params, n_higher))
                continue
        if not has_open[c]:  # every dwelling it fits, not held above it, is in a full group
            sets = tuple(np.unique(arc_set[starts[c] : starts[c + 1]][~higher]).tolist())
            blocked = blocked_by.get(sets)
            if blocked is None:  # youths who fit the same dwellings share it
                blocking = set().union(*(set_list[k] for k in sets))
                names = sorted(problem.groups[gi].name for gi in blocking)
                kind = (
                    "department_limit"
                    if all(n.startswith("department:") for n in names)
                    else "quota_exhausted"
                )
                blocked = blocked_by[sets] = (kind, [n.split(":", 1)[1] for n in names])
            params = {"groups": list(blocked[1]), "higher": n_higher}
            out.append(Unmatched(ref, blocked[0], params, n_higher))
            continue
        proven = result.status is Status.OPTIMAL
        code = "lowers_housed_count" if proven else "not_decided_in_time"
        out.append(Unmatched(ref, code, {}, n_higher))
    return tuple(out)
