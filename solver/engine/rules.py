"""The hard rules: one small function per rule over whole columns, each named by its reason code.

A rule takes the youths of a chunk and all units as numpy columns and returns a (youths × units)
mask of the pairs it *rejects*; ``solver.engine.eligibility`` applies them all. ``RULE_ORDER`` is
the cascade used to explain a youth with no eligible dwelling: the first rule after which no
dwelling is left names the reason. To add a rule: write its function here, add it to ``RULES``
(its place in the cascade), give its columns in ``solver.engine.eligibility.columns``, its
per-pair line in the compiled pass ``solver.engine.eligibility._pairs`` (what a week runs; the
tests hold it equal to these functions), and its title and sentence in ``solver.i18n.catalogue``
(``reason.CODE``, ``explain.CODE``).

Support capacity and quota are not rules: they are capacity constraints of the optimiser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solver.domain import RULE_CODES

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RULE_ORDER = RULE_CODES


@dataclass(frozen=True)
class YouthColumns:
    ceiling: IntArray  # explicit ceiling or the policy's for the income type
    cash_benefit: BoolArray
    pet: IntArray
    household: IntArray
    needs_accessible: BoolArray
    birth_day: IntArray  # ordinal of the birth date
    deposit_limit: IntArray  # the policy's deposit ceiling for the income type (no rule: huge)
    excluded: BoolArray  # youths × areas
    preferred: BoolArray  # youths × areas
    has_preferred: BoolArray
    share_base: IntArray  # monthly income if given and > 0, else the ceiling
    need_day: IntArray  # ordinal of urgent_by, or of run_date

    def take(self, rows: slice) -> YouthColumns:
        return YouthColumns(**{k: v[rows] for k, v in self.__dict__.items()})


@dataclass(frozen=True)
class UnitColumns:
    cost: IntArray  # rent + utilities
    restricted: BoolArray
    pets: IntArray
    rooms: IntArray
    accessible: BoolArray
    youth_dwelling: BoolArray
    available_day: IntArray
    area: IntArray  # area code
    deposit: IntArray  # indskud, kr (none given: 0)
    # The youth-dwelling age band at move-in (the later of the run date and available_from):
    # a youth born after ``young_after`` is too young, one born on or before ``old_from`` too old.
    young_after: IntArray
    old_from: IntArray


@dataclass(frozen=True)
class Context:
    available_cutoff: int
    age_band: tuple[int, int]
    persons_per_room: int


Rule = Callable[[YouthColumns, UnitColumns, Context], BoolArray]


def not_available_in_time(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Dwellings available after run_date + availability_horizon_days are not offered."""
    return np.broadcast_to(u.available_day > ctx.available_cutoff, (len(y.ceiling), len(u.cost)))


def no_affordable_unit(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Rent + utilities above the youth's ceiling: most youth under 25 cannot pay over
    3,000 kr [004:4395-4398]; SU students can pay more [004:4399-4409]."""
    return u.cost[None, :] > y.ceiling[:, None]


def deposit_too_high(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """A deposit (indskud) above the policy's ceiling for the youth's income type: 4,860–7,890 kr
    can stop a youth living on 5,753 kr a month [004:4341-4343] (policy ``[deposit_ceiling]``;
    an income type without a ceiling has no deposit rule)."""
    return u.deposit[None, :] > y.deposit_limit[:, None]


def benefit_restricted(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Combined/flexible letting excludes cash-benefit recipients [004:3861-3880]."""
    return y.cash_benefit[:, None] & u.restricted[None, :]


def pet_not_allowed(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Pet above the dwelling's policy; dog bans, large dogs most of all [004:3918-3930]."""
    return y.pet[:, None] > u.pets[None, :]


def household_too_large(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """More persons than persons_per_room × rooms."""
    return y.household[:, None] > ctx.persons_per_room * u.rooms[None, :]


def not_accessible(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """A youth who needs an accessible dwelling gets only accessible ones."""
    return y.needs_accessible[:, None] & ~u.accessible[None, :]


def age_outside_youth_band(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Almen ungdomsbolig only inside the youth age band, at move-in: the age on the later of
    the run date and the dwelling's available_from (case format 2); the education requirement is
    waived under municipal allocation [000:554-560]."""
    born = y.birth_day[:, None]
    outside = (born > u.young_after[None, :]) | (born <= u.old_from[None, :])
    return outside & u.youth_dwelling[None, :]


def area_excluded(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Areas the youth must not be placed in."""
    return y.excluded[:, u.area]


RULES: dict[str, Rule] = {
    "not_available_in_time": not_available_in_time,
    "no_affordable_unit": no_affordable_unit,
    "deposit_too_high": deposit_too_high,
    "benefit_restricted": benefit_restricted,
    "pet_not_allowed": pet_not_allowed,
    "household_too_large": household_too_large,
    "not_accessible": not_accessible,
    "age_outside_youth_band": age_outside_youth_band,
    "area_excluded": area_excluded,
}
assert tuple(RULES) == RULE_ORDER
