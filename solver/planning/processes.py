"""The random processes of the simulated week, each drawing from its own keyed stream.

- :func:`enter_base_youths` — the base case's youths join with a lifetime and maybe a dog
  (stream ``BASE``);
- :func:`arrivals` — referrals, Poisson(rate × scale) resampled from the base youths
  (``ARRIVALS``, per week);
- :func:`vacancies` — Poisson(rate) per base dwelling as a template, plus the organisations'
  other reports to the quota ledger (``VACANCIES``, ``REPORTS``, per week);
- :func:`added_dwellings` — an ``add_dwellings`` change's ``per_week`` (``ADDED``, per change
  and week);
- :func:`support_ends` — CTI courses end after their weeks; ICM and ACT cases end with a
  geometric duration (``TEAMS``, per week and team);
- :func:`visitation` — pending ICM youths get a team with a free place (no randomness);
- :func:`leaves` — youths leave by other routes when the lifetime drawn on entry runs out;
- :func:`tenancy_begins` / :func:`tenancies_lost` — a youth who moves in keeps the home for a
  geometric number of weeks (the weekly hazard of ``calibration.tenancy_loss`` by support
  method) drawn at move-in (``LOSSES``, per week and youth); losing it, they return to the queue;
- :func:`expire` — unclaimed vacancies go back to the organisation's own list.

A youth leaving the queue, being housed or arriving is counted by :mod:`.accounting`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from solver.domain import Pet, SupportMethod, Unit, Youth
from solver.planning.accounting import Accounts
from solver.planning.world import (
    ADDED,
    ARRIVALS,
    BASE,
    LOSSES,
    REPORTS,
    TEAMS,
    VACANCIES,
    World,
)


def lifetimes(world: World, rng: np.random.Generator, n: int) -> np.ndarray:
    """Weeks until each of ``n`` youths leaves by other routes (≥ 1; geometric)."""
    p = world.cal.leave_per_week
    if p <= 0:
        return np.full(n, 1 << 30, dtype=np.int64)
    return rng.geometric(p, size=n).astype(np.int64)


def dogs(world: World, rng: np.random.Generator, n: int) -> list[Pet]:
    """An unrecorded dog for each of ``n`` youths (Pet.NONE: none)."""
    has = rng.random(n) < world.cal.unrecorded_dog_share
    large = rng.random(n) < 0.35  # a third are large dogs, as in the fixtures (assumption)
    return [
        (Pet.LARGE_DOG if big else Pet.SMALL_DOG) if h else Pet.NONE
        for h, big in zip(has.tolist(), large.tolist(), strict=True)
    ]


def enter_base_youths(world: World, accounts: Accounts) -> None:
    """The base case's youths keep their order; their draws come from one base stream."""
    case = world.case
    rng = world.rng(BASE)
    n = len(case.youths)
    lives = lifetimes(world, rng, n)
    dog = dogs(world, rng, n)
    for i, y in enumerate(case.youths):
        unrecorded = dog[i] if y.pet is Pet.NONE else Pet.NONE
        world.enter(y, (0, i), int(lives[i]), unrecorded, y.support_team, i)
    for y in case.youths:
        accounts.seen(y)


def arrivals(world: World, accounts: Accounts, w: int, run_date: date) -> int:
    rng = world.rng(ARRIVALS, w)
    n = int(rng.poisson(world.rates.arrivals_per_week * world.arrival_scale))
    if n == 0 or not world.youth_templates:
        return 0
    pick = rng.integers(0, len(world.youth_templates), size=n)
    back = rng.integers(0, 7, size=n)  # referred during the week before this run
    lives = lifetimes(world, rng, n)
    dog = dogs(world, rng, n)
    for j in range(n):
        t = world.youth_templates[int(pick[j])]
        referred = run_date - timedelta(days=int(back[j]))
        urgent = None
        if t.urgent_by is not None:
            urgent = referred + timedelta(days=max(0, (t.urgent_by - world.r0).days))
        team = t.support_team
        home = None
        if t.support_method is SupportMethod.ICM:  # visitation is still to come
            team, home = None, t.support_team
        y = replace(
            t,
            ref=f"SIM{w:03d}-{j:04d}",
            birth_date=referred - (t.referred_on - t.birth_date),
            referred_on=referred,
            urgent_by=urgent,
            support_team=team,
        )
        unrecorded = dog[j] if y.pet is Pet.NONE else Pet.NONE
        world.enter(y, (w, j), int(lives[j]), unrecorded, home, -1)
        accounts.arrived(y)
    return n


