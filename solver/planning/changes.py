"""Scenario changes: one handler per change kind, each changing the world from its start week.

A handler is ``handler(world, i, change, w, run_date)``: ``i`` is the change's index in the
scenario (it keys the change's own random stream, e.g. the dwellings an ``add_dwellings``
change adds each week), ``w`` the week it starts (0-based). :data:`HANDLERS` maps each change
class to its handler; a new change kind is a class in :mod:`.scenario` and a handler here
(``docs/architecture.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from solver.domain import DwellingType, IncomeType, PetPolicy, Unit, Youth
from solver.planning.scenario import (
    AddDwellings,
    Change,
    DogFriendlyShare,
    LiftLettingRestrictions,
    Matching,
    PriorityChange,
    QuotaRate,
    RentCeiling,
    RentIncrease,
    ScaleArrivals,
    ScaleVacancies,
    SupportTeamChange,
)
from solver.planning.world import World, matches


def add_dwellings(world: World, i: int, c: AddDwellings, w: int, run_date: date) -> None:
    """``count`` dwellings at once; ``per_week`` from now on (processes.added_dwellings)."""
    if c.count:
        world.add_units(i, c, w, run_date, c.count, "C")
    if c.per_week > 0:
        world.recurring.append((i, c))


def support_team(world: World, i: int, c: SupportTeamChange, w: int, run_date: date) -> None:
    t = world.teams[c.team]
    if c.workers is not None:
        t.workers = c.workers
    if c.add_workers is not None:
        t.workers = max(0, t.workers + c.add_workers)
    if c.caseload_cap is not None:
        t.cap = c.caseload_cap


def quota_rate(world: World, i: int, c: QuotaRate, w: int, run_date: date) -> None:
    if c.organisation is None and c.dwelling_type is None:
        world.policy = replace(world.policy, default_quota_rate=c.rate)
    for q in world.quotas.values():
        if matches(c.organisation, c.dwelling_type, q.org, q.type):
            q.rate = c.rate


def rent_ceiling(world: World, i: int, c: RentCeiling, w: int, run_date: date) -> None:
    """A new policy ceiling, or a subsidy on every ceiling (explicit per-youth ones too)."""
    ceilings = dict(world.policy.rent_ceiling)
    for income in IncomeType:
        if c.income_type in (None, income):
            if c.ceiling is not None:
                ceilings[income] = c.ceiling
            else:
                ceilings[income] += c.subsidy or 0
    world.policy = replace(world.policy, rent_ceiling=ceilings)
    if c.subsidy:

        def raise_(y: Youth) -> Youth:
            if y.rent_ceiling is None or c.income_type not in (None, y.income_type):
                return y
            return replace(y, rent_ceiling=y.rent_ceiling + (c.subsidy or 0))

        world.waiting = {r: raise_(y) for r, y in world.waiting.items()}
        world.youth_templates = [raise_(y) for y in world.youth_templates]


def dog_friendly_share(world: World, i: int, c: DogFriendlyShare, w: int, run_date: date) -> None:
    """Raise (or lower) the share of almen departments allowing dogs to ``c.share``.

    Which departments change is drawn once from the scenario seed (not per replication):
    it is a policy, the same in every replication.
    """
    depts: dict[tuple[str, str], int] = {}
    for u in [*world.unit_templates, *world.pool.values()]:
        if u.dwelling_type is DwellingType.PRIVATE:
            continue
        if c.organisation not in (None, u.organisation):
            continue
        depts[(u.organisation, u.department)] = int(u.pets)
    if not depts:
        return
    names = sorted(depts)
    order = np.random.default_rng([world.spec.seed, 7, i]).permutation(len(names))
    friendly = [names[k] for k in order.tolist() if depts[names[k]] >= PetPolicy.SMALL_DOGS]
    others = [names[k] for k in order.tolist() if depts[names[k]] < PetPolicy.SMALL_DOGS]
    target = round(c.share * len(names))
    new_rule: dict[tuple[str, str], PetPolicy] = {}
    if target > len(friendly):
        for d in others[: target - len(friendly)]:
            new_rule[d] = c.pets
    elif target < len(friendly):
        for d in friendly[: len(friendly) - target]:
            new_rule[d] = PetPolicy.CATS

    def apply(u: Unit) -> Unit:
        rule = new_rule.get((u.organisation, u.department))
        if rule is None or u.dwelling_type is DwellingType.PRIVATE:
            return u
        return replace(u, pets=rule)

    world.map_units(apply, pool=True)


def lift_letting_restrictions(
    world: World, i: int, c: LiftLettingRestrictions, w: int, run_date: date
) -> None:
    def lift(u: Unit) -> Unit:
        if u.benefit_restricted and c.organisation in (None, u.organisation):
            return replace(u, benefit_restricted=False)
        return u

    world.map_units(lift, pool=True)


def scale_arrivals(world: World, i: int, c: ScaleArrivals, w: int, run_date: date) -> None:
    world.arrival_scale *= c.factor


def scale_vacancies(world: World, i: int, c: ScaleVacancies, w: int, run_date: date) -> None:
    for k, u in enumerate(world.unit_templates):
        if matches(c.organisation, c.dwelling_type, u.organisation, u.dwelling_type):
            world.template_weight[k] *= c.factor
    for q in world.quotas.values():
        if matches(c.organisation, c.dwelling_type, q.org, q.type):
            q.scale *= c.factor
    world.set_report_rates()


def rent_increase(world: World, i: int, c: RentIncrease, w: int, run_date: date) -> None:
    def dearer(u: Unit) -> Unit:
        if not matches(c.organisation, c.dwelling_type, u.organisation, u.dwelling_type):
            return u
        return replace(u, rent=max(0, round(u.rent * c.factor) + c.amount))

    world.map_units(dearer, pool=False)  # renovations raise rents at re-letting


def matching(world: World, i: int, c: Matching, w: int, run_date: date) -> None:
    """Optimal (the engine) or greedy (solver.engine.greedy), every ``every_weeks`` weeks
    counted from this week; in the weeks between, nobody is matched and the pool waits."""
    world.matching = c.method
    world.matching_every = c.every_weeks
    world.matching_since = w


def priority(world: World, i: int, c: PriorityChange, w: int, run_date: date) -> None:
    """The municipality's priority scheme: the engine's order, greedy's and visitation's."""
    world.policy = replace(world.policy, priority=c.scheme())


Handler = Callable[[World, int, Any, int, date], None]

HANDLERS: dict[type, Handler] = {
    AddDwellings: add_dwellings,
    SupportTeamChange: support_team,
    QuotaRate: quota_rate,
    RentCeiling: rent_ceiling,
    DogFriendlyShare: dog_friendly_share,
    LiftLettingRestrictions: lift_letting_restrictions,
    ScaleArrivals: scale_arrivals,
    ScaleVacancies: scale_vacancies,
    RentIncrease: rent_increase,
    Matching: matching,
    PriorityChange: priority,
}


def apply(world: World, i: int, change: Change, w: int, run_date: date) -> None:
    """Change ``i`` of the scenario takes effect in week ``w``."""
    HANDLERS[type(change)](world, i, change, w, run_date)
