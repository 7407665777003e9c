"""A youth's place in the queue, what excludes them, and the nearest miss.

Definition (documented for case workers): over a *pool* of dwellings — this week's vacancies and
those of the last 12 weeks, as a picture of what typically comes free — the youth's **position**
is 1 + the number of waiting youths of higher priority (``Policy.priority_key``) who are
eligible for at least one dwelling of the pool that this youth is eligible for. Position 1 means
nobody ahead competes for any dwelling the youth fits.

Besides the rules, capacity blocks are reported and not counted in the position: the youth's
CTI/ACT team having no free slot, support not being in place (ICM without a team), and the § 59
quota (almenboligloven § 59 stk. 3 [003:463]) having no claim left in the group of any dwelling
the youth fits (``quota_exhausted``: the run would say the same of them this week).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.domain import Case, Pet
from solver.engine.eligibility import columns, compute_eligibility
from solver.engine.priority import Standing, standing
from solver.engine.rules import RULES, Context, UnitColumns, YouthColumns
from solver.i18n.render import text


@dataclass(frozen=True)
class NearestMiss:
    """The pool dwelling failing the fewest rules for the youth (cheapest first)."""

    unit_ref: str
    monthly_cost: int  # rent + utilities, kr
    rules: tuple[str, ...]  # the rules it fails (RULE_ORDER codes)

    def text(self, lang: str = "en") -> str:
        return text("queue.nearest_miss", lang, ref=self.unit_ref, cost=self.monthly_cost,
                    rules=list(self.rules))  # fmt: skip


@dataclass(frozen=True)
class DwellingNeed:
    """What a dwelling would need to fit the youth: a cost within the ceiling, and as needed a
    pet rule, rooms and accessibility."""

    ceiling: int
    pet: str | None = None  # Pet label when the youth has one
    rooms: int | None = None  # when the household needs more than one room
    accessible: bool = False

    def text(self, lang: str = "en") -> str:
        parts = [
            text("queue.help.base", lang),
            text("queue.help.ceiling", lang, ceiling=self.ceiling),
        ]
        if self.pet is not None:
            parts.append(text("queue.help.pet", lang, pet=self.pet))
        if self.rooms is not None:
            parts.append(text("queue.help.rooms", lang, rooms=self.rooms))
        if self.accessible:
            parts.append(text("queue.help.accessible", lang))
        return " ".join(parts)


@dataclass(frozen=True)
class QueueInfo:
    youth_ref: str
    position: int  # 1 = nobody ahead competes for the youth's dwellings
    ahead: int  # higher-priority waiting youths competing (position - 1)
    eligible_dwellings: int
    pool_size: int
    excluded_by_rule: dict[str, int] = field(default_factory=dict)
    blocks: tuple[str, ...] = ()
    nearest_miss: NearestMiss | None = None
    what_would_help: DwellingNeed | None = None


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
        # Dwellings in a quota group with no claim left this run (a dwelling outside every
        # group has no limit), as ``solver.engine.build`` makes the groups.
        full = {key for key, q in case.quota_by_key().items()
                if q.remaining(case.policy.default_quota_rate) == 0}  # fmt: skip
        self.quota_full = np.array(
            [(u.organisation, u.dwelling_type) in full for u in case.units], dtype=bool
        )

    def standing(self, youth_ref: str) -> list[Standing]:
        """Where the youth stands on each criterion of the policy's priority scheme."""
        return standing(self.case.policy, self.case.youths[self.index[youth_ref]])

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
        # A full team blocks a youth who waits (an offered youth's own offer holds their slot).
        if self.waiting[i] and team is not None and case.policy.free_slots(team) == 0:
            blocks.append("support_capacity")
        if self.waiting[i] and mine.any() and self.quota_full[mine].all():
            blocks.append("quota_exhausted")
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


def _nearest_miss(
    case: Case, i: int, cols: tuple[YouthColumns, UnitColumns, Context]
) -> tuple[NearestMiss | None, DwellingNeed | None]:
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
    best = int(np.lexsort((ucols.cost, count))[0])
    unit = case.units[best]
    miss = NearestMiss(
        unit.ref, unit.monthly_cost, tuple(name for name, mask in fails.items() if mask[best])
    )
    youth = case.youths[i]
    per_room = case.policy.persons_per_room
    need = DwellingNeed(
        ceiling=case.policy.ceiling_for(youth),
        pet=youth.pet.label if youth.pet is not Pet.NONE else None,
        rooms=-(-youth.household_size // per_room) if youth.household_size > per_room else None,
        accessible=youth.needs_accessible,
    )
    return miss, need
