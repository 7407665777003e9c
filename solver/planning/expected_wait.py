"""Expected waits: the distribution of weeks until a youth is housed under current conditions,
from the scenario simulation without changes (:func:`expected_waits`, :func:`expected_wait`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from solver.domain import Case
from solver.planning.replications import Progress, run_replications
from solver.planning.scenario import Calibration, ScenarioSpec

# --------------------------------------------------------------------------- expected wait


@dataclass(frozen=True)
class WaitDistribution:
    """Weeks until one youth is housed under current conditions, from simulated replications.

    ``cdf[k]`` is the probability of being housed by week ``k`` (0 = this week's run), a
    Kaplan–Meier estimate in which the youth leaving the queue by other routes censors the
    replication rather than counting as "never housed". ``quantiles[q]`` is the first week by
    which the probability reaches ``q``, or ``None`` when that lies beyond the horizon.
    """

    youth_ref: str
    weeks: int
    replications: int
    cdf: tuple[float, ...]
    quantiles: dict[float, int | None]
    housed_share: float  # replications in which the youth was housed within the horizon
    left_share: float  # replications in which the youth left by other routes first

    @property
    def median(self) -> int | None:
        return self.quantiles.get(0.5)

    def to_dict(self) -> dict[str, Any]:
        return {
            "youth_ref": self.youth_ref,
            "weeks": self.weeks,
            "replications": self.replications,
            "p_housed_within_horizon": round(self.cdf[-1], 4) if self.cdf else 0.0,
            "quantiles": {f"{q:g}": v for q, v in self.quantiles.items()},
            "cdf": [round(p, 4) for p in self.cdf],
            "housed_share": round(self.housed_share, 4),
            "left_share": round(self.left_share, 4),
        }


QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def expected_waits(
    case: Case,
    refs: Iterable[str] | None = None,
    *,
    weeks: int = 26,
    replications: int = 20,
    seed: int = 0,
    calibration: Calibration | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = None,
) -> dict[str, WaitDistribution]:
    """Wait distributions for youths of ``case`` (default: all), from one set of replications.

    The simulation is the scenario simulation without changes, so one run serves every youth:
    call it once per week and cache the result for the queue page.
    """
    index = {y.ref: i for i, y in enumerate(case.youths)}
    wanted = list(index) if refs is None else list(refs)
    for ref in wanted:
        if ref not in index:
            raise KeyError(f"Youth {ref!r} is not in the case.")
    spec = ScenarioSpec(
        name="expected-wait",
        base="case",
        case=case,
        horizon_weeks=weeks,
        replications=replications,
        seed=seed,
        calibration=calibration or Calibration(),
    )
    [reps] = run_replications(
        [spec], workers=workers, scheduler=scheduler, progress=progress, track=True
    )
    last = np.array([r.youth_last_week for r in reps], dtype=np.int64)  # reps × youths
    housed = np.array([r.youth_housed for r in reps], dtype=np.int64)
    out = {}
    for ref in wanted:
        i = index[ref]
        out[ref] = _kaplan_meier(ref, last[:, i], housed[:, i], weeks)
    return out


def expected_wait(
    case: Case,
    youth_ref: str,
    *,
    weeks: int = 26,
    replications: int = 20,
    seed: int = 0,
    **kwargs: Any,
) -> WaitDistribution:
    """The wait distribution of one youth (see :func:`expected_waits`)."""
    return expected_waits(
        case, [youth_ref], weeks=weeks, replications=replications, seed=seed, **kwargs
    )[youth_ref]


def _kaplan_meier(ref: str, last: np.ndarray, housed: np.ndarray, weeks: int) -> WaitDistribution:
    n = len(last)
    surv, cdf = 1.0, []
    for k in range(weeks):
        at_risk = int((last >= k).sum())
        events = int(((last == k) & (housed == 1)).sum())
        if at_risk:
            surv *= 1 - events / at_risk
        cdf.append(1 - surv)
    quantiles: dict[float, int | None] = {}
    for q in QUANTILES:
        hit = next((k for k, p in enumerate(cdf) if p >= q - 1e-12), None)
        quantiles[q] = hit
    left = int(((housed == 0) & (last < weeks - 1)).sum())
    return WaitDistribution(
        youth_ref=ref,
        weeks=weeks,
        replications=n,
        cdf=tuple(cdf),
        quantiles=quantiles,
        housed_share=float(housed.mean()) if n else 0.0,
        left_share=left / n if n else 0.0,
    )
