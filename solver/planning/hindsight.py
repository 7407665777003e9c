"""The hindsight bound: the most youths a horizon could have housed, knowing it all in advance.

A replication's **record** (:class:`Horizon`) lists what no allocation policy changes: every
youth with the weeks they wait (arrival to leaving by other routes), every dwelling with the
weeks it could be let (reported and available in time, to its expiry), the pairs that are
eligible in some week both are there, and the **resources** that intakes hold — a CTI team's
places (held for the course, :attr:`Resource.span` weeks) and a § 59 quota group's allocation
right (a claim is held for the ledger's counting window). :func:`hindsight_bound` returns the
value of an exact maximum flow (OR-Tools ``SimpleMaxFlow``) over the network

    source ─▶ resource of the youth (capacity B_r) ─▶ youth (1) ─▶ dwelling (1, eligible pairs
    whose weeks overlap) ─▶ resource of the dwelling (B_r) ─▶ sink

(a youth without a limited team, a dwelling outside every quota group: straight from the source
or to the sink). It is an **upper bound** on the youths housed by any policy in that world — the
engine, greedy, any weekly or less frequent matching — and equals the brute-force optimum of the
same relaxation (``tests/planning/test_hindsight.py``); when no resource binds it is the exact
offline optimum of the time-expanded pool, since a pair whose weeks overlap can be matched in any
week of the overlap independently of all other pairs.

**Proof that it bounds every policy.** Take the youths a policy houses, each with the dwelling and
week of the move-in. (i) Each youth and each dwelling appears once, in a week both wait, and the
pair was eligible that week: it is an arc. (ii) For a resource ``r`` and a block ``B`` of
consecutive weeks of length at most ``span``, let ``w*`` be the last week of ``B`` with an intake
on ``r``. Every intake of ``B`` before ``w*`` is still held at ``w*`` (held ``span`` weeks), and so
are ``held[w*]`` intakes from before the horizon; the week's check (engine: ``free slots =
capacity − caseload``; ``remaining = ⌊rate × reports⌋ − claims`` in the window) allowed the
intakes of ``w*`` only within ``cap[w*]`` less all that. So intakes(B) ≤ ``cap[w*] − held[w*]``
≤ ``max cap over B − held[last week of B]`` (``held`` never rises: it only loses pre-horizon
intakes). Summing over the blocks ``[0, span), [span, 2·span), …`` gives the resource's bound
``B_r`` (:func:`resource_bound`). So the housed set is a flow of the network and the maximum
flow is at least as large. ∎

The bound is only as tight as the record's eligibility: the simulation records each youth as it
arrived (before the allocator learns of a dog, an area or a rent it declines), the union over the
weeks' policies, and treats an ICM youth as if visitation had come; all of these only add arcs,
so the bound stays an upper bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import numpy.typing as npt

from solver.domain import Case, DwellingType, Policy, Unit, Youth

if TYPE_CHECKING:
    from solver.planning.world import World

T = TypeVar("T")

# Youths per block of the rule masks (memory: a block × all units of booleans at a time).
_CHUNK = 2000


@dataclass(frozen=True)
class Resource:
    """A capacity that each intake holds for ``span`` weeks.

    ``cap[w]``: the most it may hold in week ``w`` (a team's workers × caseload cap; a quota
    group's ⌊rate × reports in the window⌋); ``held[w]``: held in week ``w`` by intakes from
    before the horizon (running courses, claims still in the window), never rising.
    """

    name: str
    span: int
    cap: tuple[int, ...]
    held: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.span < 1:
            raise ValueError(f"Resource {self.name!r}: span must be at least 1 week.")
        if len(self.cap) != len(self.held):
            raise ValueError(f"Resource {self.name!r}: cap and held cover different weeks.")
        if any(b > a for a, b in zip(self.held, self.held[1:], strict=False)):
            raise ValueError(f"Resource {self.name!r}: held must never rise.")


def resource_bound(res: Resource) -> int:
    """The most intakes ``res`` allows over its weeks (see the module's proof)."""
    total, weeks = 0, len(res.cap)
    for start in range(0, weeks, res.span):
        stop = min(start + res.span, weeks)
        total += max(0, max(res.cap[start:stop]) - res.held[stop - 1])
    return total


@dataclass(frozen=True)
class Horizon:
    """The record of one replication's horizon (indices into its own youth and dwelling lists).

    ``youth_weeks[i]`` / ``dwelling_weeks[j]``: the first and last week (inclusive) youth ``i``
    waits / dwelling ``j`` can be let; ``pairs``: eligible (youth, dwelling) pairs, an ``(n, 2)``
    array; ``youth_resource[i]`` / ``dwelling_resource[j]``: index into ``resources`` or −1.
    """

    weeks: int
    youth_weeks: Sequence[tuple[int, int]]
    dwelling_weeks: Sequence[tuple[int, int]]
    pairs: npt.NDArray[np.int64]
    youth_resource: Sequence[int] = ()
    dwelling_resource: Sequence[int] = ()
    resources: Sequence[Resource] = field(default_factory=tuple)

    def usable_pairs(self) -> npt.NDArray[np.int64]:
        """The eligible pairs whose weeks overlap (each once)."""
        if len(self.pairs) == 0:
            return np.zeros((0, 2), dtype=np.int64)
        raw = np.asarray(self.pairs, dtype=np.int64).reshape(-1, 2)
        n_d = max(len(self.dwelling_weeks), 1)
        key = np.unique(raw[:, 0] * n_d + raw[:, 1])  # each pair once (1-D: a fast sort)
        p = np.stack([key // n_d, key % n_d], axis=1)
        yw = np.asarray(self.youth_weeks, dtype=np.int64).reshape(-1, 2)
        dw = np.asarray(self.dwelling_weeks, dtype=np.int64).reshape(-1, 2)
        first = np.maximum(yw[p[:, 0], 0], dw[p[:, 1], 0])
        last = np.minimum(yw[p[:, 0], 1], dw[p[:, 1], 1])
        return p[first <= last]


def hindsight_bound(h: Horizon) -> int:
    """The maximum flow of the horizon's network: an upper bound on the youths any policy houses."""
    from ortools.graph.python import max_flow

    n_y, n_d, n_r = len(h.youth_weeks), len(h.dwelling_weeks), len(h.resources)
    y_res = list(h.youth_resource) or [-1] * n_y
    d_res = list(h.dwelling_resource) or [-1] * n_d
    if len(y_res) != n_y or len(d_res) != n_d:
        raise ValueError(
            "youth_resource / dwelling_resource must have one entry per youth / dwelling."
        )
    if {r for r in y_res if r >= 0} & {r for r in d_res if r >= 0}:
        raise ValueError("A resource is on both the youth and the dwelling side.")
    pairs = h.usable_pairs()
    if len(pairs) == 0:
        return 0
    source, sink = 0, 1
    # Nodes: 2 .. 2+n_r-1 resources on the youth side, then the same on the dwelling side,
    # then youths, then dwellings.
    r_in = 2
    r_out = r_in + n_r
    y0 = r_out + n_r
    d0 = y0 + n_y
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []

    def arc(t: int, hd: int, c: int) -> None:
        tails.append(t)
        heads.append(hd)
        caps.append(c)

    bounds = [resource_bound(r) for r in h.resources]
    used_y = set(pairs[:, 0].tolist())
    used_d = set(pairs[:, 1].tolist())
    for k, b in enumerate(bounds):
        arc(source, r_in + k, b)
        arc(r_out + k, sink, b)
    for i in used_y:
        arc(source if y_res[i] < 0 else r_in + y_res[i], y0 + i, 1)
    for j in used_d:
        arc(d0 + j, sink if d_res[j] < 0 else r_out + d_res[j], 1)
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
    )
    mf.add_arcs_with_capacity(
        (pairs[:, 0] + y0).astype(np.int32),
        (pairs[:, 1] + d0).astype(np.int32),
        np.ones(len(pairs), dtype=np.int64),
    )
    status = mf.solve(source, sink)
    if status != mf.OPTIMAL:
        raise RuntimeError(f"Max flow failed: {status}")
    return int(mf.optimal_flow())


def eligible_pairs(
    youths: Sequence[Youth],
    units: Sequence[Unit],
    policy: Policy,
    youth_weeks: Sequence[tuple[int, int]],
    dwelling_weeks: Sequence[tuple[int, int]],
) -> npt.NDArray[np.int64]:
    """The (youth, dwelling) pairs eligible in some week both are there, under ``policy``.

    Week ``w`` is the run of ``policy.run_date + 7 w`` days. Every hard rule of
    ``solver.engine.rules`` applies as the engine applies it, except two that move with the run
    date: "available in time" is the caller's (a dwelling's first week is the first run it is
    available in time), and the youth-dwelling age band is met in some week of the overlap
    exactly when the youth is not too old at the move-in of its first week and not too young at
    that of its last (age only grows). A youth blocked at youth level (ICM before visitation) is
    not blocked here: the bound assumes visitation in time.
    """
    from solver.engine.eligibility import columns, years_before
    from solver.engine.rules import RULES

    if not youths or not units:
        return np.zeros((0, 2), dtype=np.int64)
    case = Case(youths=tuple(youths), units=tuple(units), teams=(), quotas=(), policy=policy)
    ycols, ucols, ctx = columns(case)
    moving = ("not_available_in_time", "age_outside_youth_band")
    yw = np.asarray(youth_weeks, dtype=np.int64).reshape(-1, 2)
    dw = np.asarray(dwelling_weeks, dtype=np.int64).reshape(-1, 2)
    parts: list[npt.NDArray[np.int64]] = []
    for start in range(0, len(youths), _CHUNK):
        rows = slice(start, min(start + _CHUNK, len(youths)))
        chunk = ycols.take(rows)
        alive = np.ones((rows.stop - rows.start, len(units)), dtype=bool)
        for name, rule in RULES.items():
            if name not in moving:
                alive &= ~rule(chunk, ucols, ctx)
        yi, ui = np.nonzero(alive)
        parts.append(np.stack([yi.astype(np.int64) + start, ui.astype(np.int64)], axis=1))
    p = np.concatenate(parts)
    first = np.maximum(yw[p[:, 0], 0], dw[p[:, 1], 0])
    last = np.minimum(yw[p[:, 0], 1], dw[p[:, 1], 1])
    p, first, last = p[first <= last], first[first <= last], last[first <= last]
    lo, hi = policy.youth_dwelling_age
    r0 = policy.run_date.toordinal()
    avail = ucols.available_day[p[:, 1]]
    born = ycols.birth_day[p[:, 0]]
    youth_dw = ucols.youth_dwelling[p[:, 1]]

    def before(days: npt.NDArray[np.int64], years: int) -> npt.NDArray[np.int64]:
        uniq, inv = np.unique(days, return_inverse=True)
        cut = [years_before(date.fromordinal(int(d)), years).toordinal() for d in uniq.tolist()]
        return np.asarray(cut, dtype=np.int64)[inv.reshape(-1)]

    move_first = np.maximum(r0 + 7 * first, avail)
    move_last = np.maximum(r0 + 7 * last, avail)
    too_old = born <= before(move_first, hi + 1)
    too_young = born > before(move_last, lo)
    return p[~(youth_dw & (too_old | too_young))]


# --------------------------------------------------------------------------- the record


class HorizonRecorder:
    """Writes a replication's :class:`Horizon` while it runs (:meth:`observe` before each week's
    matching, :meth:`bound` at the end).

    It reads the world and never changes it. A youth is recorded as first seen (before the
    allocator learns anything from its declines) and waits, as far as the bound knows, from that
    week until the lifetime drawn on entry ends — whether or not the policy houses it sooner; a
    youth who comes back to the queue later (a lost tenancy) is a new entry. A dwelling is
    recorded when reported; it can be let from the first week it is available in time until it
    goes stale. When changes start, everyone still in the world is recorded again as changed and
    the eligible pairs are the union over these regimes, each under its own policy. CTI teams
    (held for the course) and quota ledgers (held for the counting window) are the resources;
    ACT places are counted week by week (their cases end at random, depending on the caseload the
    policy built), ICM places not at all (ICM starts at visitation, before housing).
    """

    def __init__(self, world: World) -> None:
        from solver.domain import SupportMethod

        self.world = world
        self.horizon = world.horizon
        self.current: dict[str, int] = {}  # youths in the queue last week → entry index
        self.youths: list[list[tuple[int, Youth]]] = []  # per entry: (from week, version)
        self.youth_weeks: list[tuple[int, int]] = []
        self.youth_team: list[str | None] = []
        self.units: dict[str, int] = {}
        self.unit_versions: list[list[tuple[int, Unit]]] = []
        self.unit_weeks: list[tuple[int, int]] = []
        self.regimes: list[tuple[int, Policy]] = []
        self.team_cap: dict[str, list[int]] = {}
        self.quota_cap: dict[tuple[str, DwellingType], list[int]] = {}
        window = world.cal.quota_window_weeks
        self.quota_held = {
            key: [sum(spread_[w:]) if w < window else 0 for w in range(self.horizon)]
            for key, spread_ in ((k, list(q.claims)) for k, q in world.quotas.items())
        }
        self.cti_held = {
            t.name: [sum(1 for e in t.ends if e > w) for w in range(self.horizon)]
            for t in world.teams.values()
            if t.method is SupportMethod.CTI
        }
        self.limited = {
            t.name: t.method
            for t in world.teams.values()
            if t.method in (SupportMethod.CTI, SupportMethod.ACT)
        }

    def observe(self, w: int) -> None:
        """The world as this week's matching sees it (after arrivals, vacancies and changes)."""
        world = self.world
        new_regime = not self.regimes or w in world.changes_at
        if new_regime:
            self.regimes.append((w, world.policy))
        for ref, y in world.waiting.items():
            k = self.current.get(ref)
            if k is None:
                k = len(self.youths)
                self.youths.append([(w, y)])
                leave = world.meta[ref].leave
                self.youth_weeks.append((w, min(leave - 1, self.horizon - 1)))
                self.youth_team.append(y.support_team)
            elif new_regime and self.youths[k][-1][1] != y:
                self.youths[k].append((w, y))
            self.current[ref] = k
        self.current = {r: k for r, k in self.current.items() if r in world.waiting}
        policy = world.policy
        r0 = world.r0
        expiry = timedelta(weeks=world.cal.unit_expiry_weeks)
        for ref, u in world.pool.items():
            j = self.units.get(ref)
            if j is None:
                self.units[ref] = len(self.unit_versions)
                self.unit_versions.append([(w, u)])
                ahead = timedelta(days=policy.availability_horizon_days)
                first = w
                while (
                    first < self.horizon and r0 + timedelta(weeks=first) + ahead < u.available_from
                ):
                    first += 1
                last = w
                while last + 1 < self.horizon and u.available_from + expiry >= r0 + timedelta(
                    weeks=last + 1
                ):
                    last += 1
                self.unit_weeks.append((first, last))
            elif new_regime and self.unit_versions[j][-1][1] != u:
                self.unit_versions[j].append((w, u))
        for t in world.teams.values():
            if t.name in self.limited:
                self.team_cap.setdefault(t.name, []).append(t.capacity(policy))
        for key, q in world.quotas.items():
            self.quota_cap.setdefault(key, []).append(q.allowed(policy.default_quota_rate))

    def horizon_record(self) -> Horizon:
        """The record of the weeks observed."""
        from solver.domain import SupportMethod

        weeks = max((len(v) for v in (*self.team_cap.values(), *self.quota_cap.values())),
                    default=self.horizon)  # fmt: skip
        pairs: list[npt.NDArray[np.int64]] = []
        starts = [s for s, _ in self.regimes]
        for r, (start, policy) in enumerate(self.regimes):
            stop = starts[r + 1] - 1 if r + 1 < len(starts) else self.horizon - 1
            ys, yw, yk = self._versions(self.youths, self.youth_weeks, start, stop)
            us, uw, uk = self._versions(self.unit_versions, self.unit_weeks, start, stop)
            p = eligible_pairs(ys, us, replace(policy, run_date=self.world.r0), yw, uw)
            if len(p):
                pairs.append(np.stack([np.asarray(yk)[p[:, 0]], np.asarray(uk)[p[:, 1]]], axis=1))
        resources: list[Resource] = []
        team_index: dict[str, int] = {}
        for name, method in self.limited.items():
            cap = tuple(self.team_cap.get(name, ()))
            if method is SupportMethod.CTI:
                held = tuple(self.cti_held[name][: len(cap)])
                span = self.world.cal.cti_course_weeks
            else:
                held, span = (0,) * len(cap), 1
            team_index[name] = len(resources)
            resources.append(Resource(f"team:{name}", max(1, span), cap, held))
        quota_index: dict[tuple[str, DwellingType], int] = {}
        for key, cap_list in self.quota_cap.items():
            quota_index[key] = len(resources)
            held = tuple(self.quota_held[key][: len(cap_list)])
            span = self.world.cal.quota_window_weeks
            resources.append(Resource(f"quota:{key[0]}", max(1, span), tuple(cap_list), held))
        return Horizon(
            weeks=weeks,
            youth_weeks=self.youth_weeks,
            dwelling_weeks=self.unit_weeks,
            pairs=np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64),
            youth_resource=[team_index.get(t or "", -1) for t in self.youth_team],
            dwelling_resource=[
                quota_index.get((v[0][1].organisation, v[0][1].dwelling_type), -1)
                for v in self.unit_versions
            ],
            resources=resources,
        )

    @staticmethod
    def _versions(
        versions: list[list[tuple[int, T]]], windows: list[tuple[int, int]], start: int, stop: int
    ) -> tuple[list[T], list[tuple[int, int]], list[int]]:
        """Entries alive in weeks [start, stop], each as it was then, its window clipped."""
        objs: list[T] = []
        wins: list[tuple[int, int]] = []
        keys: list[int] = []
        for k, (vs, (a, b)) in enumerate(zip(versions, windows, strict=True)):
            lo, hi = max(a, start), min(b, stop)
            if lo > hi:
                continue
            obj = vs[0][1]
            for since, v in vs:
                if since <= max(start, vs[0][0]):
                    obj = v
            objs.append(obj)
            wins.append((lo, hi))
            keys.append(k)
        return objs, wins, keys

    def bound(self) -> int:
        """The hindsight bound of the weeks observed (:func:`hindsight_bound`)."""
        return hindsight_bound(self.horizon_record())
