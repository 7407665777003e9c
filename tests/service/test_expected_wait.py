"""Expected wait on the queue endpoint: computed off the request by the real simulation, served
per pool version, marked stale while a changed pool is recomputed, and equal to calling the
simulation directly on the same snapshot."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlmodel import Session

from service import db
from service.settings import get_settings
from service.usecases import waits
from service.usecases.data import live_case
from solver.planning.expected_wait import expected_wait

from .conftest import auth, import_fixture, run_week


def _queue(client: TestClient, ref: str, user: str = "alloc") -> dict:
    r = client.get(f"/api/v1/youths/{ref}/queue", headers=auth(client, user))
    assert r.status_code == 200, r.text
    return r.json()


def _waiting_ref(client: TestClient) -> str:
    youths = client.get("/api/v1/youths", headers=auth(client, "alloc")).json()
    return next(y["ref"] for y in youths if y["status"] == "waiting")


def test_expected_wait_is_computed_in_the_background_and_matches_the_simulation(
    client: TestClient,
) -> None:
    import_fixture(client)
    ref = _waiting_ref(client)
    first = _queue(client, ref)["expected_wait"]
    assert first["status"] in ("computing", "ready")  # never blocks the request
    waits.wait_until_ready()
    ready = _queue(client, ref)["expected_wait"]
    assert ready["status"] == "ready", ready
    s = get_settings()
    assert ready["weeks"] == s.expected_wait_weeks and ready["replications"] == 3
    cdf = ready["cdf"]
    assert len(cdf) == s.expected_wait_weeks
    assert all(0 <= a <= b <= 1 for a, b in itertools.pairwise(cdf))
    with Session(db.get_engine()) as session:
        case = live_case(session)
    direct = expected_wait(case, ref, weeks=s.expected_wait_weeks,
                           replications=s.expected_wait_replications, seed=s.expected_wait_seed,
                           workers=1).to_dict()  # fmt: skip
    assert ready["cdf"] == direct["cdf"] and ready["quantiles"] == direct["quantiles"]
    assert ready["median_interval"] == direct["median_interval"]
    assert ready["median_half_width"] == direct["median_half_width"]


def test_a_changed_pool_serves_the_old_numbers_as_stale_until_recomputed(
    client: TestClient,
) -> None:
    import_fixture(client)
    run = run_week(client)
    ref = _waiting_ref(client)
    _queue(client, ref)
    waits.wait_until_ready()
    assert _queue(client, ref)["expected_wait"]["status"] == "ready"
    h = auth(client, "alloc")
    proposals = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=h).json()
    match = next(p for p in proposals if p["dwelling_ref"] and p["youth_ref"] != ref)
    assert (
        client.post("/api/v1/offers", json={"proposal_id": match["id"]}, headers=h).status_code
        == 201
    )
    after = _queue(client, ref)["expected_wait"]
    assert after["status"] in ("stale", "ready")
    waits.wait_until_ready()
    assert _queue(client, ref)["expected_wait"]["status"] == "ready"
    offered = _queue(client, match["youth_ref"])["expected_wait"]
    assert offered == {**offered, "status": "unavailable", "reason": "youth is offered"}
