"""The service runs a planning job's replications on a real Dask cluster (a scheduler and two
workers as their own processes) when ``BOLIGMATCH_DASK_SCHEDULER`` names it, with exactly the
numbers of a local run."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service import settings
from solver.planning.replications import run_scenarios
from solver.planning.scenario import parse_scenario
from tests.dask_cluster import dask_cluster

from .conftest import auth
from .test_scenarios_api import SMALL, _org, wait_job


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as address:
        yield address


@pytest.fixture
def on_cluster(cluster: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The service's settings name the cluster before the app (and its planning child) start."""
    monkeypatch.setenv("BOLIGMATCH_DASK_SCHEDULER", cluster)
    monkeypatch.setenv("BOLIGMATCH_SCENARIO_WORKERS", "1")
    settings.get_settings.cache_clear()
    yield cluster
    settings.get_settings.cache_clear()


def test_a_planning_job_on_the_cluster_equals_the_local_run(
    on_cluster: str, client: TestClient
) -> None:
    h = auth(client, "planner")
    toml = SMALL.format(org=_org())
    r = client.post("/api/v1/scenarios", json={"toml": [toml]}, headers=h)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], h)
    assert job["status"] == "done", job
    assert job["meta"]["scheduler"] == on_cluster

    local = run_scenarios([parse_scenario(tomllib.loads(toml))], workers=1)
    expected = [
        {
            "scenario": row.scenario,
            "kpi": row.kpi,
            "baseline": row.baseline_value.format(2 if row.unit == "share" else 1),
            "scenario_value": row.scenario_value.format(2 if row.unit == "share" else 1),
            "difference": row.difference.format(2 if row.unit == "share" else 1),
        }
        for row in local.table()
    ]
    got = [{k: row[k] for k in expected[0]} for row in job["table"]]
    assert got == expected
