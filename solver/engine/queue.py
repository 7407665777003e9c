"""A youth's place in the queue, what excludes them, and the nearest miss.

Definition (documented for case workers): over a *pool* of dwellings — this week's vacancies and
those of the last 12 weeks, as a picture of what typically comes free — the youth's **position**
is 1 + the number of waiting youths of higher priority (``Policy.priority_key``) who are
eligible for at least one dwelling of the pool that this youth is eligible for. Position 1 means
nobody ahead competes for any dwelling the youth fits.

Besides the rules, two capacity blocks are reported and not counted in the position: the youth's
CTI/ACT team having no free slot, and support not being in place (ICM without a team).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.domain import Case, Pet
from solver.engine.eligibility import (
    RULES,
    Context,
    UnitColumns,
    YouthColumns,
    columns,
    compute_eligibility,
)


@dataclass(frozen=True)
class QueueInfo:
    youth_ref: str
    position: int  # 1 = nobody ahead competes for the youth's dwellings
    ahead: int  # higher-priority waiting youths competing (position - 1)
    eligible_dwellings: int
    pool_size: int
    excluded_by_rule: dict[str, int] = field(default_factory=dict)
    blocks: tuple[str, ...] = ()
    nearest_miss: str | None = None
    what_would_help: str | None = None


class QueueModel:
    """Everything the queue needs about one pool, computed once; ``info(ref)`` per youth.

    ``waiting`` marks the youths who count as competitors (default: all of ``case.youths``).
    """

    def __init__(self, case: Case, waiting: np.ndarray | None = None) -> None:
        self.case = case
        self.elig = compute_eligibility(case)
        self.index = {y.ref: i for i, y in enumerate(case.youths)}
        keys = [case.policy.priority_key(y) for y in case.youths]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self.rank = np.empty(len(keys), dtype=np.int64)
        self.rank[order] = np.arange(len(keys))
        n = len(case.youths)
        self.waiting = np.ones(n, dtype=bool) if waiting is None else waiting
        self.starts = np.searchsorted(self.elig.youth_idx, np.arange(n + 1))
        self.teams = case.team_by_name()
        self.columns = columns(case)

    def info(self, youth_ref: str) -> QueueInfo:
        i = self.index[youth_ref]
        elig, case = self.elig, self.case
        mine = np.zeros(len(case.units), dtype=bool)
        mine[elig.unit_idx[self.starts[i] : self.starts[i + 1]]] = True
        higher = (self.rank < self.rank[i]) & self.waiting
        hits = mine[elig.unit_idx] & higher[elig.youth_idx]
        ahead = len(np.unique(elig.youth_idx[hits]))
        blocks: list[str] = []
        youth = case.youths[i]
        if elig.youth_blocked[i]:
            blocks.append(str(elig.youth_blocked[i]))
        team = self.teams.get(youth.support_team or "")
        if team is not None and case.policy.free_slots(team) == 0:
            blocks.append("support_capacity")
        miss, helps = _nearest_miss(case, i, self.columns)
        return QueueInfo(
            youth_ref=youth_ref,
            position=ahead + 1,
            ahead=ahead,
            eligible_dwellings=int(mine.sum()),
            pool_size=len(case.units),
            excluded_by_rule={r: int(v[i]) for r, v in elig.rejected.items() if v[i]},
            blocks=tuple(blocks),
            nearest_miss=miss,
            what_would_help=helps,
        )


def queue_info(case: Case, youth_ref: str) -> QueueInfo:
    """Queue position of ``youth_ref`` among ``case.youths`` (all waiting) over ``case.units``
    (the pool)."""
    return QueueModel(case).info(youth_ref)


_PET = {Pet.CAT: "a cat", Pet.SMALL_DOG: "a small dog", Pet.LARGE_DOG: "a large dog"}


def _nearest_miss(
    case: Case, i: int, cols: tuple[YouthColumns, UnitColumns, Context]
) -> tuple[str | None, str | None]:
    """The pool dwelling failing the fewest rules for youth ``i`` (cheapest first), and what a
    dwelling would need to fit."""
    if not case.units:
        return None, None
    ycols, ucols, ctx = cols
    one = ycols.take(slice(i, i + 1))
    fails = {name: rule(one, ucols, ctx)[0] for name, rule in RULES.items()}
    count = np.sum(list(fails.values()), axis=0)
    if count.min() == 0:
        return None, None
    order = np.lexsort((ucols.cost, count))
    best = int(order[0])
    failed = [name for name, mask in fails.items() if mask[best]]
    unit = case.units[best]
    ceiling = case.policy.ceiling_for(case.youths[i])
    miss = f"{unit.ref} ({unit.monthly_cost:,} kr) fails: {', '.join(failed)}"
    youth = case.youths[i]
    needs = [f"at ≤ {ceiling:,} kr"]
    if youth.pet is not Pet.NONE:
        needs.append(f"that allows {_PET[youth.pet]}")
    if youth.household_size > case.policy.persons_per_room:
        rooms = -(-youth.household_size // case.policy.persons_per_room)
        needs.append(f"with {rooms} rooms")
    if youth.needs_accessible:
        needs.append("that is accessible")
    return miss, "a dwelling " + " ".join(needs)
