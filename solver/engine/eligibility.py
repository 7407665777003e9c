"""Hard rules → eligible (youth, dwelling) pairs, per-rule rejection counts and fit terms.

Each rule is a small function over whole columns: it takes the youths of a chunk and all units as
numpy columns and returns a (youths × units) mask of the pairs it *rejects*. Youths are processed
in chunks so memory stays bounded (20,000 × 5,000 pairs at 2,000 youths a chunk). No Python loop
runs over pairs.

``RULE_ORDER`` is the cascade used to explain a youth with no eligible dwelling: the first rule
after which no dwelling is left names the reason. Support capacity and quota are not rules here;
they are capacity constraints of the optimiser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solver.domain import Case, DwellingType, IncomeType, Pet, SupportMethod, Youth

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RULE_ORDER = (
    "not_available_in_time",
    "no_affordable_unit",
    "benefit_restricted",
    "pet_not_allowed",
    "household_too_large",
    "not_accessible",
    "age_outside_youth_band",
    "area_excluded",
)
FIT_TERMS = ("rent_share", "area", "availability", "size")
CHUNK = 2000


@dataclass(frozen=True)
class YouthColumns:
    ceiling: IntArray  # explicit ceiling or the policy's for the income type
    cash_benefit: BoolArray
    pet: IntArray
    household: IntArray
    needs_accessible: BoolArray
    age: IntArray  # completed years at run_date
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


@dataclass(frozen=True)
class Context:
    available_cutoff: int
    age_band: tuple[int, int]
    persons_per_room: int


Rule = Callable[[YouthColumns, UnitColumns, Context], BoolArray]


def not_available_in_time(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Dwellings available after run_date + availability_horizon_days are not offered."""
    return np.broadcast_to(u.available_day > ctx.available_cutoff, (len(y.age), len(u.cost)))


