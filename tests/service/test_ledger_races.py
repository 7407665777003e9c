"""Twenty simultaneous requests on a § 59 quota group with one claim left: exactly one passes
(each request its own thread, HTTP call, database session and connection)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db
from service.models import AuditEvent, ClaimRecord, Offer, local_today

from .conftest import auth
from .ledger_case import WEEK, files, import_files
from .test_offer_races import _race

N = 20


def _override(client: TestClient, headers: dict[str, str], youth: str, dwelling: str) -> int:
    body = {"week": WEEK, "youth_ref": youth, "dwelling_ref": dwelling,
            "reason": "social_assessment", "text": "akut"}  # fmt: skip
    return client.post("/api/v1/offers/override", json=body, headers=headers).status_code


def _calls(client: TestClient, headers: dict[str, str], make: object) -> list[int]:
    """``N`` calls raced, the i-th one made by ``make(i)``."""
    import itertools
    import threading

    counter, lock = itertools.count(1), threading.Lock()

    def call() -> int:
        with lock:
            i = next(counter)
        return make(i)  # type: ignore[operator]

    return _race(N, call)


def test_twenty_simultaneous_offers_pass_the_last_claim_once(client: TestClient) -> None:
    """OrgA: ⌊8 × ¼⌋ − 1 claimed = 1 left; 20 offers of 20 OrgA dwellings to 20 youths at
    once: one 201 and nineteen 409s, one open offer."""
    headers = auth(client, "alloc")
    import_files(client, headers, files(claimed=1, n_a=N, n_b=0, n_plain=N, n_cti=0))
    codes = _calls(client, headers, lambda i: _override(client, headers, f"Y{i:02d}", f"A{i}"))
    assert codes == [201] + [409] * (N - 1)
    with Session(db.get_engine()) as s:
        assert len(s.exec(select(Offer)).all()) == 1


def test_twenty_simultaneous_signatures_pass_the_last_claim_once(client: TestClient) -> None:
    """20 accepted OrgA offers (the quota allowed them); the organisation's new report leaves one
    claim (8 × ¼ − 1); 20 signatures at once: one 200 and nineteen 409s, one claim row."""
    headers = auth(client, "alloc")
    case = files(vacancies=4 * N, n_a=N, n_b=0, n_plain=N, n_cti=0)
    import_files(client, headers, case)
    for i in range(1, N + 1):
        assert _override(client, headers, f"Y{i:02d}", f"A{i}") == 201
    with Session(db.get_engine()) as s:
        offers = [o.id for o in s.exec(select(Offer)).all()]
    for offer_id in offers:
        assert client.post(f"/api/v1/offers/{offer_id}/accept", headers=headers).status_code == 200
    import_files(client, headers, files(claimed=1, n_a=N, n_b=0, n_plain=N, n_cti=0))
    codes = _calls(
        client, headers,
        lambda i: client.post(f"/api/v1/offers/{offers[i - 1]}/sign", headers=headers).status_code,
    )  # fmt: skip
    assert codes == [200] + [409] * (N - 1)
    with Session(db.get_engine()) as s:
        assert len(s.exec(select(ClaimRecord)).all()) == 1


def test_twenty_simultaneous_claims_outside_boligmatch_pass_the_last_claim_once(
    client: TestClient,
) -> None:
    """OrgA with one claim left: 20 claims of 20 different dwellings recorded at once (the office
    phoning in parallel): one 201 and nineteen 409s, one claim row."""
    headers = auth(client, "alloc")
    import_files(client, headers, files(claimed=1))

    def claim(i: int) -> int:
        body = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
                "dwelling_ref": f"X-{i}", "claimed_on": local_today().isoformat()}  # fmt: skip
        return client.post("/api/v1/claims", json=body, headers=headers).status_code

    assert _calls(client, headers, claim) == [201] + [409] * (N - 1)
    with Session(db.get_engine()) as s:
        assert len(s.exec(select(ClaimRecord)).all()) == 1


def test_twenty_simultaneous_withdrawals_of_one_claim_pass_once(client: TestClient) -> None:
    """One claim outside Boligmatch withdrawn by 20 requests at once: one 200, nineteen 409s,
    one ``claim.withdraw`` event."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    body = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
            "dwelling_ref": "X-1", "claimed_on": local_today().isoformat()}  # fmt: skip
    claim = client.post("/api/v1/claims", json=body, headers=headers).json()
    url = f"/api/v1/claims/{claim['id']}/withdraw"
    codes = _calls(client, headers, lambda i: client.post(url, headers=headers).status_code)
    assert codes == [200] + [409] * (N - 1)
    with Session(db.get_engine()) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "claim.withdraw")).all()
        assert len(events) == 1
