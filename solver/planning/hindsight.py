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
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from solver.domain import Case, Policy, Unit, Youth


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
        p = np.unique(np.asarray(self.pairs, dtype=np.int64).reshape(-1, 2), axis=0)
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
    from solver.engine.eligibility import CHUNK, columns, years_before
    from solver.engine.rules import RULES

    if not youths or not units:
        return np.zeros((0, 2), dtype=np.int64)
    case = Case(youths=tuple(youths), units=tuple(units), teams=(), quotas=(), policy=policy)
    ycols, ucols, ctx = columns(case)
    moving = ("not_available_in_time", "age_outside_youth_band")
    yw = np.asarray(youth_weeks, dtype=np.int64).reshape(-1, 2)
    dw = np.asarray(dwelling_weeks, dtype=np.int64).reshape(-1, 2)
    parts: list[npt.NDArray[np.int64]] = []
    for start in range(0, len(youths), CHUNK):
        rows = slice(start, min(start + CHUNK, len(youths)))
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
