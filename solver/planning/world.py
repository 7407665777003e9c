"""The simulated world of one replication: what is there, not what happens to it.

:class:`World` holds the waiting youths (with what the simulation knows of them beyond the case
format, :class:`YouthMeta`), the pool of vacant dwellings and the templates new ones are drawn
from, the support teams (:class:`Team`), the quota ledgers (:class:`Quota`), the policy in force
and the rates. It draws no random numbers itself but hands out the keyed generators
(:meth:`World.rng`): every random process has its own stream keyed by (stream, week, youth or
team), so a scenario and its baseline see the same draws wherever a change does not touch them.

What happens each week lives elsewhere: the random processes in :mod:`.processes`, the effect of
each scenario change in :mod:`.changes`, the decline model in :mod:`.declines`, the KPIs in
:mod:`.accounting`, and the week itself in :mod:`.simulate`.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction

import numpy as np

from solver.domain import (
    Case,
    DwellingType,
    Gender,
    Pet,
    Policy,
    QuotaGroup,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)
from solver.planning.scenario import AddDwellings, Calibration, Change, ScenarioSpec

# Stream ids of the keyed generators (see World.rng). Never renumber: the numbers are the seeds.
ARRIVALS, VACANCIES, OFFERS, TEAMS, BASE, ADDED, REPORTS, LOSSES = range(1, 9)


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class Rates:
    """The rates a simulation runs with: derived from the base case unless overridden."""

    arrivals_per_week: float
    vacancies_per_week: float
    arrivals_source: str
    vacancies_source: str


def calibrate(case: Case, calibration: Calibration | None = None) -> Rates:
    """Arrival and vacancy rates of the base case.

    - **Arrivals**: referrals in the 52 weeks before the run date ÷ 52 (at least five of them;
      otherwise all waiting youths ÷ the weeks since the earliest referral). Only youths still
      waiting are seen, so this is a lower bound on the true referral rate.
    - **Vacancies**: the base case's dwellings become available over ``D`` days
      (``available_from − run_date``); they are read as ``D/7`` weeks of vacancies, so the rate
      is ``n_units × 7 / D`` (at least one week), drawn per base dwelling as a template: the
      mix of organisations, types, rents and pet rules follows the base.
    """
    cal = calibration or Calibration()
    rd = case.policy.run_date
    if cal.arrivals_per_week is not None:
        arrivals, a_src = cal.arrivals_per_week, "scenario file"
    else:
        recent = sum(1 for y in case.youths if 0 <= (rd - y.referred_on).days < 364)
        if recent >= 5:
            arrivals, a_src = recent / 52, f"{recent} referrals in the last 52 weeks"
        elif case.youths:
            first = min(y.referred_on for y in case.youths)
            weeks = max(1.0, (rd - first).days / 7)
            arrivals = len(case.youths) / weeks
            a_src = f"{len(case.youths)} waiting youths over {weeks:.0f} weeks"
        else:
            arrivals, a_src = 0.0, "no youths in the base case"
    if cal.vacancies_per_week is not None:
        vacancies, v_src = cal.vacancies_per_week, "scenario file"
    elif case.units:
        span = max(max((u.available_from - rd).days for u in case.units) + 1, 7)
        vacancies = len(case.units) * 7 / span
        v_src = f"{len(case.units)} dwellings available over {span} days"
    else:
        vacancies, v_src = 0.0, "no dwellings in the base case"
    return Rates(arrivals, vacancies, a_src, v_src)


# --------------------------------------------------------------------------- parts


class YouthMeta:
    """What the simulation knows of a waiting youth beyond the case format."""

    __slots__ = ("dog", "gender", "greenlandic", "home_team", "key", "leave", "paused", "tracked")

    def __init__(
        self,
        key: tuple[int, int],
        leave: int,
        dog: Pet,
        home_team: str | None,
        gender: Gender | None,
        greenlandic: bool | None,
        tracked: int,
    ) -> None:
        self.key = key  # (week of arrival, number): base youths are (0, index)
        self.leave = leave  # the week they leave by other routes
        self.dog = dog  # an unrecorded dog (Pet.NONE: none)
        self.home_team = home_team  # the ICM team a pending youth would like
        self.gender = gender
        self.greenlandic = greenlandic
        self.paused = -1  # not in runs up to and including this week
        self.tracked = tracked  # index in the base case, or -1


class Team:
    """A support team: workers, cap and caseload (CTI: the week each running course ends)."""

    __slots__ = ("cap", "count", "ends", "index", "method", "name", "workers")

    def __init__(self, index: int, team: SupportTeam) -> None:
        self.index = index
        self.name = team.team
        self.method = team.method
        self.workers = team.workers
        self.cap = team.caseload_cap
        self.count = team.current_caseload  # ICM/ACT caseload
        self.ends: list[int] = []  # CTI: the week each running course ends

    def caseload(self) -> int:
        return len(self.ends) if self.method is SupportMethod.CTI else self.count

    def capacity(self, policy: Policy) -> int:
        cap = self.cap if self.cap is not None else policy.caseload_cap[self.method]
        return self.workers * cap

    def as_team(self) -> SupportTeam:
        return SupportTeam(self.name, self.method, self.workers, self.caseload(), self.cap)


class Quota:
    """One organisation's ledger for one dwelling type over the rolling counting window."""

    __slots__ = ("base_rate", "claims", "org", "other_rate", "rate", "reports", "scale", "type")

    def __init__(self, q: QuotaGroup, window: int) -> None:
        self.org, self.type, self.rate = q.organisation, q.dwelling_type, q.rate
        # The base's counts are spread evenly over the window, the remainder in recent weeks.
        self.reports = deque(spread(q.vacancies, window), maxlen=window)
        self.claims = deque(spread(q.claimed, window), maxlen=window)
        self.base_rate = q.vacancies / window  # vacancies reported a week, all of them
        self.scale = 1.0  # scale_vacancies changes
        self.other_rate = 0.0  # reports a week beyond the municipality's listed vacancies

    def group(self) -> QuotaGroup:
        return QuotaGroup(self.org, self.type, sum(self.reports), sum(self.claims), self.rate)

    def allowed(self, default_rate: Fraction) -> int:
        rate = self.rate if self.rate is not None else default_rate
        return math.floor(rate * sum(self.reports))

    def roll(self) -> None:
        """A new week in the window: the oldest week's reports and claims drop out."""
        self.reports.append(0)
        self.claims.append(0)


