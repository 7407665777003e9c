"""The planning simulation: determinism wherever it runs (in process, process pool, Dask),
conservation of youths, common random numbers, monotonicity sanity on small cases, the
expected-wait estimator, scenario files (shipped ones load; invalid ones name the key), and the
CLI."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from service.cli import app
from solver.caseio.read import read_case
from solver.planning.expected_wait import _kaplan_meier, expected_wait
from solver.planning.kpi import ComparisonResult, Interval, ReplicationResult
from solver.planning.replications import planned_replications, run_replications, run_scenarios
from solver.planning.scenario import (
    AddDwellings,
    ScaleArrivals,
    ScenarioError,
    ScenarioSpec,
    SupportTeamChange,
    load_scenario,
    parse_scenario,
)
from solver.planning.simulate import simulate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "data" / "fixtures"
NAESTVED = read_case(FIXTURES / "naestved")
runner = CliRunner()


def spec(
    horizon: int = 8, reps: int = 3, seed: int = 11, changes: tuple = (), **kw
) -> ScenarioSpec:
    return ScenarioSpec(name=kw.pop("name", "s"), base="naestved", case=NAESTVED,
                        horizon_weeks=horizon, replications=reps, seed=seed, changes=changes,
                        **kw)  # fmt: skip


def _numbers(r: ReplicationResult) -> tuple:
    """Everything a replication reports, NaN made comparable."""
    end = {k: (None if math.isnan(v) else v) for k, v in r.end.items()}
    weekly = {k: [None if math.isnan(x) else x for x in v] for k, v in r.weekly.items()}
    return end, weekly, r.wait_hist


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    s = spec()
    assert _numbers(simulate(s, 1)) == _numbers(simulate(s, 1))
    assert _numbers(simulate(s, 1)) != _numbers(simulate(s, 2))
    assert _numbers(simulate(s, 1)) != _numbers(simulate(replace(s, seed=12), 1))


def test_where_replications_run_never_changes_the_numbers() -> None:
    s = spec(reps=4)
    local = run_replications([s], workers=1)[0]
    pooled = run_replications([s], workers=2)[0]
    assert [_numbers(r) for r in local] == [_numbers(r) for r in pooled]
    assert [r.replication for r in pooled] == [0, 1, 2, 3]


def test_the_dask_path_gives_the_same_numbers_on_a_local_cluster() -> None:
    from distributed import Client, LocalCluster

    s = spec(reps=3)
    local = run_replications([s], workers=1)[0]
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,  # fmt: skip
        Client(cluster) as client,
    ):
        seen: list[tuple[int, int]] = []
        remote = run_replications([s], scheduler=client, progress=lambda d, t: seen.append((d, t)))
        by_address = run_scenarios([s], scheduler=cluster.scheduler_address)
    assert [_numbers(r) for r in remote[0]] == [_numbers(r) for r in local]
    assert seen[-1] == (3, 3)
    assert by_address.meta["scheduler"] == cluster.scheduler_address


# --------------------------------------------------------------------------- accounting


def test_every_youth_is_accounted_for() -> None:
    """Waiting at the end = at the start + arrivals − housed − left by other routes + homes
    lost (back in the queue); every offer is accepted or declined; the weekly series add up to
    the end KPIs."""
    for r in run_replications([spec(horizon=10, reps=4)], workers=1)[0]:
        e, w = r.end, r.weekly
        arrivals = sum(w["arrivals"])
        assert (
            e["queue_end"]
            == len(NAESTVED.youths)
            + arrivals
            - e["housed"]
            - e["left_other_routes"]
            + e["tenancies_lost"]
        )
        assert e["housed"] == sum(w["housed"]) == sum(r.wait_hist)
        assert e["offers"] == sum(w["offers"]) == e["housed"] + e["declines"]
        assert e["declines"] == sum(e[k] for k in e if k.startswith("declines_"))
        assert w["queue"][-1] == e["queue_end"]
        assert e["still_homeless_end"] <= e["queue_end"]
        assert 0 <= e["quota_use"] <= 1


def test_a_change_that_changes_nothing_gives_a_zero_paired_difference() -> None:
    """Common random numbers: a scenario identical in effect to its baseline sees exactly the
    same arrivals, vacancies and offer decisions."""
    same = spec(reps=3, changes=(ScaleArrivals(1.0, 1),), name="no-op")
    result = run_scenarios([same], workers=1)
    for row in result.table():
        assert row.difference.n == 0 or row.difference.mean == 0, row


def test_planned_replications_counts_the_implicit_baselines() -> None:
    a, b = spec(changes=(ScaleArrivals(2.0, 1),)), spec(changes=(ScaleArrivals(0.5, 1),))
    assert planned_replications([a, b]) == 3 * 3  # one shared baseline
    assert planned_replications([a, replace(b, seed=99)]) == 4 * 3  # two baselines
    assert planned_replications([a, b.as_baseline()]) == 2 * 3  # an explicit one
    assert planned_replications([a], replications=5) == 10
    result = run_scenarios([a, b], workers=1)
    assert sum(len(s.replications) for s in [*result.baselines, *result.scenarios]) == 9


# --------------------------------------------------------------------------- monotonicity


def _housed_difference(change: object, *, horizon: int = 10, reps: int = 8) -> Interval:
    result = run_scenarios([spec(horizon=horizon, reps=reps, changes=(change,))], workers=1)
    return next(r.difference for r in result.table() if r.kpi == "housed")


def test_adding_dwellings_never_lowers_the_housed_count_beyond_noise() -> None:
    org = NAESTVED.units[0].organisation
    few = _housed_difference(AddDwellings(org, NAESTVED.units[0].dwelling_type, rent=2000,
                                          count=2, start_week=1))  # fmt: skip
    many = _housed_difference(AddDwellings(org, NAESTVED.units[0].dwelling_type, rent=2000,
                                           count=15, start_week=1))  # fmt: skip
    assert few.hi >= 0 and many.hi >= 0  # never lower by more than noise
    assert many.mean > 0 and many.lo > 0  # and clearly higher with many
    assert many.mean >= few.mean


def test_more_support_workers_never_lower_the_housed_count_beyond_noise() -> None:
    team = next(t.team for t in NAESTVED.teams if t.method.value == "CTI")
    diff = _housed_difference(SupportTeamChange(team, add_workers=3))
    assert diff.hi >= 0


def test_fewer_arrivals_shorten_the_queue() -> None:
    result = run_scenarios([spec(horizon=10, reps=5, changes=(ScaleArrivals(0.0, 1),))],
                           workers=1)  # fmt: skip
    queue = next(r.difference for r in result.table() if r.kpi == "queue_end")
    assert queue.mean < 0 and queue.hi <= 0


# --------------------------------------------------------------------------- expected wait


def test_kaplan_meier_against_a_hand_computation() -> None:
    # 4 replications over 4 weeks: housed in week 0; housed in week 2; left in week 1 (censored);
    # still waiting at the end (censored at week 3).
    last = np.array([0, 2, 1, 3])
    housed = np.array([1, 1, 0, 0])
    d = _kaplan_meier("Y", last, housed, 4)
    # week 0: 1 of 4 at risk housed -> S = 3/4; week 1: 0 of 3; week 2: 1 of 2 -> S = 3/8
    assert d.cdf == pytest.approx((0.25, 0.25, 0.625, 0.625))
    assert d.quantiles[0.25] == 0 and d.quantiles[0.5] == 2 and d.quantiles[0.75] is None
    assert d.housed_share == 0.5 and d.left_share == 0.25


def test_the_first_in_line_with_a_dwelling_this_week_usually_gets_it_at_once() -> None:
    from solver.engine.week import run_case

    week = run_case(NAESTVED)
    first = week.matches[0].youth_ref
    never = week.unmatched[-1].youth_ref  # not matched this week: cannot be housed in week 0
    dist = expected_wait(NAESTVED, first, weeks=6, replications=10, seed=3, workers=1)
    assert dist.cdf[0] >= 0.5  # the offer is made this week; most offers are accepted
    blocked = expected_wait(NAESTVED, never, weeks=6, replications=10, seed=3, workers=1)
    assert blocked.cdf[0] == 0.0
    assert dist.cdf[-1] >= blocked.cdf[-1]


# --------------------------------------------------------------------------- scenario files


def test_every_shipped_scenario_loads_and_cites_its_source() -> None:
    files = sorted((ROOT / "scenarios").glob("*.toml"))
    assert len(files) >= 6
    for f in files:
        s = load_scenario(f)
        text = f.read_text(encoding="utf-8")
        assert text.startswith("#") and ("[0" in text or "domain.md" in text), f
        assert s.horizon_weeks == 52 and s.replications == 100 and s.base == "copenhagen"
    assert sum(1 for f in files if load_scenario(f).changes) >= 5


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        ({"horizon_weeks": 0}, "horizon_weeks"),
        ({"replications": "many"}, "replications"),
        ({"base": "atlantis"}, "base"),
        ({"colour": "blue"}, "colour"),
        ({"changes": [{"kind": "teleport"}]}, "changes[1].kind"),
        ({"changes": [{"kind": "support_team", "team": "NOPE", "add_workers": 1}]},
         "changes[1].team"),
        ({"changes": [{"kind": "quota_rate", "rate": "2/1"}]}, "changes[1].rate"),
        ({"changes": [{"kind": "rent_ceiling", "subsidy": 500, "ceiling": 3000}]},
         "changes[1].subsidy"),
        ({"changes": [{"kind": "scale_arrivals", "factor": 2.0, "start_week": 99}]},
         "changes[1].start_week"),
        ({"calibration": {"leave_per_week": 2}}, "calibration.leave_per_week"),
    ],
)  # fmt: skip
def test_invalid_scenarios_name_the_key(patch: dict, key: str) -> None:
    data = {"base": "naestved", "horizon_weeks": 10, "replications": 2, **patch}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="x.toml")
    assert any(line.startswith(f"x.toml: {key}") for line in err.value.issues), err.value.issues


# --------------------------------------------------------------------------- CLI


def test_cli_scenario_run_writes_table_csv_json_and_plots(tmp_path: Path) -> None:
    f = tmp_path / "extra.toml"
    f.write_text(
        f"""name = "extra"\nbase = "naestved"\nhorizon_weeks = 5\nreplications = 2\n
