"""Priority schemes: the named alternatives a municipality chooses from, and where a youth stands.

The scheme is ``policy.toml``'s ``[priority]`` (:class:`~solver.domain.PriorityScheme`); the
lexicographic stage takes it as a total order (``ref`` breaks ties). ``docs/priority.md``
describes what each preset does and what it changes on the copenhagen week.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from solver.domain import Case, Criterion, Policy, PriorityScheme, Youth
from solver.engine.week import run_case
from solver.i18n.render import text

# Points of the "points" preset: the situation's severity (street and § 110 shelter first
# [000:213-246]), urgency, and a point per week waited so that nobody waits for ever.
PRESET_POINTS = {
    "street": 40,
    "shelter": 30,
    "institution_exit": 25,
    "couch": 20,
    "eviction_risk": 10,
    "unstable_home": 0,
    "urgent": 30,
    "per_week_waiting": 1,
}

PRESETS: dict[str, PriorityScheme] = {
    # Today's order: an urgent date first (eviction, release, discharge), then time waited.
    "standard": PriorityScheme(),
    # Urgency, then the housing situation (street and shelter before couch-surfing and eviction
    # risk), then time waited: the homeless first among the non-urgent.
    "situation": PriorityScheme(order=(Criterion.URGENCY, Criterion.SITUATION, Criterion.WAITING)),
    # One score: situation, urgency and weeks waited weighed together, then time waited.
    "points": PriorityScheme(order=(Criterion.POINTS, Criterion.WAITING), points=PRESET_POINTS),
}


def preset_of(scheme: PriorityScheme) -> str | None:
    """The preset's name if ``scheme`` is one of them."""
    return next((name for name, preset in PRESETS.items() if preset == scheme), None)


@dataclass(frozen=True)
class Standing:
    """Where a youth stands on one criterion of the scheme (for the queue page)."""

    criterion: str
    params: dict[str, Any]

    def text(self, lang: str = "en") -> str:
        key = f"standing.{self.criterion}"
        if self.criterion == Criterion.URGENCY and not self.params["urgent"]:
            key += ".not"
        return text(key, lang, **self.params)


def standing(policy: Policy, youth: Youth) -> list[Standing]:
    """The youth's value on each criterion of the policy's scheme, in the scheme's order."""
    scheme = policy.priority
    out = []
    for criterion in scheme.order:
        if criterion is Criterion.URGENCY:
            urgent = policy.is_urgent(youth)
            out.append(Standing("urgency", {"urgent": urgent, "by": youth.urgent_by or date.max}))
        elif criterion is Criterion.SITUATION:
            rank = scheme.situation_rank
            place = rank.index(youth.situation) + 1 if youth.situation in rank else len(rank) + 1
            params = {"situation": youth.situation.value, "place": place, "of": len(rank)}
            out.append(Standing("situation", params))
        elif criterion is Criterion.WAITING:
            weeks = max(0, (policy.run_date - youth.referred_on).days // 7)
            waited = {"since": youth.referred_on, "weeks": weeks, "on": policy.run_date}
            out.append(Standing("waiting", waited))
        else:
            out.append(Standing("points", {"points": policy.points_of(youth)}))
    return out


def compare_presets(case: Case) -> list[dict[str, Any]]:
    """The week matched under each preset (the case's other rules unchanged): per preset the
    number housed and, per housing situation, how many were housed of how many waited, with
    the median weeks waited of those housed (for ``boligmatch priority compare``)."""
    out = []
    for name, scheme in PRESETS.items():
        week = replace(case, policy=replace(case.policy, priority=scheme))
        result = run_case(week)
        housed = {m.youth_ref for m in result.matches}
        by_situation: dict[str, dict[str, Any]] = {}
        for y in case.youths:
            row = by_situation.setdefault(
                y.situation.value, {"waiting": 0, "housed": 0, "weeks": []}
            )
            row["waiting"] += 1
            if y.ref in housed:
                row["housed"] += 1
                row["weeks"].append((case.policy.run_date - y.referred_on).days // 7)
        for row in by_situation.values():
            weeks = sorted(row.pop("weeks"))
            row["median_weeks"] = weeks[len(weeks) // 2] if weeks else None
        urgent = sum(1 for y in case.youths if y.ref in housed and case.policy.is_urgent(y))
        out.append({"preset": name, "housed": len(housed), "urgent_housed": urgent,
                    "by_situation": by_situation})  # fmt: skip
    return out
