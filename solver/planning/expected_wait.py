"""Expected waits: the distribution of weeks until a youth is housed under current conditions,
from the scenario simulation without changes (:func:`expected_waits`, :func:`expected_wait`)."""

from __future__ import annotations

import math
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

    ``median_lo``/``median_hi``: the 95 % interval of the median (Brookmeyer and Crowley: the
    weeks whose survival is within 1.96 Greenwood standard errors of ½), ``median_hi`` ``None``
    when it reaches beyond the horizon; :attr:`half_width` is half its length in weeks.
    """

    youth_ref: str
    weeks: int
    replications: int
    cdf: tuple[float, ...]
    quantiles: dict[float, int | None]
    housed_share: float  # replications in which the youth was housed within the horizon
    left_share: float  # replications in which the youth left by other routes first
    median_lo: int | None = None
    median_hi: int | None = None

    @property
    def median(self) -> int | None:
        return self.quantiles.get(0.5)

    @property
    def half_width(self) -> float | None:
        """Half the length of the median's 95 % interval (weeks); None if it is open-ended."""
        if self.median_lo is None or self.median_hi is None:
            return None
        return (self.median_hi - self.median_lo) / 2

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
            "median_interval": [self.median_lo, self.median_hi],
            "median_half_width": self.half_width,
        }


QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
# A year of weeks reaches the likely wait of most of the queue (the shipped baseline's median
# wait of those housed is about a year); 40 replications put the Kaplan–Meier estimate of ½
# within ±0.16 (1.96 × √(¼ / 40)), which the median's interval then shows in weeks.
WAIT_WEEKS = 52
WAIT_REPLICATIONS = 40
Z95 = 1.959964


def expected_waits(
    case: Case,
    refs: Iterable[str] | None = None,
    *,
    weeks: int = WAIT_WEEKS,
    replications: int = WAIT_REPLICATIONS,
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
    weeks: int = WAIT_WEEKS,
    replications: int = WAIT_REPLICATIONS,
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
    greenwood = 0.0
    lo: int | None = None
    hi: int | None = None
    for k in range(weeks):
        at_risk = int((last >= k).sum())
        events = int(((last == k) & (housed == 1)).sum())
        if at_risk:
            surv *= 1 - events / at_risk
            if at_risk > events:
                greenwood += events / (at_risk * (at_risk - events))
        cdf.append(1 - surv)
        se = surv * math.sqrt(greenwood) if surv > 0 else 0.0
        if lo is None and surv <= 0.5 + Z95 * se + 1e-12:
            lo = k
        if hi is None and surv < 0.5 - Z95 * se - 1e-12:
            hi = k
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
        median_lo=lo,
        median_hi=hi,
    )
