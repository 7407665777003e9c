"""KPIs of simulated replications, their 95 % intervals, and scenario-vs-baseline comparison.

:class:`ReplicationResult` is what one simulated replication yields (end-of-horizon KPIs, weekly
series, the waits of the youths housed). :class:`ScenarioResult` summarises a scenario's
replications as a mean with a 95 % t-interval over replications. :class:`ComparisonResult`
pairs every scenario with the baseline of the same base, horizon, seed and calibration; because
replication ``r`` of both uses the same child seed (common random numbers), the difference is
taken per replication and its interval is the paired one, much narrower than comparing two
independent means.

Results round-trip through JSON (:meth:`ComparisonResult.to_json` / :meth:`from_json`), so the
service can store them and serve them later. NaN (a KPI undefined in a replication, e.g. the
median wait when nobody was housed) is written as ``null`` and left out of intervals.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DECLINE_REASONS = ("pet_not_allowed", "area", "too_expensive", "not_ready", "no_contact")

# Outcome groups (solver.planning.accounting): gender and Greenlandic background for monitoring
# only [000:253-276]; the housing situation at referral.
MONITORING = ("female", "male", "greenlandic", "not_greenlandic")
SITUATIONS = ("street", "shelter", "couch", "institution_exit", "eviction_risk", "unstable_home")

# End-of-horizon KPIs: name -> (label, unit). Order is the table's order.
END_KPIS: dict[str, tuple[str, str]] = {
    "housed": ("Youths housed", "youths"),
    "hindsight_bound": ("Hindsight bound: most that could have been housed", "youths"),
    "hindsight_share": ("Housed ÷ hindsight bound", "share"),
    "wait_median_weeks": ("Median wait of those housed", "weeks"),
    "wait_p90_weeks": ("90th-percentile wait of those housed", "weeks"),
    "housed_within_13w_share": ("New referrals housed within 13 weeks", "share"),
    "queue_end": ("Queue at the end", "youths"),
    "still_homeless_end": ("Still homeless at the end (couch, shelter, street)", "youths"),
    "left_other_routes": ("Left the queue by other routes", "youths"),
    "tenancies_lost": ("Tenancies lost (back in the queue)", "youths"),
    "still_housed_at_horizon": ("Housed in the run and still in that home at the end", "youths"),
    "icm_pending_end": ("ICM youths without a team at the end", "youths"),
    "offers": ("Offers made", "offers"),
    "declines": ("Offers declined", "offers"),
    **{f"declines_{r}": (f"Declined: {r.replace('_', ' ')}", "offers") for r in DECLINE_REASONS},
    "cti_utilisation": ("CTI caseload / capacity (mean over weeks)", "share"),
    "act_utilisation": ("ACT caseload / capacity (mean over weeks)", "share"),
    "icm_utilisation": ("ICM caseload / capacity (mean over weeks)", "share"),
    "quota_use": ("Allocation right in use (mean over weeks)", "share"),
    "housed_share_female": ("Monitoring: share housed, women", "share"),
    "housed_share_male": ("Monitoring: share housed, men", "share"),
    "housed_share_greenlandic": ("Monitoring: share housed, Greenlandic background", "share"),
    "housed_share_not_greenlandic": ("Monitoring: share housed, other background", "share"),
    "wait_median_female": ("Monitoring: median wait of those housed, women", "weeks"),
    "wait_median_male": ("Monitoring: median wait of those housed, men", "weeks"),
    "wait_median_greenlandic": ("Monitoring: median wait, Greenlandic background", "weeks"),
    "wait_median_not_greenlandic": ("Monitoring: median wait, other background", "weeks"),
    **{f"housed_share_{s}": (f"Share housed, {s.replace('_', ' ')}", "share") for s in SITUATIONS},
    **{f"wait_median_{s}": (f"Median wait, {s.replace('_', ' ')}", "weeks") for s in SITUATIONS},
    **{
        f"still_housed_share_{g}": (f"Of those housed, still housed at the end: {g}", "share")
        for g in (*MONITORING, *SITUATIONS)
    },
    **{
        f"queue_end_{s}": (f"Waiting at the end, {s.replace('_', ' ')}", "youths")
        for s in SITUATIONS
    },
}
WEEKLY_KPIS = (
    "queue",
    "housed",
    "offers",
    "declines",
    "arrivals",
    "vacancies",
    "pool",
    "icm_pending",
    "cti_utilisation",
    "act_utilisation",
    "icm_utilisation",
    "quota_use",
)

# Two-sided 95 % Student-t quantiles t(0.975, df) for df = 1..30 (no scipy dependency).
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom.

    Exact table to 30, then the Cornish–Fisher expansion around z = 1.95996 (error < 1e-4).
    """
    if df < 1:
        return math.nan
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


