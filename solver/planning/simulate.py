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
    tenancies are lost                → the youth returns to the queue, re-referred
    ICM visitation                    → pending ICM youths get a team with a free place
    youths leave by other routes      → a geometric lifetime drawn when they arrive
    stale vacancies go back           → unit_expiry_weeks after available_from
    the real engine runs              → solver.engine.week.run_case(case), or greedy
                                        (solver.engine.greedy) under a matching change, in
                                        the weeks matching runs (every_weeks)
    offers: accept or decline         → probabilities per reason (scenario.DeclineModel)
    signed youths move in             → CTI/ACT caseload +1, quota claimed +1; the week the
                                        home will be lost is drawn (calibration.tenancy_loss)

Declines keep the youth's priority (domain.md §6) and the dwelling returns to next week's pool.
What the allocator learns from a decline is recorded on the youth, so the same offer is not
made again: a dog declined over becomes a recorded pet, an area declined becomes an excluded
area, a dwelling too dear lowers the youth's own rent ceiling below its cost. A youth who did
not answer or was not ready may be offered the same dwelling again next week.

Where each part lives: the world state in :mod:`.world`, the random processes in
:mod:`.processes`, one handler per change kind in :mod:`.changes`, the decline model in
:mod:`.declines`, the KPIs in :mod:`.accounting`; this module runs the week.

Entry point: :func:`simulate` (one replication). Many replications (a local process pool or a
Dask cluster) and scenarios against their baselines: :mod:`solver.planning.replications`;
expected waits: :mod:`solver.planning.expected_wait`.
"""

from __future__ import annotations

import time

from solver.core.problem import SolveParams
from solver.engine.greedy import greedy_week
from solver.engine.week import Match, run_case
from solver.planning import changes, declines, processes
from solver.planning.accounting import Accounts
from solver.planning.hindsight import HorizonRecorder
from solver.planning.kpi import ReplicationResult
from solver.planning.scenario import ScenarioSpec
from solver.planning.world import Rates, World, calibrate

__all__ = ["SIM_SOLVE_PARAMS", "Rates", "calibrate", "simulate"]

# Engine parameters inside the simulation: one CP-SAT worker (replications already fill the
# cores); the network path, used whenever no per-department limit is on, ignores both.
SIM_SOLVE_PARAMS = SolveParams(time_limit_s=20.0, num_workers=1)


class _Replication:
    """One replication: the world, its accounts, and the week."""

    def __init__(self, spec: ScenarioSpec, replication: int, track: bool) -> None:
        self.world = World(spec, replication)
        self.accounts = Accounts(self.world, track)
        processes.enter_base_youths(self.world, self.accounts)
        # The hindsight bound's record (not for expected waits, which need only the queue).
        self.record = None if track else HorizonRecorder(self.world)

    def run(self) -> ReplicationResult:
        for w in range(self.world.horizon):
            self.week(w)
        if self.record is not None:
            self.accounts.hindsight_bound = self.record.bound()
        return self.accounts.result()

    def week(self, w: int) -> None:
        world, acc = self.world, self.accounts
        run_date = world.run_date(w)
        for i, change in world.changes_at.get(w, []):
            changes.apply(world, i, change, w, run_date)
        arrivals = vacancies = 0
        if w > 0:
            for q in world.quotas.values():
                q.roll()
            arrivals = processes.arrivals(world, acc, w, run_date)
            vacancies = processes.vacancies(world, w, run_date)
        vacancies += processes.added_dwellings(world, w, run_date)
        if w > 0:
            processes.support_ends(world, w)
            processes.tenancies_lost(world, acc, w)
        processes.visitation(world)
        if w > 0:
            processes.leaves(world, acc, w)
        processes.expire(world, run_date)

        if self.record is not None:  # every week, whether or not matching runs
            self.record.observe(w)
        matches: tuple[Match, ...] = ()
        if world.matching_runs(w):
            t = time.perf_counter()
            case = world.case_for_week(w)
            if world.matching == "greedy":
                matches = greedy_week(case)
            else:
                matches = run_case(case, SIM_SOLVE_PARAMS).matches
            acc.engine_s += time.perf_counter() - t

        housed = declined = 0
        for m in matches:
            if self.offer(w, m.youth_ref, m.unit_ref):
                housed += 1
            else:
                declined += 1
        acc.record(w, housed, len(matches), declined, arrivals, vacancies)

    def offer(self, w: int, youth_ref: str, unit_ref: str) -> bool:
        """Offer the dwelling; True when signed (the youth moves in)."""
        world, acc = self.world, self.accounts
        y, u, m = world.waiting[youth_ref], world.pool[unit_ref], world.meta[youth_ref]
        acc.offered()
        reason = declines.decline_reason(world, w, y, u, m)
        if reason is not None:
            acc.declined(reason)
            declines.learn(world, w, y, u, m, reason)
            return False
        acc.housed(y, m, w, world.run_date(w))
        processes.tenancy_begins(world, y, u, w)
        return True


def simulate(spec: ScenarioSpec, replication: int = 0, *, track: bool = False) -> ReplicationResult:
    """Simulate replication ``replication`` of ``spec``: the same inputs, the same numbers.

    ``track`` records, for every youth of the base case, the week they were housed or last
    waited (for :func:`~solver.planning.expected_wait.expected_waits`).
    """
    if replication < 0:
        raise ValueError("Negative replication.")
    return _Replication(spec, replication, track).run()
