"""Eligible (youth, dwelling) pairs: every hard rule of :mod:`solver.engine.rules` applied to
the case's columns, the per-rule rejection counts, and the fit terms of each eligible pair.

The rules are stated twice, and the two statements are kept equal by the tests: as numpy
functions over whole columns in :mod:`solver.engine.rules` (the readable statement, used to check
one pair: :func:`rules_rejecting`), and as one compiled pass over every (youth, dwelling) pair
here (:func:`_pairs`, numba, cached on disk). The pass is what a week runs: the column
functions over 20,000 × 5,000 pairs build 18 boolean matrices of 100 million cells and count
each one (about 4 s on the benchmark machine); the pass visits each pair once and stops at the
first rule that rejects it (issue 15). No Python loop runs over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from numba import njit

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
    n_a = max(len(areas), 1)
    excluded = _area_matrix([y.excluded_areas for y in case.youths], code, n_a)
    preferred = _area_matrix([y.preferred_areas for y in case.youths], code, n_a)
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


def _area_matrix(lists: list[tuple[str, ...]], code: dict[str, int], n_areas: int) -> BoolArray:
    """``out[i, a]``: area ``a`` is in ``lists[i]`` (areas no dwelling is in are left out).

    Set in one assignment; each distinct list is coded once (a national week's 20,000 youths
    name 48 distinct lists of excluded areas)."""
    coded: dict[tuple[str, ...], list[int]] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, areas in enumerate(lists):
        codes = coded.get(areas)
        if codes is None:
            codes = coded[areas] = [code[a] for a in areas if a in code]
        if codes:
            rows.extend([i] * len(codes))
            cols.extend(codes)
    out = np.zeros((len(lists), n_areas), dtype=bool)
    out[np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)] = True
    return out


_N_RULES = len(RULE_ORDER)
ByteArray = npt.NDArray[np.uint8]


def _bytes(mask: BoolArray) -> ByteArray:
    """A boolean column as 0/1 bytes (no copy): the compiled pass combines them bitwise."""
    return np.ascontiguousarray(mask).view(np.uint8)


@njit(cache=True)
def _pairs(
    ceiling: IntArray,
    cash_benefit: ByteArray,
    pet: IntArray,
    household: IntArray,
    needs_accessible: ByteArray,
    birth_day: IntArray,
    deposit_limit: IntArray,
    excluded: ByteArray,
    blocked: ByteArray,
    cost: IntArray,
    restricted: ByteArray,
    pets: IntArray,
    rooms: IntArray,
    accessible: ByteArray,
    youth_dwelling: ByteArray,
    available_day: IntArray,
    area: IntArray,
    deposit: IntArray,
    young_after: IntArray,
    old_from: IntArray,
    available_cutoff: int,
    persons_per_room: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """Every rule of :data:`solver.engine.rules.RULES` on every pair, in ``RULE_ORDER``.

    Returns ``(counts, youth_idx, unit_idx)``: ``counts[k, i]`` the dwellings rule ``k`` rejects
    for youth ``i`` on its own, ``counts[n_rules + k, i]`` the dwellings left after rules
    ``0..k`` (the cascade); the pairs no rule rejects, youth by youth and in unit order, leaving
    out the ``blocked`` youths. Each ``r`` line below is the per-pair statement of the rule of
    the same name in :mod:`solver.engine.rules` (the tests hold the two equal).

    Speed: the loop over one youth's dwellings is branch-free (0/1 bytes, one accumulator per
    count), so the compiler vectorises it. ``area_excluded`` is a shift into the youth's
    excluded areas held as bits (a table look-up per dwelling would stop the vectorising): the
    dwellings are visited sorted by area, 64 area codes to a word. The eligible dwellings are
    then listed in unit order.
    """
    n_y, n_u = len(ceiling), len(cost)
    by_area = np.argsort(area, kind="mergesort")  # stable
    at = np.empty(n_u, dtype=np.int64)  # a dwelling's place in by_area
    at[by_area] = np.arange(n_u)
    n_words = (excluded.shape[1] + 63) // 64
    word_ptr = np.zeros(n_words + 1, dtype=np.int64)  # dwellings of area codes 64w .. 64w+63
    for j in range(n_u):
        word_ptr[area[j] // 64 + 1] += 1
    for w in range(n_words):
        word_ptr[w + 1] += word_ptr[w]
    bits = np.zeros((n_y, max(n_words, 1)), dtype=np.uint64)  # excluded areas as bit sets
    for i in range(n_y):
        for ar in range(excluded.shape[1]):
            if excluded[i, ar]:
                bits[i, ar // 64] |= np.uint64(1) << np.uint64(ar % 64)
    # The dwellings' columns in by_area order; rules 0 and 5 on the dwelling's side, once.
    late = (available_day[by_area] > available_cutoff).astype(np.uint8)
    cost_, deposit_, restricted_ = cost[by_area], deposit[by_area], restricted[by_area]
    pets_, room_for = pets[by_area], persons_per_room * rooms[by_area]
    accessible_, youth_ = accessible[by_area], youth_dwelling[by_area]
    young_, old_ = young_after[by_area], old_from[by_area]
    shift = (area[by_area] % 64).astype(np.uint64)

    counts = np.zeros((2 * _N_RULES, n_y), dtype=np.int64)
    size = max(n_y, 16)
    yi = np.empty(size, dtype=np.int64)
    ui = np.empty(size, dtype=np.int64)
    n = 0
    alive = np.empty(n_u, dtype=np.uint8)  # by_area order
    for i in range(n_y):
        c_i, d_i, cash, p_i = ceiling[i], deposit_limit[i], cash_benefit[i], pet[i]
        h_i, acc, born = household[i], needs_accessible[i], birth_day[i]
        j0 = j1 = j2 = j3 = j4 = j5 = j6 = j7 = j8 = np.int64(0)
        k0 = k1 = k2 = k3 = k4 = k5 = k6 = k7 = k8 = np.int64(0)
        for w in range(n_words):
            word, lo, hi = bits[i, w], word_ptr[w], word_ptr[w + 1]
            # An unsigned index: numba then omits its negative-index wrap-around, which
            # otherwise stops the vectorising (5× slower).
            for j in range(np.uint64(lo), np.uint64(hi)):
                r0 = late[j]  # not_available_in_time
                r1 = np.uint8(cost_[j] > c_i)  # no_affordable_unit
                r2 = np.uint8(deposit_[j] > d_i)  # deposit_too_high
                r3 = cash & restricted_[j]  # benefit_restricted
                r4 = np.uint8(p_i > pets_[j])  # pet_not_allowed
                r5 = np.uint8(h_i > room_for[j])  # household_too_large
                r6 = acc & (1 - accessible_[j])  # not_accessible
                r7 = youth_[j] & (  # age_outside_youth_band
                    np.uint8(born > young_[j]) | np.uint8(born <= old_[j])
                )
                j0 += r0
                j1 += r1
                j2 += r2
                j3 += r3
                j4 += r4
                j5 += r5
                j6 += r6
                j7 += r7
                r8 = np.uint8((word >> shift[j]) & np.uint64(1))  # area_excluded
                j8 += r8
                a = 1 - r0
                k0 += a
                a &= 1 - r1
                k1 += a
                a &= 1 - r2
                k2 += a
                a &= 1 - r3
                k3 += a
                a &= 1 - r4
                k4 += a
                a &= 1 - r5
                k5 += a
                a &= 1 - r6
                k6 += a
                a &= 1 - r7
                k7 += a
                a &= 1 - r8
                k8 += a
                alive[j] = a
        rejected = (j0, j1, j2, j3, j4, j5, j6, j7, j8)
        left = (k0, k1, k2, k3, k4, k5, k6, k7, k8)
        for k in range(_N_RULES):
            counts[k, i] = rejected[k]
            counts[_N_RULES + k, i] = left[k]
        found = int(k8)
        if blocked[i] or found == 0:
            continue
        if n + found > size:
            size = max(2 * size, n + found)
            yi = _grown(yi, size)
            ui = _grown(ui, size)
        yi[n : n + found] = i
        end = n + found
        j = 0
        while n < end:  # branch-free: write every dwelling, advance past the eligible ones
            ui[n] = j
            n += alive[at[j]]
            j += 1
    return counts, yi[:n].copy(), ui[:n].copy()


@njit(cache=True)
def _grown(a: IntArray, size: int) -> IntArray:
    out = np.empty(size, dtype=np.int64)
    out[: len(a)] = a
    return out


def compute_eligibility(case: Case) -> Eligibility:
    """Apply every hard rule to every (youth, dwelling) pair of the case.

    Returns the eligible pairs sorted by (youth, unit), each with its fit terms and weighted
    cost (``case.policy.weights``). A youth blocked at youth level (ICM without a team) has no
    pairs; its ``rejected`` and ``cascade`` counts are still computed over all dwellings.
    One compiled pass over the pairs (:func:`_pairs`); no pair matrix is held in memory.
    """
    ycols, ucols, ctx = columns(case)
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
    b = _bytes
    counts, youth_idx, unit_idx = _pairs(
        ycols.ceiling, b(ycols.cash_benefit), ycols.pet, ycols.household,
        b(ycols.needs_accessible), ycols.birth_day, ycols.deposit_limit, b(ycols.excluded),
        b(blocked != ""), ucols.cost, b(ucols.restricted), ucols.pets, ucols.rooms,
        b(ucols.accessible), b(ucols.youth_dwelling), ucols.available_day, ucols.area,
        ucols.deposit, ucols.young_after, ucols.old_from, ctx.available_cutoff,
        ctx.persons_per_room,
    )  # fmt: skip
    rejected = {r: counts[k] for k, r in enumerate(RULE_ORDER)}
    cascade = {r: counts[len(RULE_ORDER) + k] for k, r in enumerate(RULE_ORDER)}
    weights = np.array([getattr(case.policy.weights, t) for t in FIT_TERMS], dtype=np.int64)
    fit, cost = _fit_and_cost(ycols, ucols, case.policy.persons_per_room, weights, youth_idx,
                              unit_idx)  # fmt: skip
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
    return _fit_and_cost(y, u, persons_per_room, np.zeros(4, dtype=np.int64), yi, ui)[0]


FIT_TERMS = ("rent_share", "area", "availability", "size")  # FitWeights' fields, in order


def _fit_and_cost(
    y: YouthColumns, u: UnitColumns, persons_per_room: int, weights: IntArray, yi: IntArray,
    ui: IntArray,
) -> tuple[dict[str, IntArray], IntArray]:  # fmt: skip
    """:func:`fit_terms` and the cost weighted by ``weights`` (in :data:`FIT_TERMS` order) in
    one compiled pass over the pairs: a national week's 2.3M pairs took ~0.3 s as a dozen
    whole-array operations."""
    terms = _fit(yi, ui, u.cost, y.share_base, _bytes(y.has_preferred), _bytes(y.preferred),
                 u.area, u.available_day, y.need_day, u.rooms, y.household, persons_per_room,
                 weights)  # fmt: skip
    return dict(zip(FIT_TERMS, terms[:4], strict=True)), terms[4]


@njit(cache=True)
def _fit(
    yi: IntArray,
    ui: IntArray,
    cost: IntArray,
    share_base: IntArray,
    has_preferred: ByteArray,
    preferred: ByteArray,
    area: IntArray,
    available_day: IntArray,
    need_day: IntArray,
    rooms: IntArray,
    household: IntArray,
    persons_per_room: int,
    weights: IntArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Each pair's four fit terms (:func:`fit_terms`) and their weighted sum."""
    n = len(yi)
    rent, outside = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    late, surplus = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    total = np.empty(n, dtype=np.int64)
    for p in range(n):
        i, j = yi[p], ui[p]
        r = (cost[j] * 1000) // share_base[i]
        a = 1 if has_preferred[i] and not preferred[i, area[j]] else 0
        d = max(0, available_day[j] - need_day[i])
        s = max(0, rooms[j] - (-(-household[i] // persons_per_room)))
        rent[p], outside[p], late[p], surplus[p] = r, a, d, s
        total[p] = weights[0] * r + weights[1] * a + weights[2] * d + weights[3] * s
    return rent, outside, late, surplus, total


def rules_rejecting(case: Case, youth_index: int, unit_index: int) -> list[str]:
    """The hard rules that reject one youth for one dwelling, in ``RULE_ORDER`` (an allocator's
    pin or override is checked with the very rules of the run)."""
    ycols, ucols, ctx = columns(case)
    one = ycols.take(slice(youth_index, youth_index + 1))
    return [name for name, rule in RULES.items() if bool(rule(one, ucols, ctx)[0, unit_index])]
