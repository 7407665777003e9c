"""The expected wait's median interval (Brookmeyer–Crowley with Greenwood's variance) and the
reach of the default horizon."""

from __future__ import annotations

import math

import numpy as np

from solver.planning.expected_wait import WAIT_REPLICATIONS, WAIT_WEEKS, _kaplan_meier


def _binomial_interval(n: int, weeks: int, housed_at: list[int]) -> tuple[int | None, int | None]:
    """Without censoring Greenwood's variance is the binomial S(1 − S)/n: the same interval,
    computed from the empirical distribution directly."""
    lo = hi = None
    for k in range(weeks):
        s = sum(1 for h in housed_at if h > k) / n
        se = math.sqrt(s * (1 - s) / n)
        if lo is None and s <= 0.5 + 1.959964 * se + 1e-12:
            lo = k
        if hi is None and s < 0.5 - 1.959964 * se - 1e-12:
            hi = k
    return lo, hi


def test_the_median_interval_against_the_binomial_form() -> None:
    weeks = 12
    housed_at = list(range(10))  # replication r housed in week r
    d = _kaplan_meier("Y", np.array(housed_at), np.ones(10, dtype=np.int64), weeks)
    assert d.median == 4
    assert (d.median_lo, d.median_hi) == _binomial_interval(10, weeks, housed_at) == (2, 7)
    assert d.half_width == 2.5
    assert d.to_dict()["median_interval"] == [2, 7] and d.to_dict()["median_half_width"] == 2.5


def test_more_replications_of_the_same_spread_narrow_the_interval() -> None:
    few = _kaplan_meier("Y", np.arange(10), np.ones(10, dtype=np.int64), 12)
    many = _kaplan_meier("Y", np.repeat(np.arange(10), 8), np.ones(80, dtype=np.int64), 12)
    assert many.median == few.median
    assert many.half_width is not None and few.half_width is not None
    assert many.half_width < few.half_width


def test_a_wait_beyond_the_horizon_has_an_open_interval() -> None:
    # Still waiting at the end in every replication (censored at the last week).
    d = _kaplan_meier("Y", np.full(5, 7), np.zeros(5, dtype=np.int64), 8)
    assert d.median is None and d.median_hi is None and d.half_width is None


def test_the_defaults_reach_a_year() -> None:
    assert WAIT_WEEKS == 52 and WAIT_REPLICATIONS == 40
