"""Multi-week simulation of the allocation process, for what-if scenarios and expected waits.

Pure: it imports nothing from the service, reads no clock or environment for its numbers, and
draws every random number from ``numpy.random.Generator`` objects seeded from the scenario's
seed. Replication ``r`` uses the child seed ``SeedSequence(seed).spawn(R)[r]``; inside it every
process has its own stream keyed by (stream, week, youth or team), so a scenario and its baseline
see the same arrivals, vacancies, departures and offer decisions wherever the change does not
touch them (common random numbers: differences are measured with far less noise).

One simulated week (run date = base run date + 7 × (week − 1))::

    changes starting this week        → the world (teams, policy, templates, pool)
    the quota window rolls            → the oldest week's reports and claims drop out
    referrals arrive                  → Poisson(rate); youths resampled from the base case
    vacancies are reported            → Poisson(rate) per base dwelling ("template"), plus
                                        the organisation's other reports to the quota ledger
    CTI courses end (9 months), ACT and ICM cases end (open-ended, geometric)
    ICM visitation                    → pending ICM youths get a team with a free place
    youths leave by other routes      → a geometric lifetime drawn when they arrive
    stale vacancies go back           → unit_expiry_weeks after available_from
    the real engine runs              → solver.engine.week.run_case(case)
    offers: accept or decline         → probabilities per reason (scenario.DeclineModel)
    signed youths move in             → CTI/ACT caseload +1, quota claimed +1

Declines keep the youth's priority (domain.md §6) and the dwelling returns to next week's pool.
What the allocator learns from a decline is recorded on the youth, so the same offer is not
made again: a dog declined over becomes a recorded pet, an area declined becomes an excluded
area, a dwelling too dear lowers the youth's own rent ceiling below its cost. A youth who did
not answer or was not ready may be offered the same dwelling again next week.

Entry point: :func:`simulate` (one replication). Many replications (a local process pool or a
Dask cluster) and scenarios against their baselines: :mod:`solver.planning.replications`;
expected waits: :mod:`solver.planning.expected_wait`.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction

import numpy as np

from solver.core.problem import SolveParams
from solver.domain import (
    Case,
    DwellingType,
    Gender,
    IncomeType,
    Pet,
    PetPolicy,
    Policy,
    QuotaGroup,
    Situation,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)
from solver.engine.week import run_case
from solver.planning.kpi import (
    DECLINE_REASONS,
    ReplicationResult,
)
from solver.planning.scenario import (
    AddDwellings,
    Calibration,
    Change,
    DogFriendlyShare,
    LiftLettingRestrictions,
    QuotaRate,
    RentCeiling,
    RentIncrease,
    ScaleArrivals,
    ScaleVacancies,
    ScenarioSpec,
    SupportTeamChange,
)

log = logging.getLogger(__name__)

HOMELESS = frozenset({Situation.COUCH, Situation.SHELTER, Situation.STREET})
WITHIN_WEEKS = 13  # "share housed within 13 weeks" (a quarter)
# Engine parameters inside the simulation: one CP-SAT worker (replications already fill the
# cores); the network path, used whenever no per-department limit is on, ignores both.
SIM_SOLVE_PARAMS = SolveParams(time_limit_s=20.0, num_workers=1)

# Stream ids of the keyed generators (see _Sim.rng).
_ARRIVALS, _VACANCIES, _OFFERS, _TEAMS, _BASE, _ADDED, _REPORTS = range(1, 8)


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


# --------------------------------------------------------------------------- world state


class _YouthMeta:
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


class _Team:
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


class _Quota:
    __slots__ = ("base_rate", "claims", "org", "other_rate", "rate", "reports", "scale", "type")

    def __init__(self, q: QuotaGroup, window: int) -> None:
        self.org, self.type, self.rate = q.organisation, q.dwelling_type, q.rate
        # The base's counts are spread evenly over the window, the remainder in recent weeks.
        self.reports = deque(_spread(q.vacancies, window), maxlen=window)
        self.claims = deque(_spread(q.claimed, window), maxlen=window)
        self.base_rate = q.vacancies / window  # vacancies reported a week, all of them
        self.scale = 1.0  # scale_vacancies changes
        self.other_rate = 0.0  # reports a week beyond the municipality's listed vacancies

    def group(self) -> QuotaGroup:
        return QuotaGroup(self.org, self.type, sum(self.reports), sum(self.claims), self.rate)

    def allowed(self, default_rate: Fraction) -> int:
        rate = self.rate if self.rate is not None else default_rate
        return math.floor(rate * sum(self.reports))


def _spread(total: int, window: int) -> list[int]:
    base, extra = divmod(total, window)
    return [base + (1 if i >= window - extra else 0) for i in range(window)]


class _Sim:
    """One replication. Build, then :meth:`run`."""

    def __init__(self, spec: ScenarioSpec, replication: int, track: bool) -> None:
        self.spec = spec
        self.cal = spec.calibration
        self.case = case = spec.case
        self.rates = calibrate(case, spec.calibration)
        self.rep = replication
        self.entropy = np.random.SeedSequence(spec.seed).entropy
        self.track = track
        self.r0 = case.policy.run_date
        self.policy = case.policy
        self.horizon = spec.horizon_weeks

        self.youth_templates = list(case.youths)
        self.unit_templates = list(case.units)
        self.leads = [max(0, (u.available_from - self.r0).days) for u in case.units]
        self.template_weight = np.ones(len(case.units))
        self.arrival_scale = 1.0
        self.recurring: list[tuple[int, AddDwellings]] = []
        self.changes_at: dict[int, list[tuple[int, Change]]] = {}
        for i, c in enumerate(spec.changes):
            self.changes_at.setdefault(c.start_week - 1, []).append((i, c))

        self.teams = {t.team: _Team(i, t) for i, t in enumerate(case.teams)}
        for t in self.teams.values():
            if t.method is SupportMethod.CTI:  # running courses end evenly over 9 months
                n, weeks = t.count, self.cal.cti_course_weeks
                t.ends = [math.ceil((k + 1) * weeks / n) for k in range(n)] if n else []
        window = self.cal.quota_window_weeks
        self.quotas = {(q.organisation, q.dwelling_type): _Quota(q, window) for q in case.quotas}
        self._set_report_rates()

        # Youths: base youths keep their order; per-youth draws come from one base stream.
        self.waiting: dict[str, Youth] = {}
        self.meta: dict[str, _YouthMeta] = {}
        rng = self.rng(_BASE)
        n = len(case.youths)
        lives = self._lifetimes(rng, n)
        dogs = self._dogs(rng, n)
        for i, y in enumerate(case.youths):
            dog = dogs[i] if y.pet is Pet.NONE else Pet.NONE
            self._enter(y, (0, i), int(lives[i]), dog, y.support_team, i)
        self.pool: dict[str, Unit] = {u.ref: u for u in case.units}

        # Outcomes.
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
        self.weekly: dict[str, list[float]] = {}
        n_base = len(case.youths)
        self.last_week = [self.horizon - 1] * n_base
        self.housed_flag = [0] * n_base
        for y in case.youths:
            self._seen(y)

    # ----------------------------------------------------------------- randomness

    def rng(self, stream: int, *key: int) -> np.random.Generator:
        """The generator of (stream, key…) in this replication: independent of all others."""
        seq = np.random.SeedSequence(self.entropy, spawn_key=(self.rep, stream, *key))
        return np.random.default_rng(seq)

    def _lifetimes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = self.cal.leave_per_week
        if p <= 0:
            return np.full(n, 1 << 30, dtype=np.int64)
        return rng.geometric(p, size=n).astype(np.int64)  # ≥ 1: weeks until leaving

    def _dogs(self, rng: np.random.Generator, n: int) -> list[Pet]:
        has = rng.random(n) < self.cal.unrecorded_dog_share
        large = rng.random(n) < 0.35  # a third are large dogs, as in the fixtures (assumption)
        return [
            (Pet.LARGE_DOG if big else Pet.SMALL_DOG) if h else Pet.NONE
            for h, big in zip(has.tolist(), large.tolist(), strict=True)
        ]

    # ----------------------------------------------------------------- bookkeeping

    def _enter(
        self, y: Youth, key: tuple[int, int], life: int, dog: Pet, home: str | None, tracked: int
    ) -> None:
        self.waiting[y.ref] = y
        self.meta[y.ref] = _YouthMeta(
            key, key[0] + life, dog, home, y.gender, y.greenlandic, tracked
        )

    def _groups(self, y: Youth) -> list[str]:
        out = []
        if y.gender is Gender.FEMALE:
            out.append("female")
        elif y.gender is Gender.MALE:
            out.append("male")
        if y.greenlandic is True:
            out.append("greenlandic")
        elif y.greenlandic is False:
            out.append("not_greenlandic")
        return out

    def _seen(self, y: Youth) -> None:
        for g in self._groups(y):
            self.group_seen[g] += 1

    def _set_report_rates(self) -> None:
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

    # ----------------------------------------------------------------- the run

    def run(self) -> ReplicationResult:
        started = time.perf_counter()
        for w in range(self.horizon):
            self.week(w)
        end = self._end_kpis()
        waited = np.floor(np.array(self.waits, dtype=float)).astype(np.int64)
        hist = np.bincount(waited).tolist() if len(waited) else []
        return ReplicationResult(
            replication=self.rep,
            end=end,
            weekly=self.weekly,
            wait_hist=[int(x) for x in hist],
            engine_seconds=self.engine_s,
            total_seconds=time.perf_counter() - started,
            youth_last_week=self.last_week if self.track else None,
            youth_housed=self.housed_flag if self.track else None,
        )

    def week(self, w: int) -> None:
        run_date = self.r0 + timedelta(weeks=w)
        for i, change in self.changes_at.get(w, []):
            self._apply(i, change, w, run_date)
        arrivals = vacancies = 0
        if w > 0:
            for q in self.quotas.values():
                q.reports.append(0)
                q.claims.append(0)
            arrivals = self._arrivals(w, run_date)
            vacancies = self._vacancies(w, run_date)
        vacancies += self._recurring(w, run_date)
        if w > 0:
            self._support_ends(w)
        self._visitation()
        if w > 0:
            self._leaves(w)
        self._expire(run_date)

        policy = replace(self.policy, run_date=run_date)
        youths = tuple(y for r, y in self.waiting.items() if self.meta[r].paused < w)
        case = Case(
            youths=youths,
            units=tuple(self.pool.values()),
            teams=tuple(t.as_team() for t in self.teams.values()),
            quotas=tuple(q.group() for q in self.quotas.values()),
            policy=policy,
        )
        t = time.perf_counter()
        result = run_case(case, SIM_SOLVE_PARAMS)
        self.engine_s += time.perf_counter() - t

        housed = declines = 0
        for m in result.matches:
            if self._offer(w, run_date, m.youth_ref, m.unit_ref):
                housed += 1
            else:
                declines += 1
        self._record(w, housed, len(result.matches), declines, arrivals, vacancies)

    # ----------------------------------------------------------------- processes

    def _arrivals(self, w: int, run_date: date) -> int:
        rng = self.rng(_ARRIVALS, w)
        n = int(rng.poisson(self.rates.arrivals_per_week * self.arrival_scale))
        if n == 0 or not self.youth_templates:
            return 0
        pick = rng.integers(0, len(self.youth_templates), size=n)
        back = rng.integers(0, 7, size=n)  # referred during the week before this run
        lives = self._lifetimes(rng, n)
        dogs = self._dogs(rng, n)
        for j in range(n):
            t = self.youth_templates[int(pick[j])]
            referred = run_date - timedelta(days=int(back[j]))
            urgent = None
            if t.urgent_by is not None:
                urgent = referred + timedelta(days=max(0, (t.urgent_by - self.r0).days))
            team = t.support_team
            home = None
            if t.support_method is SupportMethod.ICM:  # visitation is still to come
                team, home = None, t.support_team
            y = replace(
                t,
                ref=f"SIM{w:03d}-{j:04d}",
                birth_date=referred - (t.referred_on - t.birth_date),
                referred_on=referred,
                urgent_by=urgent,
                support_team=team,
            )
            dog = dogs[j] if y.pet is Pet.NONE else Pet.NONE
            self._enter(y, (w, j), int(lives[j]), dog, home, -1)
            self._seen(y)
            self.arrival_dates.append(referred)
        return n

    def _vacancies(self, w: int, run_date: date) -> int:
        rng = self.rng(_VACANCIES, w)
        n_t = len(self.unit_templates)
        if n_t == 0:
            return 0
        lam = self.rates.vacancies_per_week / n_t * self.template_weight
        counts = rng.poisson(lam)
        made = 0
        for ti in np.flatnonzero(counts).tolist():
            t = self.unit_templates[ti]
            for _ in range(int(counts[ti])):
                ref = f"V{w:03d}-{made:04d}"
                avail = run_date + timedelta(days=self.leads[ti])
                self.pool[ref] = replace(t, ref=ref, available_from=avail)
                q = self.quotas.get((t.organisation, t.dwelling_type))
                if q is not None:
                    q.reports[-1] += 1
                made += 1
        reports = self.rng(_REPORTS, w)
        for q in self.quotas.values():  # the organisations' other vacancies in the window
            if q.other_rate > 0:
                q.reports[-1] += int(reports.poisson(q.other_rate))
        return made

    def _recurring(self, w: int, run_date: date) -> int:
        made = 0
        for i, c in self.recurring:
            if w < c.start_week - 1:
                continue
            n = int(self.rng(_ADDED, i, w).poisson(c.per_week))
            made += self._add_units(i, c, w, run_date, n, "R")
        return made

    def _add_units(self, i: int, c: AddDwellings, w: int, run_date: date, n: int, tag: str) -> int:
        org = f"{c.organisation} (agreement)" if c.outside_quota else c.organisation
        area = c.area or self._area_of(c.organisation)
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
            q = self.quotas.get((org, c.dwelling_type))
            if q is not None:
                q.reports[-1] += 1
        return n

    def _area_of(self, organisation: str) -> str:
        """The organisation's most common area in the base (else the base's most common)."""
        own = Counter(u.area for u in self.case.units if u.organisation == organisation)
        every = own or Counter(u.area for u in self.case.units)
        if not every:
            return "new"
        return min(every, key=lambda a: (-every[a], a))

    def _support_ends(self, w: int) -> None:
        for t in self.teams.values():
            if t.method is SupportMethod.CTI:
                t.ends = [e for e in t.ends if e > w]
                continue
            mean = (
                self.cal.icm_mean_weeks
                if t.method is SupportMethod.ICM
                else (self.cal.act_mean_weeks)
            )
            if t.count > 0:
                t.count -= int(self.rng(_TEAMS, w, t.index).binomial(t.count, 1 / mean))

    def _visitation(self) -> None:
        """ICM youths without a team get one when an ICM team has a free place (ICM starts at
        visitation [003:258, 299]), in priority order."""
        icm = [t for t in self.teams.values() if t.method is SupportMethod.ICM]
        if not icm:
            return
        pending = [
            y
            for y in self.waiting.values()
            if y.support_method is SupportMethod.ICM and y.support_team is None
        ]
        if not pending:
            return
        free = {t.name: t.capacity(self.policy) - t.count for t in icm}
        pending.sort(key=self.policy.priority_key)
        for y in pending:
            home = self.meta[y.ref].home_team
            if home in free and free[home] > 0:
                name = home
            else:
                name = min(free, key=lambda n: (-free[n], n))
                if free[name] <= 0:
                    break
            free[name] -= 1
            self.teams[name].count += 1
            self.waiting[y.ref] = replace(y, support_team=name)

    def _leaves(self, w: int) -> None:
        gone = [r for r, m in self.meta.items() if m.leave == w and r in self.waiting]
        for ref in gone:  # monitoring counts keep them as seen, not housed
            del self.waiting[ref]
            m = self.meta.pop(ref)
            self.left += 1
            if m.tracked >= 0:
                self.last_week[m.tracked] = w - 1

    def _expire(self, run_date: date) -> None:
        limit = timedelta(weeks=self.cal.unit_expiry_weeks)
        stale = [r for r, u in self.pool.items() if u.available_from + limit < run_date]
        for ref in stale:
            del self.pool[ref]

    # ----------------------------------------------------------------- offers

    def _offer(self, w: int, run_date: date, youth_ref: str, unit_ref: str) -> bool:
        """Offer the dwelling; True when signed (the youth moves in)."""
        y, u, m = self.waiting[youth_ref], self.pool[unit_ref], self.meta[youth_ref]
        self.offers += 1
        reason = self._decline_reason(w, y, u, m)
        if reason is not None:
            self.declines[reason] += 1
            if reason == "pet_not_allowed":
                self.waiting[youth_ref] = replace(y, pet=m.dog)
                m.dog = Pet.NONE
            elif reason == "area":
                self.waiting[youth_ref] = replace(
                    y,
                    excluded_areas=(*y.excluded_areas, u.area),
                    preferred_areas=tuple(a for a in y.preferred_areas if a != u.area),
                )
            elif reason == "too_expensive":
                ceiling = min(self.policy.ceiling_for(y), u.monthly_cost - 1)
                self.waiting[youth_ref] = replace(y, rent_ceiling=max(0, ceiling))
            if self.cal.decline_pause_weeks:
                m.paused = w + self.cal.decline_pause_weeks
            return False
        # Signed: the youth moves in, the dwelling is let, ledger and caseload updated.
        del self.waiting[youth_ref]
        del self.pool[unit_ref]
        self.meta.pop(youth_ref)
        q = self.quotas.get((u.organisation, u.dwelling_type))
        if q is not None:
            q.claims[-1] += 1
        team = self.teams.get(y.support_team or "")
        if team is not None and team.method is SupportMethod.CTI:
            team.ends.append(w + self.cal.cti_course_weeks)
        elif team is not None and team.method is SupportMethod.ACT:
            team.count += 1
        wait = (run_date - y.referred_on).days / 7
        self.waits.append(wait)
        for g in self._groups(y):
            self.group_housed[g] += 1
            self.group_waits.setdefault(g, []).append(wait)
        if m.key[0] > 0:
            self.arrival_waits.append((y.referred_on, wait))
        if m.tracked >= 0:
            self.last_week[m.tracked] = w
            self.housed_flag[m.tracked] = 1
        return True

    def _decline_reason(self, w: int, y: Youth, u: Unit, m: _YouthMeta) -> str | None:
        d = self.cal.decline
        draw = self.rng(_OFFERS, w, *m.key).random(5).tolist()
        if m.dog is not Pet.NONE and int(u.pets) < int(m.dog) and draw[0] < d.pet_banned:
            return "pet_not_allowed"
        p_area = d.area_other
        if y.preferred_areas and u.area not in y.preferred_areas:
            p_area = d.area_not_preferred
        if draw[1] < p_area:
            return "area"
        p_dear = d.too_expensive_other
        if y.monthly_income and u.monthly_cost > d.too_expensive_share * y.monthly_income:
            p_dear = d.too_expensive
        if draw[2] < p_dear:
            return "too_expensive"
        if draw[3] < d.not_ready:
            return "not_ready"
        if draw[4] < d.no_contact:
            return "no_contact"
        return None

    # ----------------------------------------------------------------- changes

    def _apply(self, i: int, c: Change, w: int, run_date: date) -> None:
        if isinstance(c, AddDwellings):
            if c.count:
                self._add_units(i, c, w, run_date, c.count, "C")
            if c.per_week > 0:
                self.recurring.append((i, c))
        elif isinstance(c, SupportTeamChange):
            t = self.teams[c.team]
            if c.workers is not None:
                t.workers = c.workers
            if c.add_workers is not None:
                t.workers = max(0, t.workers + c.add_workers)
            if c.caseload_cap is not None:
                t.cap = c.caseload_cap
        elif isinstance(c, QuotaRate):
            if c.organisation is None and c.dwelling_type is None:
                self.policy = replace(self.policy, default_quota_rate=c.rate)
            for q in self.quotas.values():
                if _matches(c.organisation, c.dwelling_type, q.org, q.type):
                    q.rate = c.rate
        elif isinstance(c, RentCeiling):
            self._rent_ceiling(c)
        elif isinstance(c, DogFriendlyShare):
            self._dog_friendly(i, c)
        elif isinstance(c, LiftLettingRestrictions):

            def lift(u: Unit) -> Unit:
                if u.benefit_restricted and c.organisation in (None, u.organisation):
                    return replace(u, benefit_restricted=False)
                return u

            self._map_units(lift, pool=True)
        elif isinstance(c, ScaleArrivals):
            self.arrival_scale *= c.factor
        elif isinstance(c, ScaleVacancies):
            for k, u in enumerate(self.unit_templates):
                if _matches(c.organisation, c.dwelling_type, u.organisation, u.dwelling_type):
                    self.template_weight[k] *= c.factor
            for q in self.quotas.values():
                if _matches(c.organisation, c.dwelling_type, q.org, q.type):
                    q.scale *= c.factor
            self._set_report_rates()
        elif isinstance(c, RentIncrease):

            def dearer(u: Unit) -> Unit:
                if not _matches(c.organisation, c.dwelling_type, u.organisation, u.dwelling_type):
                    return u
                return replace(u, rent=max(0, round(u.rent * c.factor) + c.amount))

            self._map_units(dearer, pool=False)  # renovations raise rents at re-letting

    def _map_units(self, fn: Callable[[Unit], Unit], *, pool: bool) -> None:
        self.unit_templates = [fn(u) for u in self.unit_templates]
        if pool:
            self.pool = {r: fn(u) for r, u in self.pool.items()}

    def _rent_ceiling(self, c: RentCeiling) -> None:
        ceilings = dict(self.policy.rent_ceiling)
        for income in IncomeType:
            if c.income_type in (None, income):
                if c.ceiling is not None:
                    ceilings[income] = c.ceiling
                else:
                    ceilings[income] += c.subsidy or 0
        self.policy = replace(self.policy, rent_ceiling=ceilings)
        if c.subsidy:  # explicit per-youth ceilings get the subsidy too

            def raise_(y: Youth) -> Youth:
                if y.rent_ceiling is None or c.income_type not in (None, y.income_type):
                    return y
                return replace(y, rent_ceiling=y.rent_ceiling + (c.subsidy or 0))

            self.waiting = {r: raise_(y) for r, y in self.waiting.items()}
            self.youth_templates = [raise_(y) for y in self.youth_templates]

    def _dog_friendly(self, i: int, c: DogFriendlyShare) -> None:
        """Raise (or lower) the share of almen departments allowing dogs to ``c.share``.

        Which departments change is drawn once from the scenario seed (not per replication):
        it is a policy, the same in every replication.
        """
        depts: dict[tuple[str, str], int] = {}
        for u in [*self.unit_templates, *self.pool.values()]:
            if u.dwelling_type is DwellingType.PRIVATE:
                continue
            if c.organisation not in (None, u.organisation):
                continue
            depts[(u.organisation, u.department)] = int(u.pets)
        if not depts:
            return
        names = sorted(depts)
        order = np.random.default_rng([self.spec.seed, 7, i]).permutation(len(names))
        friendly = [names[k] for k in order.tolist() if depts[names[k]] >= PetPolicy.SMALL_DOGS]
        others = [names[k] for k in order.tolist() if depts[names[k]] < PetPolicy.SMALL_DOGS]
        target = round(c.share * len(names))
        new_rule: dict[tuple[str, str], PetPolicy] = {}
        if target > len(friendly):
            for d in others[: target - len(friendly)]:
                new_rule[d] = c.pets
        elif target < len(friendly):
            for d in friendly[: len(friendly) - target]:
                new_rule[d] = PetPolicy.CATS

        def apply(u: Unit) -> Unit:
            rule = new_rule.get((u.organisation, u.department))
            if rule is None or u.dwelling_type is DwellingType.PRIVATE:
                return u
            return replace(u, pets=rule)

        self._map_units(apply, pool=True)

    # ----------------------------------------------------------------- KPIs

    def _record(
        self, w: int, housed: int, offers: int, declines: int, arrivals: int, vacancies: int
    ) -> None:
        def util(method: SupportMethod) -> float:
            teams = [t for t in self.teams.values() if t.method is method]
            cap = sum(t.capacity(self.policy) for t in teams)
            return sum(t.caseload() for t in teams) / cap if cap else math.nan

        allowed = sum(q.allowed(self.policy.default_quota_rate) for q in self.quotas.values())
        claimed = sum(sum(q.claims) for q in self.quotas.values())
        pending = sum(
            1
            for y in self.waiting.values()
            if y.support_method is SupportMethod.ICM and y.support_team is None
        )
        row = {
            "queue": len(self.waiting),
            "housed": housed,
            "offers": offers,
            "declines": declines,
            "arrivals": arrivals,
            "vacancies": vacancies,
            "pool": len(self.pool),
            "icm_pending": pending,
            "cti_utilisation": util(SupportMethod.CTI),
            "act_utilisation": util(SupportMethod.ACT),
            "icm_utilisation": util(SupportMethod.ICM),
            "quota_use": min(claimed / allowed, 1.0) if allowed else math.nan,
        }
        for k, v in row.items():
            self.weekly.setdefault(k, []).append(float(v))

    def _end_kpis(self) -> dict[str, float]:
        def q(values: Sequence[float], p: float) -> float:
            return float(np.quantile(values, p)) if len(values) else math.nan

        def mean_of(name: str) -> float:
            x = [v for v in self.weekly[name] if not math.isnan(v)]
            return float(np.mean(x)) if x else math.nan

        # The 13-week cohort: youths referred during the run at least 13 weeks before its last
        # run, so that 13 weeks were seen for each; the share of them housed within 13 weeks.
        last = self.r0 + timedelta(weeks=self.horizon - 1)
        window = timedelta(weeks=WITHIN_WEEKS)
        cohort = sum(1 for d in self.arrival_dates if last - d >= window)
        quick = sum(1 for d, wt in self.arrival_waits if last - d >= window and wt <= WITHIN_WEEKS)
        end = {
            "housed": float(len(self.waits)),
            "wait_median_weeks": q(self.waits, 0.5),
            "wait_p90_weeks": q(self.waits, 0.9),
            "housed_within_13w_share": quick / cohort if cohort else math.nan,
            "queue_end": float(len(self.waiting)),
            "still_homeless_end": float(
                sum(1 for y in self.waiting.values() if y.situation in HOMELESS)
            ),
            "left_other_routes": float(self.left),
            "icm_pending_end": self.weekly["icm_pending"][-1],
            "offers": float(self.offers),
            "declines": float(sum(self.declines.values())),
            **{f"declines_{r}": float(self.declines[r]) for r in DECLINE_REASONS},
            "cti_utilisation": mean_of("cti_utilisation"),
            "act_utilisation": mean_of("act_utilisation"),
            "icm_utilisation": mean_of("icm_utilisation"),
            "quota_use": mean_of("quota_use"),
        }
        for g in ("female", "male", "greenlandic", "not_greenlandic"):
            seen = self.group_seen[g]
            end[f"housed_share_{g}"] = self.group_housed[g] / seen if seen else math.nan
            end[f"wait_median_{g}"] = q(self.group_waits.get(g, []), 0.5)
        return end


def _matches(org: str | None, dtype: DwellingType | None, u_org: str, u_type: DwellingType) -> bool:
    return org in (None, u_org) and dtype in (None, u_type)


def simulate(spec: ScenarioSpec, replication: int = 0, *, track: bool = False) -> ReplicationResult:
    """Simulate replication ``replication`` of ``spec``: the same inputs, the same numbers.

    ``track`` records, for every youth of the base case, the week they were housed or last
    waited (for :func:`expected_waits`).
    """
    if replication < 0:
        raise ValueError("Negative replication.")
    return _Sim(spec, replication, track).run()