SHARE = (0.0, 1.0)
NONNEGATIVE = (0.0, math.inf)


def kpi_range(unit: str) -> tuple[float, float]:
    """The values a KPI of this unit can take: shares in [0, 1], counts and weeks ≥ 0."""
    return SHARE if unit == "share" else NONNEGATIVE


def weekly_unit(name: str) -> str:
    """The unit of a weekly series (utilisations and the quota use are shares)."""
    return "share" if name.endswith("_utilisation") or name == "quota_use" else "youths"


@dataclass(frozen=True)
class Interval:
    """Mean over replications with a 95 % interval; ``n`` replications where defined.

    Without ``bounds`` the interval is Student's t on the mean (used for paired differences,
    which may be negative). With ``bounds`` it is the t-interval on a transformed scale, mapped
    back (the delta method), so that it never leaves the KPI's range:

    - a count or a number of weeks (``(0, inf)``): ``mean × exp(± t·se / mean)``, the
      log-scale interval;
    - a share (``(0, 1)``): ``expit(logit(mean) ± t·se / (mean (1 − mean)))``, the logit-scale
      interval.

    Both contain the mean, shrink to the plain t-interval as it narrows, and reduce to the
    point when every replication gave the same value (0 or 1 included). A share whose
    replications leave [0, 1] (a team filled beyond a capacity a change lowered) is treated as
    a non-negative number.
    """

    mean: float
    lo: float
    hi: float
    n: int

    @classmethod
    def of(cls, values: Iterable[float], bounds: tuple[float, float] | None = None) -> Interval:
        x = np.array([v for v in values if v is not None and not math.isnan(v)], dtype=float)
        n = len(x)
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        mean = float(x.mean())
        if n == 1:
            return cls(mean, math.nan, math.nan, 1)
        se = float(x.std(ddof=1)) / math.sqrt(n)
        t = t975(n - 1)
        if bounds is None:
            return cls(mean, mean - t * se, mean + t * se, n)
        lo_b, hi_b = bounds
        if hi_b == 1.0 and (x.max() > 1.0):
            hi_b = math.inf
        if x.min() < lo_b or x.max() > hi_b:  # not a value of this KPI: no transform
            return cls(mean, mean - t * se, mean + t * se, n)
        if se == 0.0:
            return cls(mean, mean, mean, n)
        if hi_b == math.inf:  # log scale (mean > 0, since se > 0 and every value ≥ 0)
            spread = math.exp(min(t * se / mean, 700.0))
            return cls(mean, mean / spread, mean * spread, n)
        half = t * se / (mean * (1 - mean))  # logit scale (0 < mean < 1 as se > 0)
        centre = math.log(mean / (1 - mean))
        return cls(mean, _expit(centre - half), _expit(centre + half), n)

    def excludes_zero(self) -> bool:
        return self.n > 1 and (self.lo > 0 or self.hi < 0)

    def format(self, digits: int = 1) -> str:
        if self.n == 0:
            return "–"

        def fixed(x: float) -> str:  # a tiny negative rounds to 0.00, not -0.00
            out = f"{x:.{digits}f}"
            return out[1:] if out.startswith("-") and float(out) == 0 else out

        if self.n == 1 or math.isnan(self.lo):
            return fixed(self.mean)
        return f"{fixed(self.mean)} [{fixed(self.lo)}, {fixed(self.hi)}]"