def no_affordable_unit(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Rent + utilities above the youth's ceiling: most youth under 25 cannot pay over
    3,000 kr [004:4395-4398]; SU students can pay more [004:4399-4409]."""
    return u.cost[None, :] > y.ceiling[:, None]


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
    """Almen ungdomsbolig only inside the youth age band; the education requirement is waived
    under municipal allocation [000:554-560]."""
    lo, hi = ctx.age_band
    outside = (y.age < lo) | (y.age > hi)
    return outside[:, None] & u.youth_dwelling[None, :]


def area_excluded(y: YouthColumns, u: UnitColumns, ctx: Context) -> BoolArray:
    """Areas the youth must not be placed in."""
    return y.excluded[:, u.area]


RULES: dict[str, Rule] = {
    "not_available_in_time": not_available_in_time,
    "no_affordable_unit": no_affordable_unit,
    "benefit_restricted": benefit_restricted,
    "pet_not_allowed": pet_not_allowed,
    "household_too_large": household_too_large,
    "not_accessible": not_accessible,
    "age_outside_youth_band": age_outside_youth_band,
    "area_excluded": area_excluded,
}
assert tuple(RULES) == RULE_ORDER


@dataclass(frozen=True)
class Eligibility:
    """Eligible pairs (sorted by youth, then unit) and what the rules did.

    ``rejected[rule][i]``: dwellings the rule rejects for youth ``i`` on its own;
    ``cascade[rule][i]``: dwellings left after the rules in ``RULE_ORDER`` up to this one
    (so ``cascade[RULE_ORDER[-1]][i]`` is youth ``i``'s pair count unless it is blocked);
    ``youth_blocked[i]``: ``"support_not_in_place"`` or ``""``; ``fit[term]`` (``FIT_TERMS``)
    and ``cost`` per pair, all ``int64``.
    """

    youth_idx: IntArray
    unit_idx: IntArray
    rejected: dict[str, IntArray]
    cascade: dict[str, IntArray]
    youth_blocked: npt.NDArray[np.str_]
    fit: dict[str, IntArray]
    cost: IntArray

    @property
    def n_pairs(self) -> int:
        return len(self.youth_idx)


def columns(case: Case) -> tuple[YouthColumns, UnitColumns, Context]:
    """The case as numpy columns."""
    policy = case.policy
    areas = sorted({u.area for u in case.units})
    code = {a: i for i, a in enumerate(areas)}
    n_y, n_a = len(case.youths), max(len(areas), 1)
    excluded = np.zeros((n_y, n_a), dtype=bool)
    preferred = np.zeros((n_y, n_a), dtype=bool)
    for i, y in enumerate(case.youths):
        excluded[i, [code[a] for a in y.excluded_areas if a in code]] = True
        preferred[i, [code[a] for a in y.preferred_areas if a in code]] = True
    ceiling = np.array([policy.ceiling_for(y) for y in case.youths], dtype=np.int64)
    income = np.array([y.monthly_income or 0 for y in case.youths], dtype=np.int64)
    run_day = policy.run_date.toordinal()
    ycols = YouthColumns(
        ceiling=ceiling,
        cash_benefit=np.array(
            [y.income_type is IncomeType.CASH_BENEFIT for y in case.youths], dtype=bool
        ),
        pet=np.array([int(y.pet) for y in case.youths], dtype=np.int64),
        household=np.array([y.household_size for y in case.youths], dtype=np.int64),
        needs_accessible=np.array([y.needs_accessible for y in case.youths], dtype=bool),
        age=np.array([y.age_on(policy.run_date) for y in case.youths], dtype=np.int64),
        excluded=excluded,
        preferred=preferred,
        has_preferred=np.array([bool(y.preferred_areas) for y in case.youths], dtype=bool),
        share_base=np.where(income > 0, income, np.maximum(ceiling, 1)),
        need_day=np.array(
            [y.urgent_by.toordinal() if y.urgent_by else run_day for y in case.youths],
            dtype=np.int64,
        ),
    )
    ucols = UnitColumns(
        cost=np.array([u.monthly_cost for u in case.units], dtype=np.int64),
        restricted=np.array([u.benefit_restricted for u in case.units], dtype=bool),
        pets=np.array([int(u.pets) for u in case.units], dtype=np.int64),
        rooms=np.array([u.rooms for u in case.units], dtype=np.int64),
        accessible=np.array([u.accessible for u in case.units], dtype=bool),
        youth_dwelling=np.array(
            [u.dwelling_type is DwellingType.YOUTH for u in case.units], dtype=bool
        ),
        available_day=np.array([u.available_from.toordinal() for u in case.units], dtype=np.int64),
        area=np.array([code[u.area] for u in case.units], dtype=np.int64),
    )
    ctx = Context(
        available_cutoff=policy.availability_cutoff.toordinal(),
        age_band=policy.youth_dwelling_age,
        persons_per_room=policy.persons_per_room,
    )
    return ycols, ucols, ctx


def _row_counts(mask: BoolArray) -> IntArray:
    """True cells in each row (summing the bytes into int32 is ~3× faster than ``sum``)."""
    return mask.view(np.uint8).sum(axis=1, dtype=np.int32).astype(np.int64)


def compute_eligibility(case: Case) -> Eligibility:
    """Apply every hard rule to every (youth, dwelling) pair of the case.

    Returns the eligible pairs sorted by (youth, unit), each with its fit terms and weighted
    cost (``case.policy.weights``). A youth blocked at youth level (ICM without a team) has no
    pairs; its ``rejected`` and ``cascade`` counts are still computed over all dwellings.
    Memory is bounded by ``CHUNK`` youths × all units of booleans at a time.
    """
    ycols, ucols, ctx = columns(case)
    n_y, n_u = len(case.youths), len(case.units)
    # ICM starts at visitation, so an ICM youth must already have a team [003:258, 299].
    blocked = np.array(
        [
            "support_not_in_place"
            if y.support_method is SupportMethod.ICM and not y.support_team
            else ""
            for y in case.youths
        ],
        dtype=object,
    ).astype(str)
    rejected = {r: np.zeros(n_y, dtype=np.int64) for r in RULE_ORDER}
    cascade = {r: np.zeros(n_y, dtype=np.int64) for r in RULE_ORDER}
    y_parts: list[IntArray] = []
    u_parts: list[IntArray] = []
    for start in range(0, n_y, CHUNK):
        rows = slice(start, min(start + CHUNK, n_y))
        chunk = ycols.take(rows)
        alive = np.ones((rows.stop - rows.start, n_u), dtype=bool)
        for name, rule in RULES.items():
            mask = rule(chunk, ucols, ctx)
            rejected[name][rows] = _row_counts(mask)
            alive &= ~mask
            cascade[name][rows] = _row_counts(alive)
        alive[blocked[rows] != ""] = False
        yi, ui = np.nonzero(alive)
        y_parts.append(yi.astype(np.int64) + start)
        u_parts.append(ui.astype(np.int64))
    youth_idx = np.concatenate(y_parts) if y_parts else np.zeros(0, dtype=np.int64)
    unit_idx = np.concatenate(u_parts) if u_parts else np.zeros(0, dtype=np.int64)
    fit = fit_terms(ycols, ucols, case.policy.persons_per_room, youth_idx, unit_idx)
    w = case.policy.weights
    cost = (
        w.rent_share * fit["rent_share"]
        + w.area * fit["area"]
        + w.availability * fit["availability"]
        + w.size * fit["size"]
    )
    return Eligibility(youth_idx, unit_idx, rejected, cascade, blocked, fit, cost)


def fit_terms(
    y: YouthColumns, u: UnitColumns, persons_per_room: int, yi: IntArray, ui: IntArray
) -> dict[str, IntArray]:
    """The named misfit terms of each pair (all integers ≥ 0).

    - ``rent_share``: per mille of monthly income (or, if not given, the ceiling) spent on rent
      and utilities;
    - ``area``: 1 if the youth named preferred areas and the dwelling is in none of them;
    - ``availability``: days the dwelling becomes available after the youth's need date
      (urgent_by, or the run date);
    - ``size``: rooms beyond ⌈household / persons_per_room⌉.
    """
    needed = -(-y.household[yi] // persons_per_room)
    return {
        "rent_share": (u.cost[ui] * 1000) // y.share_base[yi],
        "area": (y.has_preferred[yi] & ~y.preferred[yi, u.area[ui]]).astype(np.int64),
        "availability": np.maximum(0, u.available_day[ui] - y.need_day[yi]),
        "size": np.maximum(0, u.rooms[ui] - needed),
    }


def _kr(amount: int) -> str:
    """Whole kroner with thousands separated by a comma: ``3,000 kr``."""
    return f"{amount:,} kr"


def _dwellings(n: int) -> str:
    return f"{n} dwelling{'s' if n != 1 else ''}"


_PET_NAMES = {Pet.CAT: "a cat", Pet.SMALL_DOG: "a small dog", Pet.LARGE_DOG: "a large dog"}


def describe_block(case: Case, elig: Eligibility, youth_index: int) -> tuple[str, str]:
    """Reason code and one sentence for a youth with no eligible dwelling.

    The code is ``support_not_in_place`` for an ICM youth without a team, ``no_vacancies``
    when the case has no dwellings, else the first rule in ``RULE_ORDER`` after which no
    dwelling is left; the sentence says how many dwellings passed the rules before it.

    Raises
    ------
    ValueError
        If the youth has an eligible dwelling (the reason is then the optimiser's, see
        :mod:`solver.engine.explain`).
    """
    i = youth_index
    if elig.youth_blocked[i]:
        return (
            "support_not_in_place",
            "ICM support is not in place yet: no ICM team is assigned, and housing waits for it",
        )
    if not case.units:
        return "no_vacancies", "there are no vacant dwellings this week"
    left = len(case.units)
    for rule in RULE_ORDER:
        now = int(elig.cascade[rule][i])
        if now == 0:
            return rule, _detail(case, rule, left, case.youths[i])
        left = now
    raise ValueError(f"Youth {i} has {left} eligible dwellings; nothing blocks it.")


def _detail(case: Case, rule: str, left: int, youth: Youth) -> str:
    """The sentence for ``rule``, which removed the last ``left`` dwellings."""
    policy = case.policy
    ceiling = _kr(policy.ceiling_for(youth))
    one = left == 1
    some = _dwellings(left)
    fit = "fits" if one else "fit"
    the_ones = "the only dwelling" if one else f"the {some}"
    if rule == "not_available_in_time":
        none_of = "the only dwelling is not" if one else f"none of the {some} is"
        return f"{none_of} available within {policy.availability_horizon_days} days"
    if rule == "no_affordable_unit":
        none_of = "the only dwelling is not" if one else f"none of the {some} is"
        cutoff = policy.availability_cutoff
        cheapest = min(u.monthly_cost for u in case.units if u.available_from <= cutoff)
        return f"{none_of} within your ceiling of {ceiling} (cheapest {_kr(cheapest)})"
    if rule == "benefit_restricted":
        uses = "it uses" if one else "all use"
        return (
            f"{some} within your ceiling of {ceiling}; {uses} combined letting, "
            "which excludes cash-benefit recipients"
        )
    if rule == "pet_not_allowed":
        allows = "it does not allow" if one else "none allows"
        return f"{some} within your ceiling of {ceiling}; {allows} {_PET_NAMES[youth.pet]}"
    if rule == "household_too_large":
        room = "it has no room" if one else "none has room"
        return f"{some} {fit} your rent and pet; {room} for {youth.household_size} persons"
    if rule == "not_accessible":
        accessible = "it is not accessible" if one else "none is accessible"
        return f"{some} {fit} your rent, pet and household; {accessible}"
    if rule == "age_outside_youth_band":
        lo, hi = policy.youth_dwelling_age
        age = youth.age_on(policy.run_date)
        what = "is a youth dwelling" if one else "are youth dwellings"
        return f"{the_ones} that {fit} otherwise {what} for ages {lo}–{hi}; you are {age}"
    where = "is in an area" if one else "are all in areas"
    return f"{the_ones} that {fit} otherwise {where} you must not be placed in"
