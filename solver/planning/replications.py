"""Running many replications: in this process, a local ``spawn`` process pool or a Dask cluster,
and scenarios against their baselines.

Where a replication runs never changes its numbers: each depends only on its spec and index
(:func:`solver.planning.simulate.simulate`). Entry points: :func:`run_replications` (many
replications of many specs), :func:`run_scenarios` (scenarios against their baselines, a
:class:`~solver.planning.kpi.ComparisonResult`), :func:`planned_replications` (how many
:func:`run_scenarios` will run, for progress bars) and :func:`default_workers`.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import Any

from solver.planning.kpi import ComparisonResult, ReplicationResult, ScenarioResult
from solver.planning.scenario import ScenarioSpec, load_scenario
from solver.planning.simulate import simulate
from solver.planning.world import calibrate

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all) as replications finish."""


# --------------------------------------------------------------------------- running many

_WORKER_SPECS: Sequence[ScenarioSpec] = ()


def _init_worker(specs: Sequence[ScenarioSpec]) -> None:
    global _WORKER_SPECS
    _WORKER_SPECS = specs


def _pool_task(spec_index: int, replication: int, track: bool) -> ReplicationResult:
    return simulate(_WORKER_SPECS[spec_index], replication, track=track)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_replications(
    specs: Sequence[ScenarioSpec],
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = None,
    track: bool = False,
) -> list[list[ReplicationResult]]:
    """Every replication of every spec: ``out[i][r]`` is replication ``r`` of ``specs[i]``.

    Where they run never changes the numbers (each replication depends only on its spec and
    index):

    - ``scheduler`` (``"tcp://HOST:PORT"`` or a ``distributed.Client``): on that Dask cluster;
      the specs are scattered to every worker once, one task per replication;
    - otherwise ``workers`` processes (default: one per core) of a local ``spawn`` pool, each
      given the specs once; ``workers=1`` (or a single replication) runs in this process.
    """
    tasks = [(i, r) for i, s in enumerate(specs) for r in range(s.replications)]
    out: list[list[ReplicationResult | None]] = [[None] * s.replications for s in specs]
    total, done = len(tasks), 0

    def finished(i: int, r: int, result: ReplicationResult) -> None:
        nonlocal done
        out[i][r] = result
        done += 1
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    if scheduler is not None:
        _run_dask(specs, tasks, scheduler, track, finished)
    else:
        n = workers or default_workers()
        if n <= 1 or total <= 1:
            for i, r in tasks:
                finished(i, r, simulate(specs[i], r, track=track))
        else:
            import multiprocessing

            with ProcessPoolExecutor(
                max_workers=min(n, total),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(tuple(specs),),
            ) as pool:
                running = {pool.submit(_pool_task, i, r, track): (i, r) for i, r in tasks}
                while running:
                    ready, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in ready:
                        i, r = running.pop(fut)
                        finished(i, r, fut.result())
    return [[r for r in row if r is not None] for row in out]


def _run_dask(
    specs: Sequence[ScenarioSpec],
    tasks: list[tuple[int, int]],
    scheduler: Any,
    track: bool,
    finished: Callable[[int, int, ReplicationResult], None],
) -> None:
    from distributed import Client, as_completed

    # A client of our own for an address: explicit, never the process's default (the test
    # process may hold one; a CLI process holds none), closed when done. Everything below goes
    # through *this* client: as_completed on its loop, results from its futures.
    own = isinstance(scheduler, str)
    client = Client(scheduler, set_as_default=False) if own else scheduler
    futures: dict[Any, tuple[int, int]] = {}
    try:
        scattered = client.scatter(list(specs), broadcast=True, hash=False)
        run = uuid.uuid4().hex[:8]
        futures = {
            client.submit(
                simulate,
                scattered[i],
                r,
                track=track,
                pure=False,
                key=f"boligmatch-sim-{run}-{i}-{r}",
            ): (i, r)
            for i, r in tasks
        }
        for fut in as_completed(list(futures), loop=client.loop):
            i, r = futures[fut]
            finished(i, r, fut.result())
    except BaseException:
        if futures:
            client.cancel(list(futures))
        raise
    finally:
        if own:
            client.close()