@dataclass
class ReplicationResult:
    """One simulated replication."""

    replication: int
    end: dict[str, float]
    weekly: dict[str, list[float]]
    wait_hist: list[int]  # wait_hist[k]: youths housed after k to k+1 weeks of waiting
    engine_seconds: float = 0.0  # inside run_case
    total_seconds: float = 0.0
    # Expected-wait tracking (base youths, in case order): last week at risk, and 1 = housed
    # that week, 0 = left the queue or still waiting at the end (censored).
    youth_last_week: list[int] | None = None
    youth_housed: list[int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "replication": self.replication,
            "end": {k: _nan_to_none(v) for k, v in self.end.items()},
            "weekly": {k: [_nan_to_none(x) for x in v] for k, v in self.weekly.items()},
            "wait_hist": self.wait_hist,
            "engine_seconds": round(self.engine_seconds, 4),
            "total_seconds": round(self.total_seconds, 4),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReplicationResult:
        return cls(
            replication=int(d["replication"]),
            end={k: _none_to_nan(v) for k, v in d["end"].items()},
            weekly={k: [_none_to_nan(x) for x in v] for k, v in d["weekly"].items()},
            wait_hist=[int(x) for x in d["wait_hist"]],
            engine_seconds=float(d.get("engine_seconds", 0.0)),
            total_seconds=float(d.get("total_seconds", 0.0)),
        )


def _expit(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _nan_to_none(v: float) -> float | None:
    return None if v is None or math.isnan(v) else v


def _none_to_nan(v: float | None) -> float:
    return math.nan if v is None else float(v)


@dataclass
class ScenarioResult:
    """A scenario's replications and their summaries."""

    name: str
    spec: dict[str, Any]  # ScenarioSpec.describe()
    replications: list[ReplicationResult]
    baseline: str | None = None  # name of the baseline it is compared with; None = a baseline

    def kpis(self) -> dict[str, Interval]:
        """Every end-of-horizon KPI as a mean with its 95 % interval over replications."""
        return {
            k: Interval.of((r.end.get(k, math.nan) for r in self.replications), kpi_range(unit))
            for k, (_, unit) in END_KPIS.items()
        }

    def weekly(self, name: str) -> list[Interval]:
        """A weekly series as one interval per week."""
        if not self.replications:
            return []
        weeks = len(self.replications[0].weekly[name])
        bounds = kpi_range(weekly_unit(name))
        return [
            Interval.of((r.weekly[name][w] for r in self.replications), bounds)
            for w in range(weeks)
        ]

    def waits(self) -> np.ndarray:
        """Pooled histogram of waits (in whole weeks) over all replications."""
        length = max((len(r.wait_hist) for r in self.replications), default=0)
        total = np.zeros(length, dtype=np.int64)
        for r in self.replications:
            total[: len(r.wait_hist)] += np.array(r.wait_hist, dtype=np.int64)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "baseline": self.baseline,
            "spec": self.spec,
            "kpis": {k: _interval_dict(v) for k, v in self.kpis().items()},
            "replications": [r.to_dict() for r in self.replications],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScenarioResult:
        return cls(
            name=d["name"],
            spec=d["spec"],
            replications=[ReplicationResult.from_dict(r) for r in d["replications"]],
            baseline=d.get("baseline"),
        )


def _interval_dict(iv: Interval) -> dict[str, Any]:
    return {
        "mean": _nan_to_none(iv.mean),
        "lo": _nan_to_none(iv.lo),
        "hi": _nan_to_none(iv.hi),
        "n": iv.n,
    }


@dataclass(frozen=True)
class ComparisonRow:
    scenario: str
    baseline: str
    kpi: str
    label: str
    unit: str
    baseline_value: Interval
    scenario_value: Interval
    difference: Interval  # paired per replication (common random numbers)

    def as_csv(self) -> dict[str, Any]:
        def num(x: float) -> str:
            return "" if math.isnan(x) else f"{x:.4f}"

        return {
            "scenario": self.scenario,
            "baseline": self.baseline,
            "kpi": self.kpi,
            "label": self.label,
            "unit": self.unit,
            "baseline_mean": num(self.baseline_value.mean),
            "baseline_lo": num(self.baseline_value.lo),
            "baseline_hi": num(self.baseline_value.hi),
            "scenario_mean": num(self.scenario_value.mean),
            "scenario_lo": num(self.scenario_value.lo),
            "scenario_hi": num(self.scenario_value.hi),
            "difference_mean": num(self.difference.mean),
            "difference_lo": num(self.difference.lo),
            "difference_hi": num(self.difference.hi),
            "replications": self.difference.n,
            "significant": "yes" if self.difference.excludes_zero() else "no",
        }


def compare(baseline: ScenarioResult, scenario: ScenarioResult) -> list[ComparisonRow]:
    """One row per KPI: both values and the paired difference (scenario − baseline)."""
    base_by_rep = {r.replication: r for r in baseline.replications}
    base_k, scen_k = baseline.kpis(), scenario.kpis()
    rows = []
    for kpi, (label, unit) in END_KPIS.items():
        diffs = [
            r.end.get(kpi, math.nan) - base_by_rep[r.replication].end.get(kpi, math.nan)
            for r in scenario.replications
            if r.replication in base_by_rep
        ]
        rows.append(
            ComparisonRow(
                scenario.name,
                baseline.name,
                kpi,
                label,
                unit,
                base_k[kpi],
                scen_k[kpi],
                Interval.of(diffs),
            )
        )
    return rows


@dataclass
class ComparisonResult:
    """Baselines and scenarios of one run; each scenario names the baseline it is paired with."""

    baselines: list[ScenarioResult]
    scenarios: list[ScenarioResult]
    meta: dict[str, Any] = field(default_factory=dict)  # workers, scheduler, wall time, …

    def baseline_of(self, scenario: ScenarioResult) -> ScenarioResult:
        for b in self.baselines:
            if b.name == scenario.baseline:
                return b
        raise KeyError(f"no baseline {scenario.baseline!r}")

    def table(self) -> list[ComparisonRow]:
        rows: list[ComparisonRow] = []
        for s in self.scenarios:
            rows.extend(compare(self.baseline_of(s), s))
        return rows

    def result(self, name: str) -> ScenarioResult:
        for r in [*self.baselines, *self.scenarios]:
            if r.name == name:
                return r
        raise KeyError(f"no scenario {name!r}")

    # ----------------------------------------------------------------- storage

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "boligmatch-scenarios/1",
                "meta": self.meta,
                "baselines": [b.to_dict() for b in self.baselines],
                "scenarios": [s.to_dict() for s in self.scenarios],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ComparisonResult:
        d = json.loads(text)
        if d.get("format") != "boligmatch-scenarios/1":
            raise ValueError("Not a boligmatch scenario result.")
        return cls(
            baselines=[ScenarioResult.from_dict(b) for b in d["baselines"]],
            scenarios=[ScenarioResult.from_dict(s) for s in d["scenarios"]],
            meta=d.get("meta", {}),
        )

    def write(self, out_dir: Path, *, plots: bool = True) -> dict[str, Path]:
        """Write result.json, comparison.csv, kpis.csv, weekly.csv and the plots (PNG + SVG)."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        paths["json"] = out_dir / "result.json"
        paths["json"].write_text(self.to_json() + "\n", encoding="utf-8")
        paths["comparison"] = out_dir / "comparison.csv"
        write_comparison_csv(self.table(), paths["comparison"])
        paths["kpis"] = out_dir / "kpis.csv"
        _write_rows(
            paths["kpis"],
            [
                {
                    "scenario": r.name,
                    "kpi": k,
                    "mean": _fmt(iv.mean),
                    "lo": _fmt(iv.lo),
                    "hi": _fmt(iv.hi),
                    "replications": iv.n,
                }
                for r in [*self.baselines, *self.scenarios]
                for k, iv in r.kpis().items()
            ],
        )
        paths["weekly"] = out_dir / "weekly.csv"
        rows = []
        for r in [*self.baselines, *self.scenarios]:
            series = {k: r.weekly(k) for k in WEEKLY_KPIS}
            for w in range(len(series["queue"])):
                row: dict[str, Any] = {"scenario": r.name, "week": w + 1}
                for k in WEEKLY_KPIS:
                    iv = series[k][w]
                    row[k] = _fmt(iv.mean)
                    row[f"{k}_lo"] = _fmt(iv.lo)
                    row[f"{k}_hi"] = _fmt(iv.hi)
                rows.append(row)
        _write_rows(paths["weekly"], rows)
        if plots:
            from solver.reports.plots import plot_queue_length, plot_wait_distribution

            paths.update(plot_queue_length(self, out_dir / "queue_length"))
            paths.update(plot_wait_distribution(self, out_dir / "wait_distribution"))
        return paths


def _fmt(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.4f}"


def write_comparison_csv(rows: Sequence[ComparisonRow], path: Path) -> None:
    _write_rows(path, [r.as_csv() for r in rows])


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        if not rows:
            return
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# The KPIs shown on screen and in notes; the CSV has them all.
HEADLINE_KPIS = (
    "housed",
    "hindsight_share",
    "wait_median_weeks",
    "wait_p90_weeks",
    "housed_within_13w_share",
    "queue_end",
    "still_homeless_end",
    "tenancies_lost",
    "still_housed_at_horizon",
    "declines",
    "cti_utilisation",
    "icm_pending_end",
    "quota_use",
)


def _cell(iv: Interval, unit: str) -> str:
    return iv.format(2 if unit == "share" else 1)


def format_table(rows: Sequence[ComparisonRow], kpis: Sequence[str] = HEADLINE_KPIS) -> Any:
    """A rich Table of the headline KPIs: baseline, scenario, difference [95 % interval]."""
    from rich.table import Table

    table = Table(title="Scenarios against their baseline (mean [95 % interval])")
    for name in ("scenario", "KPI", "baseline", "scenario value", "difference"):
        table.add_column(name, overflow="fold")
    for r in rows:
        if r.kpi not in kpis:
            continue
        diff = _cell(r.difference, r.unit)
        if r.difference.excludes_zero():
            diff = f"[bold]{diff}[/bold]"
        table.add_row(
            r.scenario,
            r.label,
            _cell(r.baseline_value, r.unit),
            _cell(r.scenario_value, r.unit),
            diff,
        )
    return table


def format_kpi_table(results: Sequence[ScenarioResult], kpis: Sequence[str] = HEADLINE_KPIS) -> Any:
    """A rich Table of each result's own headline KPIs (a run with baselines only)."""
    from rich.table import Table

    table = Table(title="Scenario KPIs (mean [95 % interval])")
    table.add_column("KPI", overflow="fold")
    for r in results:
        table.add_column(r.name, overflow="fold")
    values = [r.kpis() for r in results]
    for kpi in kpis:
        label, unit = END_KPIS[kpi]
        table.add_row(label, *(_cell(v[kpi], unit) for v in values))
    return table


def markdown_table(rows: Sequence[ComparisonRow], kpis: Sequence[str] = HEADLINE_KPIS) -> str:
    """The same table as Markdown (for notes and the README)."""
    lines = [
        "| scenario | KPI | baseline | scenario | difference (paired) |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        if r.kpi in kpis:
            diff = _cell(r.difference, r.unit)
            if r.difference.excludes_zero():
                diff = f"**{diff}**"
            lines.append(
                f"| {r.scenario} | {r.label} | {_cell(r.baseline_value, r.unit)} | "
                f"{_cell(r.scenario_value, r.unit)} | {diff} |"
            )
    return "\n".join(lines)