def vacancies(world: World, w: int, run_date: date) -> int:
    rng = world.rng(VACANCIES, w)
    n_t = len(world.unit_templates)
    if n_t == 0:
        return 0
    lam = world.rates.vacancies_per_week / n_t * world.template_weight
    counts = rng.poisson(lam)
    made = 0
    for ti in np.flatnonzero(counts).tolist():
        t = world.unit_templates[ti]
        for _ in range(int(counts[ti])):
            ref = f"V{w:03d}-{made:04d}"
            avail = run_date + timedelta(days=world.leads[ti])
            world.pool[ref] = replace(t, ref=ref, available_from=avail)
            world.report(t.organisation, t.dwelling_type)
            made += 1
    reports = world.rng(REPORTS, w)
    for q in world.quotas.values():  # the organisations' other vacancies in the window
        if q.other_rate > 0:
            q.reports[-1] += int(reports.poisson(q.other_rate))
    return made


def added_dwellings(world: World, w: int, run_date: date) -> int:
    """The ``per_week`` dwellings of ``add_dwellings`` changes that have started."""
    made = 0
    for i, c in world.recurring:
        if w < c.start_week - 1:
            continue
        n = int(world.rng(ADDED, i, w).poisson(c.per_week))
        made += world.add_units(i, c, w, run_date, n, "R")
    return made


def support_ends(world: World, w: int) -> None:
    for t in world.teams.values():
        if t.method is SupportMethod.CTI:
            t.ends = [e for e in t.ends if e > w]
            continue
        mean = (
            world.cal.icm_mean_weeks if t.method is SupportMethod.ICM else world.cal.act_mean_weeks
        )
        if t.count > 0:
            t.count -= int(world.rng(TEAMS, w, t.index).binomial(t.count, 1 / mean))


def visitation(world: World) -> None:
    """ICM youths without a team get one when an ICM team has a free place (ICM starts at
    visitation [003:258, 299]), in priority order."""
    icm = [t for t in world.teams.values() if t.method is SupportMethod.ICM]
    if not icm:
        return
    pending = world.icm_pending()
    if not pending:
        return
    free = {t.name: t.capacity(world.policy) - t.count for t in icm}
    pending.sort(key=world.policy.priority_key)
    for y in pending:
        home = world.meta[y.ref].home_team
        if home in free and free[home] > 0:
            name = home
        else:
            name = min(free, key=lambda n: (-free[n], n))
            if free[name] <= 0:
                break
        free[name] -= 1
        world.teams[name].count += 1
        world.waiting[y.ref] = replace(y, support_team=name)


def leaves(world: World, accounts: Accounts, w: int) -> None:
    """Youths whose lifetime ran out leave the queue by other routes."""
    gone = [r for r, m in world.meta.items() if m.leave == w and r in world.waiting]
    for ref in gone:  # monitoring counts keep them as seen, not housed
        del world.waiting[ref]
        accounts.left_queue(world.meta.pop(ref), w)


def expire(world: World, run_date: date) -> None:
    limit = timedelta(weeks=world.cal.unit_expiry_weeks)
    stale = [r for r, u in world.pool.items() if u.available_from + limit < run_date]
    for ref in stale:
        del world.pool[ref]


NEVER = 1 << 30  # a week beyond every horizon


def tenancy_begins(world: World, y: Youth, u: Unit, w: int) -> None:
    """The youth moves in (world.move_in) with the week the home will be lost and, should they
    return to the queue, their weeks until leaving by other routes."""
    key = world.meta[y.ref].key
    rng = world.rng(LOSSES, w, *key)
    hazard = world.cal.tenancy_loss.weekly(y.support_method.value)
    lost = w + int(rng.geometric(hazard)) if hazard > 0 else NEVER
    life = int(lifetimes(world, rng, 1)[0])
    world.move_in(y, u, w, lost, life)


def tenancies_lost(world: World, accounts: Accounts, w: int) -> int:
    """Homes lost this week; the youths return to the queue."""
    lost = [ref for ref, t in world.tenancies.items() if t.lost == w]
    for ref in lost:
        accounts.tenancy_lost(world.lose(ref, w))
    return len(lost)
