"""Claims the municipality made outside Boligmatch (``usecases.claims``) through the API: they use
the § 59 quota from the moment they are recorded, the ledger refuses one past the last claim
(open offers' holds counted), a run sees them, a claim recorded by mistake is withdrawn and
then counts nowhere, and every step is audited.

The week (``ledger_case``): OrgA/family allows ⌊8 × ¼⌋ = 2 claims, none claimed, as of the run
date 2026-11-23; OrgA's dwellings A1–A5 are vacant in 2026-W48."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from service.models import local_today

from .conftest import auth, wait_for_run
from .ledger_case import WEEK, files, import_files


def _claim(client: TestClient, headers: dict[str, str], ref: str, **fields: object) -> dict:
    body = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
            "dwelling_ref": ref, "claimed_on": local_today().isoformat(),
            "note": "akut familie, anvist pr. telefon"}  # fmt: skip
    body.update(fields)
    r = client.post("/api/v1/claims", json=body, headers=headers)
    return {"status": r.status_code, **r.json()}


def _group(client: TestClient, headers: dict[str, str]) -> dict:
    rows = client.get("/api/v1/quotas", headers=headers).json()
    return next(q for q in rows if q["organisation"] == "OrgA")


def _run(client: TestClient, headers: dict[str, str]) -> dict:
    r = client.post("/api/v1/runs", json={"week": WEEK, "force": True}, headers=headers)
    assert r.status_code == 202, r.text
    return wait_for_run(client, r.json()["id"], headers)


def _housed_from(client: TestClient, headers: dict[str, str], run_id: int) -> list[str]:
    rows = client.get(f"/api/v1/runs/{run_id}/proposals", headers=headers).json()
    return sorted(p["dwelling_ref"] for p in rows if (p["dwelling_ref"] or "").startswith("A"))


def test_claims_outside_boligmatch_use_the_quota_until_withdrawn(client: TestClient) -> None:
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    before = _run(client, headers)
    assert len(_housed_from(client, headers, before["id"])) == 2
    assert _group(client, headers)["remaining"] == 2

    first = _claim(client, headers, "X-101")
    assert first["status"] == 201, first
    assert first["kind"] == "municipality" and first["created_by"] == "alloc"
    assert first["note"] == "akut familie, anvist pr. telefon" and first["withdrawn_at"] is None
    group = _group(client, headers)
    assert (group["claimed"], group["held"], group["remaining"]) == (1, 0, 1)
    # The run before the claim solved data that is gone: it is stale, and a new run houses one
    # youth from OrgA where it housed two.
    assert client.get(f"/api/v1/runs/{before['id']}", headers=headers).json()["stale"]
    after = _run(client, headers)
    assert len(_housed_from(client, headers, after["id"])) == 1

    assert _claim(client, headers, "X-102")["status"] == 201
    assert _group(client, headers)["remaining"] == 0
    full = _claim(client, headers, "X-103")
    assert full["status"] == 409
    assert "OrgA/family" in full["detail"] and "2 allowed, 2 claimed" in full["detail"]

    withdrawn = client.post(f"/api/v1/claims/{first['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_by"] == "alloc"
    assert _group(client, headers)["remaining"] == 1
    again = client.post(f"/api/v1/claims/{first['id']}/withdraw", headers=headers)
    assert again.status_code == 409 and "withdrawn already" in again.json()["detail"]
    assert client.post("/api/v1/claims/999999/withdraw", headers=headers).status_code == 404

    listed = client.get("/api/v1/claims", params={"kind": "municipality"}, headers=headers)
    assert listed.headers["X-Total-Count"] == "2"
    by_ref = {c["dwelling_ref"]: c for c in listed.json()}
    assert by_ref["X-101"]["withdrawn_at"] is not None and by_ref["X-102"]["withdrawn_at"] is None
    # The year's quota report counts the claim that stands, not the withdrawn one.
    year = local_today().year
    report = client.get("/api/v1/reports/quotas", params={"year": year}, headers=headers).json()
    assert next(r for r in report if r["organisation"] == "OrgA")["claimed"] == 1

    admin = auth(client, "admin")
    events = client.get("/api/v1/audit", params={"object_ref": str(first["id"])},
                        headers=admin).json()  # fmt: skip
    actions = sorted(e["action"] for e in events if e["object_type"] == "claim")
    assert actions == ["claim.record", "claim.withdraw"]
    assert all("akut" not in e["detail"] for e in events)  # the note is not copied into the log


def test_a_claim_cannot_take_a_claim_held_by_an_open_offer(client: TestClient) -> None:
    """Both OrgA claims held by open offers: a claim outside Boligmatch is refused, and once
    one offer is declined it passes."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    run = _run(client, headers)
    rows = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=headers).json()
    offers = []
    for p in rows:
        if (p["dwelling_ref"] or "").startswith("A"):
            r = client.post("/api/v1/offers", json={"proposal_id": p["id"]}, headers=headers)
            assert r.status_code == 201, r.text
            offers.append(r.json()["id"])
    refused = _claim(client, headers, "X-201")
    assert refused["status"] == 409 and "2 held by open offers" in refused["detail"]
    r = client.post(f"/api/v1/offers/{offers[0]}/decline", json={"reason": "too_expensive"},
                    headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    assert _claim(client, headers, "X-201")["status"] == 201
    # A signed offer's claim follows its offer: it is not withdrawn here.
    for action in ("accept", "sign"):
        assert client.post(f"/api/v1/offers/{offers[1]}/{action}", headers=headers).is_success
    signed = client.get("/api/v1/claims", params={"kind": "signed_offer"}, headers=headers).json()
    assert [c["offer_id"] for c in signed] == [offers[1]]
    r = client.post(f"/api/v1/claims/{signed[0]['id']}/withdraw", headers=headers)
    assert r.status_code == 409 and "signing an offer" in r.json()["detail"]


def test_a_claim_on_a_dwelling_of_the_week_takes_it_out_of_the_week(client: TestClient) -> None:
    """Claiming vacant A1 lets it: no run proposes it; withdrawing the claim makes it vacant
    again. A dwelling Boligmatch has offered is refused (its offer holds its claim)."""
    headers = auth(client, "alloc")
    import_files(client, headers, files(n_a=5))
    wrong = _claim(client, headers, "A1", department="OrgA-1")
    assert wrong["status"] == 422 and wrong["issues"] == [
        "department: is 'OrgA-2' for dwelling 'A1' in week 48, 2026"
    ]
    # OrgB's B1 claimed under OrgA's group: the week's record names another organisation (a
    # dwelling's reference is the week's, whichever group the claim names)
    other = _claim(client, headers, "B1", department="OrgA-1")
    assert other["status"] == 422 and other["issues"] == [
        "organisation: is 'OrgB' for dwelling 'B1' in week 48, 2026",
        "dwelling_type: is 'youth' for dwelling 'B1' in week 48, 2026",
        "department: is 'OrgB-1' for dwelling 'B1' in week 48, 2026",
    ]
    claimed = _claim(client, headers, "A1", department="OrgA-2")
    assert claimed["status"] == 201 and claimed["week"] == WEEK
    dwelling = client.get(f"/api/v1/weeks/{WEEK}/dwellings/A1", headers=headers)
    assert dwelling.json()["status"] == "let", dwelling.text
    run = _run(client, headers)
    housed = _housed_from(client, headers, run["id"])
    assert "A1" not in housed and len(housed) == 1
    assert client.post(f"/api/v1/claims/{claimed['id']}/withdraw", headers=headers).is_success
    dwelling = client.get(f"/api/v1/weeks/{WEEK}/dwellings/A1", headers=headers)
    assert dwelling.json()["status"] == "vacant"

    run = _run(client, headers)
    proposal = next(
        p
        for p in client.get(f"/api/v1/runs/{run['id']}/proposals", headers=headers).json()
        if (p["dwelling_ref"] or "").startswith("A")
    )
    r = client.post("/api/v1/offers", json={"proposal_id": proposal["id"]}, headers=headers)
    assert r.status_code == 201, r.text
    ref = proposal["dwelling_ref"]
    taken = _claim(client, headers, ref, department=f"OrgA-{1 + int(ref[1:]) % 2}")
    assert taken["status"] == 409 and "offered or let through Boligmatch" in taken["detail"]


def test_wrong_claims_name_the_field_and_change_nothing(client: TestClient) -> None:
    headers = auth(client, "alloc")
    import_files(client, headers, files(as_of="2026-11-20"))
    today = local_today()
    cases = {
        "claimed_on": _claim(client, headers, "X-1", claimed_on=(today + timedelta(1)).isoformat()),
        "organisation": _claim(client, headers, "X-2", organisation="OrgZ"),
        "claimed_on ": _claim(client, headers, "X-3", claimed_on="2026-11-19"),
        "department": _claim(client, headers, "X-4", department="   "),
    }
    for field, answer in cases.items():
        assert answer["status"] == 422, answer
        assert any(issue.startswith(field.strip()) for issue in answer["issues"]), answer
    assert "OrgZ/family has no quota report" in cases["organisation"]["detail"]
    assert "report of 2026-11-20" in cases["claimed_on "]["detail"]
    # The report's own day is allowed; the same dwelling on the same day twice is not.
    assert _claim(client, headers, "X-5", claimed_on="2026-11-20")["status"] == 201
    twin = _claim(client, headers, "X-5", claimed_on="2026-11-20", note="")
    assert twin["status"] == 409 and "has a claim on 2026-11-20" in twin["detail"]
    listed = client.get("/api/v1/claims", headers=headers)
    assert [c["dwelling_ref"] for c in listed.json()] == ["X-5"]
    assert _group(client, headers)["claimed"] == 1


def test_claims_are_for_allocators_to_record_and_aggregate_readers_to_list(
    client: TestClient,
) -> None:
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    created = _claim(client, headers, "X-1")
    assert created["status"] == 201
    planner = auth(client, "planner")
    assert client.get("/api/v1/claims", headers=planner).status_code == 200
    assert _claim(client, planner, "X-2")["status"] == 403
    r = client.post(f"/api/v1/claims/{created['id']}/withdraw", headers=planner)
    assert r.status_code == 403
    caseworker = auth(client, "cw_cti1")
    assert client.get("/api/v1/claims", headers=caseworker).status_code == 403
