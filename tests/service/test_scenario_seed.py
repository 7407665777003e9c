"""A planning job's seed override (API ``seed``): the same seed gives the file's numbers, another
seed other numbers; a bad seed is a 422 naming the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service import settings

from .conftest import auth
from .test_scenarios_api import SMALL, _org, wait_job


@pytest.fixture(autouse=True)
def _one_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BOLIGMATCH_SCENARIO_WORKERS", "1")
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


def _csv(client: TestClient, body: dict, h: dict[str, str]) -> str:
    r = client.post("/api/v1/scenarios", json=body, headers=h)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], h)
    assert job["status"] == "done", job
    return client.get(f"/api/v1/scenarios/{job['id']}/comparison.csv", headers=h).text


def test_a_job_seed_overrides_the_files(client: TestClient) -> None:
    h = auth(client, "planner")
    toml = [SMALL.format(org=_org())]  # seed = 7 in the file
    as_file = _csv(client, {"toml": toml}, h)
    assert _csv(client, {"toml": toml, "seed": 7}, h) == as_file
    assert _csv(client, {"toml": toml, "seed": 8}, h) != as_file
    for bad in (-1, "7", 2**40):
        r = client.post("/api/v1/scenarios", json={"toml": toml, "seed": bad}, headers=h)
        assert r.status_code == 422 and "seed" in r.text, r.text
