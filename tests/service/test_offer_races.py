"""Offers under concurrent requests: a double click or a retry changes the state once."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db
from service.models import ClaimRecord, Offer, QuotaRecord, TeamRecord

from .conftest import auth, import_fixture, run_week


def _race(n: int, call: Callable[[], int]) -> list[int]:
    """``n`` threads released together, each making one request; their status codes."""
    barrier = threading.Barrier(n)
    codes: list[int] = []

    def go() -> None:
        barrier.wait()
        codes.append(call())

    threads = [threading.Thread(target=go) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


def _proposal(client: TestClient, youth: str) -> tuple[int, dict[str, str]]:
    import_fixture(client, "tiny")
    run = run_week(client)
    headers = auth(client, "alloc")
    proposals = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=headers).json()
    return next(p["id"] for p in proposals if p["youth_ref"] == youth), headers


def test_eight_simultaneous_offers_of_one_proposal_make_one_offer(client: TestClient) -> None:
    """One 201, the rest 409; one offer row, so the dwelling is offered once."""
    proposal_id, headers = _proposal(client, "T01")
    codes = _race(8, lambda: client.post("/api/v1/offers", json={"proposal_id": proposal_id},
                                         headers=headers).status_code)  # fmt: skip
    assert codes == [201] + [409] * 7
    with Session(db.get_engine()) as s:
        assert len(s.exec(select(Offer)).all()) == 1


def test_eight_simultaneous_signatures_count_one_claim_and_one_caseload(
    client: TestClient,
) -> None:
    """One 200, the rest 409: one claim row for BoligNord's youth dwellings (the report's count
    stays as reported) and CTI-Syd's caseload rises by one."""
    proposal_id, headers = _proposal(client, "T01")
    offer_id = client.post("/api/v1/offers", json={"proposal_id": proposal_id},
                           headers=headers).json()["id"]  # fmt: skip
    assert client.post(f"/api/v1/offers/{offer_id}/accept", headers=headers).status_code == 200
    codes = _race(8, lambda: client.post(f"/api/v1/offers/{offer_id}/sign",
                                         headers=headers).status_code)  # fmt: skip
    assert codes == [200] + [409] * 7
    with Session(db.get_engine()) as s:
        assert s.get(QuotaRecord, ("BoligNord", "youth")).claimed == 1  # type: ignore[union-attr]
        claims = s.exec(select(ClaimRecord)).all()
        assert [(c.organisation, c.dwelling_type, c.offer_id) for c in claims] == [
            ("BoligNord", "youth", offer_id)
        ]
        assert s.get(TeamRecord, "CTI-Syd").current_caseload == 10  # type: ignore[union-attr]


def test_a_decline_racing_a_signature_lets_exactly_one_win(client: TestClient) -> None:
    """Accepted offer, then sign and decline at once: one 200 and one 409, and the youth's and
    dwelling's statuses match the state that won."""
    proposal_id, headers = _proposal(client, "T01")
    offer_id = client.post("/api/v1/offers", json={"proposal_id": proposal_id},
                           headers=headers).json()["id"]  # fmt: skip
    client.post(f"/api/v1/offers/{offer_id}/accept", headers=headers)
    actions = iter(["sign", "decline"] * 4)
    lock = threading.Lock()

    def call() -> int:
        with lock:
            action = next(actions)
        return client.post(f"/api/v1/offers/{offer_id}/{action}", json={"reason": "area"},
                           headers=headers).status_code  # fmt: skip

    codes = _race(8, call)
    assert codes == [200] + [409] * 7
    offer = client.get("/api/v1/offers", headers=headers).json()[0]
    youth = client.get("/api/v1/youths/T01", headers=headers).json()
    expected = {"signed": "housed", "declined": "waiting"}[offer["state"]]
    assert youth["status"] == expected