class Tenancy:
    """A youth housed during the run, until the horizon or the week the home is lost."""

    __slots__ = ("ends", "life", "lost", "meta", "team", "youth")

    def __init__(
        self,
        youth: Youth,
        meta: YouthMeta,
        team: str | None,
        ends: int | None,
        lost: int,
        life: int,
    ) -> None:
        self.youth = youth  # as they moved in
        self.meta = meta
        self.team = team  # the CTI/ACT team whose course or case began at move-in
        self.ends = ends  # CTI: the week that course ends
        self.lost = lost  # the week the home is lost (beyond the horizon: kept)
        self.life = life  # weeks in the queue before leaving by other routes, if they return


def spread(total: int, window: int) -> list[int]:
    base, extra = divmod(total, window)
    return [base + (1 if i >= window - extra else 0) for i in range(window)]


def matches(org: str | None, dtype: DwellingType | None, u_org: str, u_type: DwellingType) -> bool:
    """A change's organisation/dwelling-type filter (None = any) against a dwelling's."""
    return org in (None, u_org) and dtype in (None, u_type)


# --------------------------------------------------------------------------- the world


class World:
    """The state of one replication at the start of a week."""

    def __init__(self, spec: ScenarioSpec, replication: int) -> None:
        self.spec = spec
        self.cal = spec.calibration
        self.case = case = spec.case
        self.rates = calibrate(case, spec.calibration)
        self.rep = replication
        self.entropy = np.random.SeedSequence(spec.seed).entropy
        self.r0 = case.policy.run_date
        self.policy = case.policy
        self.horizon = spec.horizon_weeks

        # Templates of arriving youths and vacancies, and the scenario's running adjustments.
        self.youth_templates = list(case.youths)
        self.unit_templates = list(case.units)
        self.leads = [max(0, (u.available_from - self.r0).days) for u in case.units]
        self.template_weight = np.ones(len(case.units))
        self.arrival_scale = 1.0
        self.recurring: list[tuple[int, AddDwellings]] = []
        self.changes_at: dict[int, list[tuple[int, Change]]] = {}
        for i, c in enumerate(spec.changes):
            self.changes_at.setdefault(c.start_week - 1, []).append((i, c))

        # How the week is matched (a matching change): the engine or greedy, every n weeks.
        self.matching = "optimal"
        self.matching_every = 1
        self.matching_since = 0

        self.teams = {t.team: Team(i, t) for i, t in enumerate(case.teams)}
        for t in self.teams.values():
            if t.method is SupportMethod.CTI:  # running courses end evenly over 9 months
                n, weeks = t.count, self.cal.cti_course_weeks
                t.ends = [math.ceil((k + 1) * weeks / n) for k in range(n)] if n else []
        window = self.cal.quota_window_weeks
        self.quotas = {(q.organisation, q.dwelling_type): Quota(q, window) for q in case.quotas}
        self.set_report_rates()

        self.waiting: dict[str, Youth] = {}
        self.meta: dict[str, YouthMeta] = {}
        self.tenancies: dict[str, Tenancy] = {}  # youths housed in the run, by ref
        self.pool: dict[str, Unit] = {u.ref: u for u in case.units}

    def rng(self, stream: int, *key: int) -> np.random.Generator:
        """The generator of (stream, key…) in this replication: independent of all others."""
        seq = np.random.SeedSequence(self.entropy, spawn_key=(self.rep, stream, *key))
        return np.random.default_rng(seq)

    def run_date(self, w: int) -> date:
        return self.r0 + timedelta(weeks=w)

    def matching_runs(self, w: int) -> bool:
        """Whether matching runs in week ``w`` (every ``matching_every`` weeks)."""
        return (w - self.matching_since) % self.matching_every == 0

    # ----------------------------------------------------------------- youths

    def enter(
        self, y: Youth, key: tuple[int, int], life: int, dog: Pet, home: str | None, tracked: int
    ) -> None:
        """A youth joins the queue (at the start or on arrival)."""
        self.waiting[y.ref] = y
        self.meta[y.ref] = YouthMeta(
            key, key[0] + life, dog, home, y.gender, y.greenlandic, tracked
        )

    def in_run(self, w: int) -> tuple[Youth, ...]:
        """The youths this week's run considers: waiting and not paused after a decline."""
        return tuple(y for r, y in self.waiting.items() if self.meta[r].paused < w)

    def icm_pending(self) -> list[Youth]:
        return [
            y
            for y in self.waiting.values()
            if y.support_method is SupportMethod.ICM and y.support_team is None
        ]

    # ----------------------------------------------------------------- dwellings

    def map_units(self, fn: Callable[[Unit], Unit], *, pool: bool) -> None:
        """Apply ``fn`` to every template (future vacancies) and, with ``pool``, the pool."""
        self.unit_templates = [fn(u) for u in self.unit_templates]
        if pool:
            self.pool = {r: fn(u) for r, u in self.pool.items()}

    def report(self, org: str, dtype: DwellingType) -> None:
        """A vacancy reported to the organisation's ledger this week (if it keeps one)."""
        q = self.quotas.get((org, dtype))
        if q is not None:
            q.reports[-1] += 1

    def add_units(self, i: int, c: AddDwellings, w: int, run_date: date, n: int, tag: str) -> int:
        """``n`` dwellings of change ``i`` (an :class:`AddDwellings`) enter the pool."""
        org = f"{c.organisation} (agreement)" if c.outside_quota else c.organisation
        area = c.area or self.area_of(c.organisation)
        avail = run_date + timedelta(weeks=c.available_in_weeks)
        for j in range(n):
            ref = f"N{i + 1}{tag}{w:03d}-{j:04d}"
            self.pool[ref] = Unit(
                ref=ref,
                organisation=org,
                department=c.department or f"{c.organisation}-new",
                area=area,
                dwelling_type=c.dwelling_type,
                rooms=c.rooms,
                rent=c.rent,
                available_from=avail,
                size_m2=c.size_m2,
                utilities=c.utilities,
                pets=c.pets,
                accessible=c.accessible,
                benefit_restricted=c.benefit_restricted,
            )
            self.report(org, c.dwelling_type)
        return n

    def area_of(self, organisation: str) -> str:
        """The organisation's most common area in the base (else the base's most common)."""
        own = Counter(u.area for u in self.case.units if u.organisation == organisation)
        every = own or Counter(u.area for u in self.case.units)
        if not every:
            return "new"
        return min(every, key=lambda a: (-every[a], a))

    def set_report_rates(self) -> None:
        """Reports to each quota ledger beyond the listed vacancies: ledger rate − listed rate."""
        total_w = float(self.template_weight.sum())
        listed: dict[tuple[str, DwellingType], float] = {}
        if total_w > 0:
            per = self.rates.vacancies_per_week / len(self.unit_templates)
            for u, w in zip(self.unit_templates, self.template_weight.tolist(), strict=True):
                key = (u.organisation, u.dwelling_type)
                listed[key] = listed.get(key, 0.0) + per * w
        for key, q in self.quotas.items():
            q.other_rate = max(0.0, q.base_rate * q.scale - listed.get(key, 0.0))

    def move_in(self, y: Youth, u: Unit, w: int, lost: int, life: int) -> None:
        """A signed offer: the youth leaves the queue, the dwelling is let, the ledger's claim
        and the team's caseload (CTI: a course until its end; ACT: one more) go up; the tenancy
        is kept until week ``lost`` (drawn by :func:`.processes.tenancy_begins`)."""
        del self.waiting[y.ref]
        del self.pool[u.ref]
        m = self.meta.pop(y.ref)
        q = self.quotas.get((u.organisation, u.dwelling_type))
        if q is not None:
            q.claims[-1] += 1
        team = self.teams.get(y.support_team or "")
        course: str | None = None
        ends: int | None = None
        if team is not None and team.method is SupportMethod.CTI:
            ends = w + self.cal.cti_course_weeks
            team.ends.append(ends)
            course = team.name
        elif team is not None and team.method is SupportMethod.ACT:
            team.count += 1
            course = team.name
        self.tenancies[y.ref] = Tenancy(y, m, course, ends, lost, life)

    def lose(self, ref: str, w: int) -> Tenancy:
        """The home is lost in week ``w``: the youth is re-referred (waiting counts from today,
        domain.md §6) with the same situation and support method; a CTI course or ACT case
        begun at move-in ends with the tenancy (CTI starts only with a home [003:254]); an ICM
        team keeps its youth (ICM starts at visitation)."""
        t = self.tenancies.pop(ref)
        team = self.teams.get(t.team or "")
        if team is not None and team.method is SupportMethod.CTI and t.ends in team.ends:
            team.ends.remove(t.ends)
        elif team is not None and team.method is SupportMethod.ACT and team.count > 0:
            team.count -= 1
        run_date = self.run_date(w)
        y = replace(t.youth, referred_on=run_date, urgent_by=None)
        m = t.meta
        self.waiting[ref] = y
        self.meta[ref] = YouthMeta(m.key, w + t.life, m.dog, m.home_team, m.gender,
                                   m.greenlandic, -1)  # fmt: skip
        return t

    # ----------------------------------------------------------------- the engine's view

    def case_for_week(self, w: int) -> Case:
        """The case this week's engine run sees."""
        return Case(
            youths=self.in_run(w),
            units=tuple(self.pool.values()),
            teams=tuple(t.as_team() for t in self.teams.values()),
            quotas=tuple(q.group() for q in self.quotas.values()),
            policy=replace(self.policy, run_date=self.run_date(w)),
        )