# --------------------------------------------------------------------------- scenarios


def planned_replications(specs: Sequence[ScenarioSpec], replications: int | None = None) -> int:
    """How many replications :func:`run_scenarios` will simulate for ``specs``: theirs, plus one
    implicit baseline per group of scenarios that share a pairing key and bring none."""
    total = 0
    groups: dict[tuple[Any, ...], tuple[bool, int]] = {}
    for s in specs:
        reps = replications if replications is not None else s.replications
        total += reps
        has_base, _ = groups.get(s.pairing_key(), (False, reps))
        groups[s.pairing_key()] = (has_base or s.is_baseline, reps)
    return total + sum(reps for has_base, reps in groups.values() if not has_base)


def run_scenarios(
    items: Iterable[str | Path | ScenarioSpec],
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = None,
) -> ComparisonResult:
    """Run scenarios (files or specs) and compare each with its baseline.

    Scenarios with the same base, horizon, seed, replications and calibration share one
    baseline: a scenario file without changes among them (e.g. ``scenarios/baseline.toml``),
    or else the same world without changes, run alongside. Replication ``r`` of a scenario
    and of its baseline use the same child seed, so their difference is paired.

    ``replications`` and ``seed`` override every file's; ``workers``/``scheduler`` as in
    :func:`run_replications`.
    """
    started = time.perf_counter()
    specs = [it if isinstance(it, ScenarioSpec) else load_scenario(it) for it in items]
    if replications is not None:
        specs = [replace(s, replications=replications) for s in specs]
    if seed is not None:
        specs = [replace(s, seed=seed) for s in specs]
    groups: dict[tuple[Any, ...], list[ScenarioSpec]] = {}
    for s in specs:
        groups.setdefault(s.pairing_key(), []).append(s)

    used: set[str] = set()

    def unique(name: str) -> str:
        out, k = name, 2
        while out in used:
            out, k = f"{name} ({k})", k + 1
        used.add(out)
        return out

    baselines: list[ScenarioSpec] = []
    scenarios: list[tuple[ScenarioSpec, str]] = []
    for key, members in groups.items():
        explicit = [s for s in members if s.is_baseline]
        if explicit:
            base = replace(explicit[0], name=unique(explicit[0].name))
        else:
            label = "baseline" if len(groups) == 1 else f"baseline ({key[0]}, seed {key[3]})"
            base = members[0].as_baseline(unique(label))
        baselines.append(base)
        for s in members:
            if s.is_baseline:
                continue
            scenarios.append((replace(s, name=unique(s.name)), base.name))

    all_specs = [*baselines, *(s for s, _ in scenarios)]
    results = run_replications(all_specs, workers=workers, scheduler=scheduler, progress=progress)
    base_results = [
        ScenarioResult(s.name, s.describe(), res)
        for s, res in zip(baselines, results[: len(baselines)], strict=True)
    ]
    scen_results = [
        ScenarioResult(s.name, s.describe(), res, baseline=b)
        for (s, b), res in zip(scenarios, results[len(baselines) :], strict=True)
    ]
    engine = sum(r.engine_seconds for row in results for r in row)
    busy = sum(r.total_seconds for row in results for r in row)
    rates = {}
    for s in baselines:
        r = calibrate(s.case, s.calibration)
        rates[s.name] = {
            "arrivals_per_week": round(r.arrivals_per_week, 4),
            "arrivals_source": r.arrivals_source,
            "vacancies_per_week": round(r.vacancies_per_week, 4),
            "vacancies_source": r.vacancies_source,
        }
    meta = {
        "workers": None if scheduler is not None else (workers or default_workers()),
        "scheduler": scheduler
        if isinstance(scheduler, str)
        else (None if scheduler is None else "client"),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "simulation_seconds": round(busy, 3),
        "engine_seconds": round(engine, 3),
        "calibration": rates,
    }
    return ComparisonResult(base_results, scen_results, meta)
