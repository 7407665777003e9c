"""Plots of a scenario comparison, written as PNG and SVG.

Uses matplotlib's object API on the Agg canvas (no ``pyplot`` state), so it is safe to call from
a web worker or thread. Files carry no creation date, so the same result gives the same SVG.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from solver.planning.kpi import ComparisonResult, Interval, ScenarioResult

# Axis texts: English for the CLI and files, Danish for the planner's pages.
TEXTS = {
    "en": {
        "week": "week",
        "waiting": "youths waiting",
        "queue_title": "Queue length (mean, 95 % interval over replications)",
        "per_bin": "share per {width}-week bin",
        "wait_x": "weeks from referral to move-in",
        "share_housed": "share of those housed",
        "within_title": "Housed within x weeks",
        "hist_title": "Wait distribution of those housed",
        "bars_note": "mean and 95 % interval over replications",
    },
    "da": {
        "week": "uge",
        "waiting": "ventende unge",
        "queue_title": "Kølængde (gennemsnit, 95 %-interval over gentagelserne)",
        "per_bin": "andel pr. {width} uger",
        "wait_x": "uger fra henvisning til indflytning",
        "share_housed": "andel af dem, der fik bolig",
        "within_title": "Fik bolig inden for x uger",
        "hist_title": "Ventetid for dem, der fik bolig",
        "bars_note": "gennemsnit og 95 %-interval over gentagelserne",
    },
}

_COLORS = ("#222222", "#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f")


def _series(comparison: ComparisonResult) -> list[ScenarioResult]:
    return [*comparison.baselines, *comparison.scenarios]


def _legend(result: ScenarioResult, names: Mapping[str, str] | None) -> str:
    """A series' legend: its name in the reader's words where ``names`` has them."""
    return (names or {}).get(result.name, result.name)


def _save(fig: Figure, stem: Path, key: str) -> dict[str, Path]:
    FigureCanvasAgg(fig)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=120, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    return {f"{key}_png": png, f"{key}_svg": svg}


def plot_queue_length(
    comparison: ComparisonResult,
    stem: Path,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Youths waiting at the end of each week: mean over replications with its 95 % band;
    ``names`` gives a series' legend in the reader's words (its name otherwise)."""
    t = TEXTS[lang]
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    for k, result in enumerate(_series(comparison)):
        ivs = result.weekly("queue")
        if not ivs:
            continue
        weeks = np.arange(1, len(ivs) + 1)
        mean = np.array([iv.mean for iv in ivs])
        lo = np.array([iv.lo for iv in ivs])
        hi = np.array([iv.hi for iv in ivs])
        color = _COLORS[k % len(_COLORS)]
        style = "--" if result.baseline is None else "-"
        ax.plot(weeks, mean, style, color=color, label=_legend(result, names), linewidth=1.6)
        if not np.isnan(lo).all():
            ax.fill_between(weeks, lo, hi, color=color, alpha=0.15, linewidth=0)
    ax.set_xlabel(t["week"])
    ax.set_ylabel(t["waiting"])
    ax.set_title(t["queue_title"])
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return _save(fig, Path(stem), "queue_length")


def plot_wait_distribution(
    comparison: ComparisonResult,
    stem: Path,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Waits of the youths housed during the horizon: share housed within x weeks (all
    replications pooled), and the histogram of waits; ``names`` as for the queue length."""
    t = TEXTS[lang]
    fig = Figure(figsize=(10, 4.5), layout="constrained")
    cdf_ax, hist_ax = fig.subplots(1, 2)
    for k, result in enumerate(_series(comparison)):
        hist = result.waits()
        if hist.sum() == 0:
            continue
        color = _COLORS[k % len(_COLORS)]
        style = "--" if result.baseline is None else "-"
        weeks = np.arange(len(hist) + 1)
        cdf = np.concatenate([[0.0], np.cumsum(hist) / hist.sum()])
        legend = _legend(result, names)
        cdf_ax.step(weeks, cdf, style, where="post", color=color, label=legend)
        width = max(1, int(np.ceil(len(hist) / 30)))  # about 30 bars whatever the horizon
        padded = np.concatenate([hist, np.zeros((-len(hist)) % width, dtype=hist.dtype)])
        binned = padded.reshape(-1, width).sum(axis=1) / hist.sum()
        edges = np.arange(len(binned) + 1) * width
        hist_ax.stairs(binned, edges, color=color, linestyle=style, label=legend)
        hist_ax.set_ylabel(t["per_bin"].format(width=width))
    cdf_ax.set_xlabel(t["wait_x"])
    cdf_ax.set_ylabel(t["share_housed"])
    cdf_ax.set_title(t["within_title"])
    cdf_ax.grid(alpha=0.3)
    cdf_ax.legend(loc="lower right", fontsize="small")
    hist_ax.set_xlabel(t["wait_x"])
    hist_ax.set_title(t["hist_title"])
    hist_ax.grid(alpha=0.3)
    return _save(fig, Path(stem), "wait_distribution")


def plot_kpi_bars(
    names: list[str], intervals: list[Interval], title: str, lang: str = "en"
) -> bytes:
    """One KPI across scenarios (side by side): a bar per scenario at its mean with its 95 %
    interval, as PNG bytes (for the planner's comparison page)."""
    import io

    fig = Figure(figsize=(8, 0.6 * len(names) + 1.4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(names))
    mean = np.array([iv.mean for iv in intervals], dtype=float)
    lo = np.array([iv.lo for iv in intervals], dtype=float)
    hi = np.array([iv.hi for iv in intervals], dtype=float)
    colors = [_COLORS[k % len(_COLORS)] for k in range(len(names))]
    ax.barh(y, np.nan_to_num(mean), color=colors, alpha=0.8)
    ok = ~(np.isnan(lo) | np.isnan(hi))
    if ok.any():
        err = np.vstack([mean[ok] - lo[ok], hi[ok] - mean[ok]])
        ax.errorbar(mean[ok], y[ok], xerr=err, fmt="none", ecolor="#000000", capsize=4)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_title(f"{title} ({TEXTS[lang]['bars_note']})", fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, metadata={"Software": None})
    return out.getvalue()
