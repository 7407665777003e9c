"""Eligible (youth, dwelling) pairs: every hard rule of :mod:`solver.engine.rules` applied to
the case's columns, the per-rule rejection counts, and the fit terms of each eligible pair.

Youths are processed in chunks so memory stays bounded (20,000 × 5,000 pairs at 2,000 youths a
chunk). No Python loop runs over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from solver.domain import Case, DwellingType, IncomeType, SupportMethod
from solver.engine.rules import (
    RULE_ORDER,
    RULES,
    BoolArray,
    Context,
    IntArray,
    UnitColumns,
    YouthColumns,
)

FIT_TERMS = ("rent_share", "area", "availability", "size")
NO_LIMIT = np.iinfo(np.int64).max


def years_before(day: date, years: int) -> date:
    """The latest birth date of someone at least ``years`` old on ``day`` (a 29 February that
    does not exist that year counts as the 28th): ``age_on(day) >= years ⟺ birth <= this``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


CHUNK = 2000


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
    moving_in = [max(policy.run_date, u.available_from) for u in case.units]
    lo, hi = policy.youth_dwelling_age
    ycols = YouthColumns(
        ceiling=ceiling,
        cash_benefit=np.array(
            [y.income_type is IncomeType.CASH_BENEFIT for y in case.youths], dtype=bool
        ),
        pet=np.array([int(y.pet) for y in case.youths], dtype=np.int64),
        household=np.array([y.household_size for y in case.youths], dtype=np.int64),
        needs_accessible=np.array([y.needs_accessible for y in case.youths], dtype=bool),
        birth_day=np.array([y.birth_date.toordinal() for y in case.youths], dtype=np.int64),
        deposit_limit=np.array(
            [policy.deposit_ceiling.get(y.income_type, NO_LIMIT) for y in case.youths],
            dtype=np.int64,
        ),
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
        deposit=np.array([u.deposit or 0 for u in case.units], dtype=np.int64),
        young_after=np.array([years_before(d, lo).toordinal() for d in moving_in], dtype=np.int64),
        old_from=np.array([years_before(d, hi + 1).toordinal() for d in moving_in], dtype=np.int64),
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


def rules_rejecting(case: Case, youth_index: int, unit_index: int) -> list[str]:
    """The hard rules that reject one youth for one dwelling, in ``RULE_ORDER`` (an allocator's
    pin or override is checked with the very rules of the run)."""
    ycols, ucols, ctx = columns(case)
    one = ycols.take(slice(youth_index, youth_index + 1))
    return [name for name, rule in RULES.items() if bool(rule(one, ucols, ctx)[0, unit_index])]
