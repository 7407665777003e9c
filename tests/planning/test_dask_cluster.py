"""Replications on a real Dask cluster (a scheduler and two workers, each its own process, not a
LocalCluster in the test process) give exactly the local numbers: through an address (the
library and the CLI, in a process that holds no client), and for expected waits."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from solver.caseio.read import read_case
from solver.planning.expected_wait import expected_waits
from solver.planning.kpi import ReplicationResult
from solver.planning.replications import run_replications, run_scenarios
from solver.planning.scenario import ScenarioSpec
from tests.dask_cluster import dask_cluster

ROOT = Path(__file__).resolve().parents[2]
NAESTVED = read_case(ROOT / "data" / "fixtures" / "naestved")
BOLIGMATCH = Path(sys.executable).with_name("boligmatch")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as address:
        yield address


def _numbers(r: ReplicationResult) -> tuple:
    end = {k: (None if math.isnan(v) else v) for k, v in r.end.items()}
    weekly = {k: [None if math.isnan(x) else x for x in v] for k, v in r.weekly.items()}
    return r.replication, end, weekly, r.wait_hist


def _spec(**kw: object) -> ScenarioSpec:
    return ScenarioSpec(name="s", base="naestved", case=NAESTVED, horizon_weeks=5,
                        replications=4, seed=21, **kw)  # type: ignore[arg-type]  # fmt: skip


def test_no_default_client_in_this_process() -> None:
    from distributed.client import _get_global_client

    assert _get_global_client() is None


def test_replications_on_the_cluster_equal_the_local_ones(cluster: str) -> None:
    s = _spec()
    local = run_replications([s], workers=1)[0]
    seen: list[tuple[int, int]] = []
    remote = run_replications([s], scheduler=cluster, progress=lambda d, t: seen.append((d, t)))[0]
    assert [_numbers(r) for r in remote] == [_numbers(r) for r in local]
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    by_address = run_scenarios([s], scheduler=cluster)
    assert by_address.meta["scheduler"] == cluster
    assert [_numbers(r) for r in by_address.baselines[0].replications] == [
        _numbers(r) for r in local
    ]


def test_expected_waits_on_the_cluster_equal_the_local_ones(cluster: str) -> None:
    refs = [y.ref for y in NAESTVED.youths[:5]]
    local = expected_waits(NAESTVED, refs, weeks=4, replications=3, seed=2, workers=1)
    remote = expected_waits(NAESTVED, refs, weeks=4, replications=3, seed=2, scheduler=cluster)
    assert {k: v.to_dict() for k, v in remote.items()} == {k: v.to_dict() for k, v in local.items()}


def test_the_cli_runs_on_the_cluster_and_gets_the_local_result(
    cluster: str, tmp_path: Path
) -> None:
    f = tmp_path / "s.toml"
    f.write_text('name = "s"\nbase = "naestved"\nhorizon_weeks = 5\nreplications = 3\nseed = 4\n',
                 encoding="utf-8")  # fmt: skip

    def run(*extra: str) -> dict:
        out = tmp_path / ("remote" if extra else "local")
        done = subprocess.run(
            [str(BOLIGMATCH), "scenario", "run", str(f), "--out", str(out), "-q", *extra],
            capture_output=True, text=True, timeout=600, cwd=ROOT,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads((out / "result.json").read_text(encoding="utf-8"))

    local = run("--workers", "1")
    remote = run("--scheduler", cluster)
    assert remote["meta"]["scheduler"] == cluster
    strip = ("engine_seconds", "total_seconds")

    def numbers(d: dict) -> list:
        return [
            {k: v for k, v in r.items() if k not in strip}
            for r in d["baselines"][0]["replications"]
        ]

    assert numbers(remote) == numbers(local)
    assert remote["baselines"][0]["kpis"] == local["baselines"][0]["kpis"]