[[changes]]\nkind = "add_dwellings"\norganisation = "{NAESTVED.units[0].organisation}"
dwelling_type = "youth"\nrent = 2400\ncount = 3\n""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = runner.invoke(app, ["scenario", "run", str(f), "--out", str(out), "-q", "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "extra" in r.stdout and "Youths housed" in r.stdout
    for name in ("result.json", "comparison.csv", "kpis.csv", "weekly.csv", "queue_length.png",
                 "queue_length.svg", "wait_distribution.png", "wait_distribution.svg"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    back = ComparisonResult.from_json((out / "result.json").read_text(encoding="utf-8"))
    assert [s.name for s in back.scenarios] == ["extra"]
    assert len(back.scenarios[0].replications) == 2


def test_cli_scenario_run_rejects_a_bad_file_naming_the_key(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('base = "naestved"\nhorizon_weeks = -1\n', encoding="utf-8")
    r = runner.invoke(app, ["scenario", "run", str(f), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "horizon_weeks" in r.stderr and not (tmp_path / "o").exists()


def test_cli_queue_prints_position_and_expected_wait() -> None:
    ref = NAESTVED.youths[0].ref
    r = runner.invoke(app, ["queue", str(FIXTURES / "naestved"), ref, "--weeks", "4",
                            "--replications", "3"])  # fmt: skip
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["youth_ref"] == ref and body["position"] >= 1
    assert len(body["expected_wait"]["cdf"]) == 4 and body["expected_wait"]["replications"] == 3
    r = runner.invoke(app, ["queue", str(FIXTURES / "naestved"), "NOPE"])
    assert r.exit_code == 2 and "NOPE" in r.stderr
