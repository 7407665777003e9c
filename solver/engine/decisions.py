"""The allocator's decisions applied to a week: pins fixed first, bans and withholdings removed.

Case format (``decisions.csv``): a pin must be an eligible pair within the team's free slots and
the quota, else it is an error naming the row. Pins are fixed first; the three stages then run
on everything else: the maximum number housed counts the pinned youths, the lexicographic stage
ranks the rest, the fit stage costs the rest.

So the optimiser sees the week without the pinned youths' and dwellings' arcs, without banned
pairs and without withheld youths and dwellings, and with every capacity group reduced by the
pins inside it. Every allocation of that problem plus the pins is an allocation of the week that
keeps every decision, and every such allocation is one of them: its optimum is the week's
optimum under the decisions, by the same three stages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from solver.caseio.issues import CaseError, CaseIssue
from solver.core.problem import CapacityGroup, Side
from solver.domain import Case, Decision, DecisionKind
from solver.engine.eligibility import Eligibility, rules_rejecting
from solver.engine.rules import BoolArray


@dataclass(frozen=True)
class Pin:
    youth: int  # index in case.youths
    unit: int  # index in case.units
    arc: int  # index of the eligible pair
    decision: Decision


@dataclass(frozen=True)
class Applied:
    """A week's decisions as the optimiser and the explanations need them."""

    pins: tuple[Pin, ...] = ()
    keep: BoolArray | None = None  # over the eligible pairs: left to the optimiser (None: all)
    withheld_youths: dict[int, Decision] = field(default_factory=dict)
    withheld_units: dict[int, Decision] = field(default_factory=dict)
    banned_pairs: dict[tuple[int, int], Decision] = field(default_factory=dict)

    @property
    def pinned_youths(self) -> dict[int, Pin]:
        return {p.youth: p for p in self.pins}

    @property
    def pinned_units(self) -> dict[int, Pin]:
        return {p.unit: p for p in self.pins}

    def reduce(self, groups: list[CapacityGroup]) -> list[CapacityGroup]:
        """The capacity groups with the pins inside each taken off its capacity."""
        if not self.pins:
            return groups
        youths = Counter(p.youth for p in self.pins)
        units = Counter(p.unit for p in self.pins)
        out = []
        for g in groups:
            used = youths if g.side is Side.CANDIDATE else units
            taken = sum(used.get(int(m), 0) for m in g.members)
            out.append(CapacityGroup(g.name, g.side, g.members, g.capacity - taken))
        return out


NONE = Applied()


def apply_decisions(case: Case, elig: Eligibility, groups: list[CapacityGroup]) -> Applied:
    """The case's decisions against its eligible pairs and capacity ``groups``.

    Raises
    ------
    CaseError
        Naming the ``decisions.csv`` row of every pin that is not an eligible pair, or that
        would take a team, quota group or department beyond its capacity.
    """
    if not case.decisions:
        return NONE
    youth_of = {y.ref: i for i, y in enumerate(case.youths)}
    unit_of = {u.ref: j for j, u in enumerate(case.units)}
    arc_of = {
        (int(y), int(u)): a
        for a, (y, u) in enumerate(zip(elig.youth_idx, elig.unit_idx, strict=True))
    }
    issues: list[CaseIssue] = []
    pins: list[Pin] = []
    withheld_youths: dict[int, Decision] = {}
    withheld_units: dict[int, Decision] = {}
    banned: dict[tuple[int, int], Decision] = {}
    for d in case.decisions:
        i = youth_of.get(d.youth_ref or "")
        j = unit_of.get(d.unit_ref or "")
        if d.kind is DecisionKind.PIN:
            assert i is not None and j is not None  # the reader checked the references
            arc = arc_of.get((i, j))
            if arc is None:
                rules = rules_rejecting(case, i, j) or [str(elig.youth_blocked[i])]
                issues.append(_issue(d, "youth_ref", "pin_not_eligible", rules=rules))
            else:
                pins.append(Pin(i, j, arc, d))
        elif d.withholds_youth:
            assert i is not None
            withheld_youths[i] = d
        elif d.withholds_unit:
            assert j is not None
            withheld_units[j] = d
        else:
            assert i is not None and j is not None
            banned[(i, j)] = d
    issues += _capacity_issues(pins, groups)
    if issues:
        raise CaseError(issues)
    keep = np.ones(elig.n_pairs, dtype=bool)
    out_youths = {p.youth for p in pins} | set(withheld_youths)
    out_units = {p.unit for p in pins} | set(withheld_units)
    if out_youths:
        keep &= ~np.isin(elig.youth_idx, np.fromiter(out_youths, dtype=np.int64))
    if out_units:
        keep &= ~np.isin(elig.unit_idx, np.fromiter(out_units, dtype=np.int64))
    for pair in banned:
        arc = arc_of.get(pair)
        if arc is not None:
            keep[arc] = False
    return Applied(tuple(pins), keep, withheld_youths, withheld_units, banned)


def _issue(d: Decision, column: str, code: str, **params: object) -> CaseIssue:
    return CaseIssue("decisions.csv", d.row, column, code, dict(params))


def _capacity_issues(pins: list[Pin], groups: list[CapacityGroup]) -> list[CaseIssue]:
    out = []
    for g in groups:
        members = set(g.members.tolist())
        inside = [p for p in pins if (p.youth if g.side is Side.CANDIDATE else p.unit) in members]
        if len(inside) <= g.capacity:
            continue
        kind, _, name = g.name.partition(":")
        for p in inside[g.capacity :]:  # the pins beyond the capacity, in file order
            if kind == "team":
                params = {"team": name, "slots": g.capacity, "pins": len(inside)}
                out.append(_issue(p.decision, "youth_ref", "pin_team_full", **params))
            else:
                params = {"group": [name], "remaining": g.capacity, "pins": len(inside)}
                out.append(_issue(p.decision, "unit_ref", "pin_group_full", **params))
    return out
