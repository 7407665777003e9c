"""KPI accounting of one replication: what happened, counted as it happens.

:class:`Accounts` is told of every youth seen (at the start or on arrival), housed, leaving by
other routes and every offer declined; :meth:`Accounts.record` takes the weekly series at the
end of each week and :meth:`Accounts.end_kpis` the end KPIs (``kpi.END_KPIS``). It draws no
random numbers and changes nothing in the world.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from solver.domain import Gender, Situation, SupportMethod, Youth
from solver.planning.kpi import DECLINE_REASONS, MONITORING, SITUATIONS, ReplicationResult
from solver.planning.world import Tenancy, World, YouthMeta

HOMELESS = frozenset({Situation.COUCH, Situation.SHELTER, Situation.STREET})
WITHIN_WEEKS = 13  # "share housed within 13 weeks" (a quarter)
# Outcome groups: gender and Greenlandic background (monitoring only, never used in matching
# [000:253-276]) and the housing situation at referral (a priority criterion).
OUTCOME_GROUPS = (*MONITORING, *SITUATIONS)


def groups_of(y: Youth) -> list[str]:
    """The outcome groups of a youth: gender and Greenlandic background where recorded, and
    the housing situation."""
    out = [y.situation.value]
    if y.gender is Gender.FEMALE:
        out.append("female")
    elif y.gender is Gender.MALE:
        out.append("male")
    if y.greenlandic is True:
        out.append("greenlandic")
    elif y.greenlandic is False:
        out.append("not_greenlandic")
    out.append(y.situation.value)
    return out


class Accounts:
    """The counts and series a replication reports."""

    def __init__(self, world: World, track: bool) -> None:
        self.world = world
        self.track = track
        self.started = time.perf_counter()
        self.engine_s = 0.0
        self.waits: list[float] = []
        self.group_seen: Counter[str] = Counter()
        self.group_housed: Counter[str] = Counter()
        self.group_waits: dict[str, list[float]] = {}
        self.arrival_dates: list[date] = []  # referral dates of youths arriving in the run
        self.arrival_waits: list[tuple[date, float]] = []  # (referred_on, wait) when housed
        self.declines: Counter[str] = Counter()
        self.offers = 0
        self.left = 0
        self.lost = 0
        self.group_lost: Counter[str] = Counter()
        self.weekly: dict[str, list[float]] = {}
        self.hindsight_bound: int | None = None  # set at the end (hindsight.HorizonRecorder)
        n_base = len(world.case.youths)
        self.last_week = [world.horizon - 1] * n_base  # tracked youths: housed or last waited
        self.housed_flag = [0] * n_base

    # ----------------------------------------------------------------- events

    def seen(self, y: Youth) -> None:
        for g in groups_of(y):
            self.group_seen[g] += 1

    def arrived(self, y: Youth) -> None:
        self.seen(y)
        self.arrival_dates.append(y.referred_on)

    def left_queue(self, m: YouthMeta, w: int) -> None:
        self.left += 1
        if m.tracked >= 0:
            self.last_week[m.tracked] = w - 1

    def tenancy_lost(self, t: Tenancy) -> None:
        self.lost += 1
        for g in groups_of(t.youth):
            self.group_lost[g] += 1

    def offered(self) -> None:
        self.offers += 1

    def declined(self, reason: str) -> None:
        self.declines[reason] += 1

    def housed(self, y: Youth, m: YouthMeta, w: int, run_date: date) -> None:
        wait = (run_date - y.referred_on).days / 7
        self.waits.append(wait)
        for g in groups_of(y):
            self.group_housed[g] += 1
            self.group_waits.setdefault(g, []).append(wait)
        if m.key[0] > 0:
            self.arrival_waits.append((y.referred_on, wait))
        if m.tracked >= 0:
            self.last_week[m.tracked] = w
            self.housed_flag[m.tracked] = 1

    # ----------------------------------------------------------------- series

    def record(
        self, w: int, housed: int, offers: int, declines: int, arrivals: int, vacancies: int
    ) -> None:
        """The weekly series, at the end of week ``w``."""
        world = self.world

        def util(method: SupportMethod) -> float:
            teams = [t for t in world.teams.values() if t.method is method]
            cap = sum(t.capacity(world.policy) for t in teams)
            return sum(t.caseload() for t in teams) / cap if cap else math.nan

        allowed = sum(q.allowed(world.policy.default_quota_rate) for q in world.quotas.values())
        claimed = sum(sum(q.claims) for q in world.quotas.values())
        row = {
            "queue": len(world.waiting),
            "housed": housed,
            "offers": offers,
            "declines": declines,
            "arrivals": arrivals,
            "vacancies": vacancies,
            "pool": len(world.pool),
            "icm_pending": len(world.icm_pending()),
            "cti_utilisation": util(SupportMethod.CTI),
            "act_utilisation": util(SupportMethod.ACT),
            "icm_utilisation": util(SupportMethod.ICM),
            "quota_use": min(claimed / allowed, 1.0) if allowed else math.nan,
        }
        for k, v in row.items():
            self.weekly.setdefault(k, []).append(float(v))

    def end_kpis(self) -> dict[str, float]:
        world = self.world

        def q(values: Sequence[float], p: float) -> float:
            return float(np.quantile(values, p)) if len(values) else math.nan

        def mean_of(name: str) -> float:
            x = [v for v in self.weekly[name] if not math.isnan(v)]
            return float(np.mean(x)) if x else math.nan

        # The 13-week cohort: youths referred during the run at least 13 weeks before its last
        # run, so that 13 weeks were seen for each; the share of them housed within 13 weeks.
        last = world.r0 + timedelta(weeks=world.horizon - 1)
        window = timedelta(weeks=WITHIN_WEEKS)
        cohort = sum(1 for d in self.arrival_dates if last - d >= window)
        quick = sum(1 for d, wt in self.arrival_waits if last - d >= window and wt <= WITHIN_WEEKS)
        end = {
            "housed": float(len(self.waits)),
            "wait_median_weeks": q(self.waits, 0.5),
            "wait_p90_weeks": q(self.waits, 0.9),
            "housed_within_13w_share": quick / cohort if cohort else math.nan,
            "queue_end": float(len(world.waiting)),
            "still_homeless_end": float(
                sum(1 for y in world.waiting.values() if y.situation in HOMELESS)
            ),
            "left_other_routes": float(self.left),
            "tenancies_lost": float(self.lost),
            "still_housed_at_horizon": float(len(world.tenancies)),
            "icm_pending_end": self.weekly["icm_pending"][-1],
            "offers": float(self.offers),
            "declines": float(sum(self.declines.values())),
            **{f"declines_{r}": float(self.declines[r]) for r in DECLINE_REASONS},
            "cti_utilisation": mean_of("cti_utilisation"),
            "act_utilisation": mean_of("act_utilisation"),
            "icm_utilisation": mean_of("icm_utilisation"),
            "quota_use": mean_of("quota_use"),
            **self._hindsight(),
        }
        still: Counter[str] = Counter(
            g for t in world.tenancies.values() for g in groups_of(t.youth)
        )
        for g in OUTCOME_GROUPS:
            seen = self.group_seen[g]
            housed = self.group_housed[g]
            end[f"housed_share_{g}"] = housed / seen if seen else math.nan
            end[f"wait_median_{g}"] = q(self.group_waits.get(g, []), 0.5)
            end[f"still_housed_share_{g}"] = still[g] / housed if housed else math.nan
        waiting = Counter(y.situation.value for y in world.waiting.values())
        for g in SITUATIONS:
            end[f"queue_end_{g}"] = float(waiting[g])
        return end

    def _hindsight(self) -> dict[str, float]:
        bound = self.hindsight_bound
        if bound is None:  # not recorded (expected waits)
            return {}
        housed = len(self.waits)
        return {
            "hindsight_bound": float(bound),
            "hindsight_share": housed / bound if bound else math.nan,
        }

    def result(self) -> ReplicationResult:
        """The replication's result, once every week has run."""
        end = self.end_kpis()
        waited = np.floor(np.array(self.waits, dtype=float)).astype(np.int64)
        hist = np.bincount(waited).tolist() if len(waited) else []
        return ReplicationResult(
            replication=self.world.rep,
            end=end,
            weekly=self.weekly,
            wait_hist=[int(x) for x in hist],
            engine_seconds=self.engine_s,
            total_seconds=time.perf_counter() - self.started,
            youth_last_week=self.last_week if self.track else None,
            youth_housed=self.housed_flag if self.track else None,
        )
