"""Honest intervals (every KPI's interval inside its range), a baseline alone prints its own
KPIs, and ``--seed`` on ``boligmatch scenario run``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from service.cli import app
from solver.caseio.read import read_case
from solver.planning.kpi import END_KPIS, WEEKLY_KPIS, Interval, kpi_range, weekly_unit
from solver.planning.replications import run_scenarios
from solver.planning.scenario import ScenarioSpec

ROOT = Path(__file__).resolve().parents[2]
NAESTVED = read_case(ROOT / "data" / "fixtures" / "naestved")
runner = CliRunner()

shares = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=2, max_size=40)
counts = st.lists(
    st.one_of(st.integers(0, 5).map(float), st.floats(0.0, 1e4, allow_nan=False)),
    min_size=2,
    max_size=40,
)


def _inside(iv: Interval, lo: float, hi: float) -> None:
    assert lo <= iv.lo <= iv.mean + 1e-9, iv
    assert iv.mean - 1e-9 <= iv.hi <= hi, iv


@settings(max_examples=300, deadline=None)
@given(shares)
def test_a_share_interval_stays_in_0_1(values: list[float]) -> None:
    _inside(Interval.of(values, kpi_range("share")), 0.0, 1.0)


@settings(max_examples=300, deadline=None)
@given(counts)
def test_a_count_interval_stays_non_negative(values: list[float]) -> None:
    _inside(Interval.of(values, kpi_range("youths")), 0.0, math.inf)


def test_the_intervals_of_the_issue_now_stay_in_range() -> None:
    # A utilisation near 1 and a rare count with one large replication: the t-interval left
    # the range ("0,99 [0,83; 1,15]", "4,5 [-27,3; 36,3]").
    share = Interval.of([1.0, 1.0, 0.97], kpi_range("share"))
    assert Interval.of([1.0, 1.0, 0.97]).hi > 1.0  # the plain t-interval
    _inside(share, 0.0, 1.0)
    count = Interval.of([0.0, 9.0], kpi_range("offers"))
    assert Interval.of([0.0, 9.0]).lo < 0
    _inside(count, 0.0, math.inf)
    # All replications equal: the point, at the edges too.
    assert Interval.of([0.0, 0.0, 0.0], kpi_range("share")) == Interval(0.0, 0.0, 0.0, 3)
    assert Interval.of([1.0, 1.0], kpi_range("share")) == Interval(1.0, 1.0, 1.0, 2)


def test_every_simulated_interval_lies_inside_its_kpis_range() -> None:
    s = ScenarioSpec(name="base", base="naestved", case=NAESTVED, horizon_weeks=6,
                     replications=4, seed=3)  # fmt: skip
    result = run_scenarios([s], workers=1)
    [base] = result.baselines
    checked = 0
    for name, iv in base.kpis().items():
        lo, hi = kpi_range(END_KPIS[name][1])
        if iv.n > 1:
            _inside(iv, lo, hi)
            checked += 1
    for name in WEEKLY_KPIS:
        lo, hi = kpi_range(weekly_unit(name))
        for iv in base.weekly(name):
            if iv.n > 1:
                _inside(iv, lo, hi)
    assert checked > 10


def _scenario(tmp_path: Path, seed: int = 5) -> Path:
    f = tmp_path / "base.toml"
    f.write_text(f'name = "mine"\nbase = "naestved"\nhorizon_weeks = 4\nreplications = 2\n'
                 f"seed = {seed}\n", encoding="utf-8")  # fmt: skip
    return f


def test_a_baseline_alone_prints_its_own_kpis(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = runner.invoke(app, ["scenario", "run", str(_scenario(tmp_path)), "--out", str(out),
                            "-q", "--workers", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "mine" in r.stdout and "Youths housed" in r.stdout and "Queue at the end" in r.stdout
    back = json.loads((out / "result.json").read_text(encoding="utf-8"))
    housed = back["baselines"][0]["kpis"]["housed"]["mean"]
    assert f"{housed:.1f}" in r.stdout


@pytest.mark.parametrize("flag", [[], ["--seed", "5"], ["--seed", "6"]])
def test_cli_seed_overrides_the_files(tmp_path: Path, flag: list[str]) -> None:
    out = tmp_path / "out"
    r = runner.invoke(app, ["scenario", "run", str(_scenario(tmp_path)), "--out", str(out),
                            "-q", "--workers", "1", *flag])  # fmt: skip
    assert r.exit_code == 0, r.output
    back = json.loads((out / "result.json").read_text(encoding="utf-8"))
    spec = back["baselines"][0]["spec"]
    assert spec["seed"] == (int(flag[1]) if flag else 5)
    reps = [rep["end"] for rep in back["baselines"][0]["replications"]]
    same = run_scenarios([ScenarioSpec(name="mine", base="naestved", case=NAESTVED,
                                       horizon_weeks=4, replications=2, seed=spec["seed"])],
                         workers=1)  # fmt: skip
    assert reps == [rep.to_dict()["end"] for rep in same.baselines[0].replications]


def test_cli_seed_must_not_be_negative(tmp_path: Path) -> None:
    r = runner.invoke(app, ["scenario", "run", str(_scenario(tmp_path)), "--seed", "-1"])
    assert r.exit_code == 2
