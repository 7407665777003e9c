"""The decline model: whether a youth declines an offer, why, and what the allocator learns.

Reasons are drawn in the order of :class:`~solver.planning.scenario.DeclineModel` (the first
that fires is the reason recorded), from the stream ``OFFERS`` keyed by (week, youth), so the
same youth offered a dwelling in the same week decides the same way in a scenario and its
baseline. Declines keep the youth's priority (domain.md §6) and the dwelling returns to next
week's pool. What the allocator learns is recorded on the youth, so the same offer is not made
again: a dog declined over becomes a recorded pet, an area declined becomes an excluded area, a
dwelling too dear lowers the youth's own rent ceiling below its cost. A youth who did not answer
or was not ready may be offered the same dwelling again next week.
"""

from __future__ import annotations

from dataclasses import replace

from solver.domain import Pet, Unit, Youth
from solver.planning.world import OFFERS, World, YouthMeta


def decline_reason(world: World, w: int, y: Youth, u: Unit, m: YouthMeta) -> str | None:
    """The reason the youth declines ``u`` in week ``w``, or None when they sign."""
    d = world.cal.decline
    draw = world.rng(OFFERS, w, *m.key).random(5).tolist()
    if m.dog is not Pet.NONE and int(u.pets) < int(m.dog) and draw[0] < d.pet_banned:
        return "pet_not_allowed"
    p_area = d.area_other
    if y.preferred_areas and u.area not in y.preferred_areas:
        p_area = d.area_not_preferred
    if draw[1] < p_area:
        return "area"
    p_dear = d.too_expensive_other
    if y.monthly_income and u.monthly_cost > d.too_expensive_share * y.monthly_income:
        p_dear = d.too_expensive
    if draw[2] < p_dear:
        return "too_expensive"
    if draw[3] < d.not_ready:
        return "not_ready"
    if draw[4] < d.no_contact:
        return "no_contact"
    return None


def learn(world: World, w: int, y: Youth, u: Unit, m: YouthMeta, reason: str) -> None:
    """Record on the youth what the decline told the allocator; pause them if the scenario
    says so (``calibration.decline_pause_weeks``)."""
    if reason == "pet_not_allowed":
        world.waiting[y.ref] = replace(y, pet=m.dog)
        m.dog = Pet.NONE
    elif reason == "area":
        world.waiting[y.ref] = replace(
            y,
            excluded_areas=(*y.excluded_areas, u.area),
            preferred_areas=tuple(a for a in y.preferred_areas if a != u.area),
        )
    elif reason == "too_expensive":
        ceiling = min(world.policy.ceiling_for(y), u.monthly_cost - 1)
        world.waiting[y.ref] = replace(y, rent_ceiling=max(0, ceiling))
    if world.cal.decline_pause_weeks:
        m.paused = w + world.cal.decline_pause_weeks
