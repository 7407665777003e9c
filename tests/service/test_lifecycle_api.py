"""The case lifecycle through the API, on SQLite and PostgreSQL (issue 10, items 4 and 5):
register and edit one youth and one vacancy with the import's own validation, withdraw with a
coded reason and reopen, the youths a re-import no longer lists, a minor's guardian consent
before signing, and the dwelling's address and contact returned."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db
from service.models import AuditEvent, PoolVersion, local_today
from service.usecases import lifecycle
from service.usecases.errors import InvalidRequest, Problem
from solver.caseio.schema import UNIT_COLUMNS, YOUTH_COLUMNS

from .conftest import FIXTURES, auth, import_fixture, run_week, upload, wait_for_run

WEEK = "2026-W48"

MINOR = {  # 17 at the fixture's run date (2026-11-23) and for a year after it
    "ref": "N00001",
    "birth_date": "2009-06-01",
    "referred_on": "2026-01-05",
    "situation": "couch",
    "income_type": "job",
    "monthly_income": 14000,
    "support_method": "none",
    "preferred_areas": ["Næstved"],
}
FLAT = {  # a private flat the minor fits, outside every quota group
    "ref": "P00001",
    "organisation": "Privat udlejer",
    "area": "Næstved",
    "dwelling_type": "private",
    "rooms": 1,
    "rent": 2400,
    "deposit": 0,
    "available_from": "2026-11-23",
    "address": "Ringstedgade 1, 1. th., 4700 Næstved",
    "contact": "udlejning@example.dk",
}


def _token() -> str:
    with Session(db.get_engine()) as s:
        row = s.get(PoolVersion, 1)
        assert row is not None
        return row.token


def _events(action: str) -> list[AuditEvent]:
    with Session(db.get_engine()) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _issues(r: Any) -> list[str]:
    assert r.status_code == 422, r.text
    return r.json()["issues"]


def test_a_youth_is_registered_and_edited_with_the_imports_validation(client: TestClient) -> None:
    import_fixture(client)
    h = auth(client, "alloc")
    before = _token()
    r = client.post("/api/v1/youths", json=MINOR, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "waiting" and body["minor"] is True
    assert body["preferred_areas"] == ["Næstved"] and body["pet"] == "none"
    assert _token() != before  # the data version changed
    assert [e.object_ref for e in _events("youth.create")] == ["N00001"]
    assert client.get("/api/v1/youths/N00001", headers=h).json()["status"] == "waiting"

    # The same reference again: a conflict, not a second youth.
    r = client.post("/api/v1/youths", json=MINOR, headers=h)
    assert r.status_code == 409 and "N00001" in r.json()["detail"]

    # The import's codes and sentences, each naming its column (the request's field).
    bad = {**MINOR, "ref": "N00002", "birth_date": "2009-02-30", "situation": "sofa",
           "monthly_income": -5, "support_method": "CTI", "support_team": "NOPE"}  # fmt: skip
    issues = _issues(client.post("/api/v1/youths", json=bad, headers=h))
    assert "birth_date: '2009-02-30' is not a date (YYYY-MM-DD)" in issues
    assert any(i.startswith("situation: 'sofa' is not one of") for i in issues)
    assert any(i.startswith("monthly_income:") for i in issues)
    assert any(i.startswith("support_team:") and "NOPE" in i for i in issues)
    missing = {k: v for k, v in MINOR.items() if k != "referred_on"} | {"ref": "N00003"}
    assert "referred_on: required value is empty" in _issues(
        client.post("/api/v1/youths", json=missing, headers=h)
    )
    # A field the format does not have is refused by name; nothing was written.
    r = client.post("/api/v1/youths", json={**MINOR, "ref": "N00004", "cpr": "x"}, headers=h)
    assert r.status_code == 422 and "cpr" in r.text
    # A NUL cannot be stored (PostgreSQL): named, never a 500; likewise a withdrawal's text.
    r = client.post("/api/v1/youths", json={**MINOR, "ref": "N00005", "case_worker": "a\x00b"},
                    headers=h)  # fmt: skip
    assert _issues(r) == ["case_worker: text may not contain NUL (0x00) characters"]
    r = client.post("/api/v1/youths/N00001/withdraw", json={"reason": "other", "text": "x\x00"},
                    headers=h)  # fmt: skip
    assert _issues(r) == ["text: text may not contain NUL (0x00) characters"]
    for ref in ("N00002", "N00003", "N00004", "N00005"):
        assert client.get(f"/api/v1/youths/{ref}", headers=h).status_code == 404

    # Edit: only the columns given change; the whole row is checked again.
    before = _token()
    r = client.patch("/api/v1/youths/N00001", json={"rent_ceiling": 3200, "pet": "cat"},
                     headers=h)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["rent_ceiling"] == 3200 and r.json()["pet"] == "cat"
    assert r.json()["situation"] == "couch"
    assert _token() != before
    assert [e.detail for e in _events("youth.edit")] == ["pet, rent_ceiling"]
    issues = _issues(client.patch("/api/v1/youths/N00001",
                                  json={"referred_on": "2001-01-01"}, headers=h))  # fmt: skip
    assert issues == ["birth_date: born 2009-06-01, after the referral date"] or any(
        i.startswith("birth_date:") for i in issues
    )
    assert _issues(client.patch("/api/v1/youths/N00001", json={"ref": "X"}, headers=h))
    assert client.patch("/api/v1/youths/NOBODY", json={}, headers=h).status_code == 404
    # A case worker may not register or edit.
    cw = auth(client, "cw_icm1")
    assert client.post("/api/v1/youths", json=MINOR, headers=cw).status_code == 403
    assert client.patch("/api/v1/youths/N00001", json={}, headers=cw).status_code == 403


def test_a_vacancy_is_registered_and_edited_and_returns_address_and_contact(
    client: TestClient,
) -> None:
    import_fixture(client)
    h = auth(client, "alloc")
    before = _token()
    r = client.post(f"/api/v1/weeks/{WEEK}/dwellings", json=FLAT, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "vacant" and body["department"] == "Privat udlejer"
    assert body["address"] == FLAT["address"] and body["contact"] == FLAT["contact"]
    assert _token() != before
    listed = {d["ref"]: d for d in client.get(f"/api/v1/weeks/{WEEK}/dwellings",
                                              headers=h).json()}  # fmt: skip
    assert listed["P00001"]["address"] == FLAT["address"] and "B00001" in listed
    one = client.get(f"/api/v1/weeks/{WEEK}/dwellings/P00001", headers=auth(client, "planner"))
    assert one.status_code == 200 and one.json()["contact"] == FLAT["contact"]
    assert [e.object_ref for e in _events("dwelling.create")] == [f"{WEEK}/P00001"]

    assert client.post(f"/api/v1/weeks/{WEEK}/dwellings", json=FLAT, headers=h).status_code == 409
    bad = {**FLAT, "ref": "P00002", "rooms": 0, "pets": "llama", "available_from": "31-12-2026"}
    issues = _issues(client.post(f"/api/v1/weeks/{WEEK}/dwellings", json=bad, headers=h))
    assert any(i.startswith("rooms:") for i in issues)
    assert any(i.startswith("pets: 'llama' is not one of") for i in issues)
    assert any(i.startswith("available_from:") for i in issues)
    r = client.post("/api/v1/weeks/2030-W01/dwellings", json=FLAT, headers=h)
    assert r.status_code == 404

    r = client.patch(f"/api/v1/weeks/{WEEK}/dwellings/P00001", json={"rent": 2500, "contact": None},
                     headers=h)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["rent"] == 2500 and r.json()["contact"] is None
    assert r.json()["address"] == FLAT["address"]
    assert _issues(client.patch(f"/api/v1/weeks/{WEEK}/dwellings/P00001", json={"rent": "x"},
                                headers=h))  # fmt: skip
    assert [e.detail for e in _events("dwelling.edit")] == ["contact, rent"]
    # The next run solves with it.
    run = run_week(client)
    props = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=h).json()
    assert run["status"] == "done" and props


def _offer_for(client: TestClient, youth: str, unit: str) -> dict:
    """Pin ``youth`` to ``unit``, re-run the week, offer the pinned proposal."""
    h = auth(client, "alloc")
    r = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=h,
                    json={"kind": "pin", "youth_ref": youth, "unit_ref": unit, "reason": "t"})  # fmt: skip
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/runs", json={"week": WEEK, "force": True}, headers=h)
    run = wait_for_run(client, r.json()["id"], h)
    props = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=h).json()
    proposal = next(p for p in props if p["youth_ref"] == youth)
    assert proposal["dwelling_ref"] == unit
    r = client.post("/api/v1/offers", json={"proposal_id": proposal["id"]}, headers=h)
    assert r.status_code == 201, r.text
    return r.json() | {"proposal": proposal}


def minors_offer(client: TestClient) -> dict:
    """Næstved imported, the minor N00001 and the flat P00001 registered, and an offer of the
    one to the other."""
    import_fixture(client)
    h = auth(client, "alloc")
    client.post("/api/v1/youths", json=MINOR, headers=h)
    client.post(f"/api/v1/weeks/{WEEK}/dwellings", json=FLAT, headers=h)
    return _offer_for(client, "N00001", "P00001")


def test_a_youth_is_withdrawn_with_a_reason_leaves_the_pool_and_is_reopened(
    client: TestClient,
) -> None:
    h = auth(client, "alloc")
    offer = minors_offer(client)
    assert offer["minor"] is True and offer["proposal"]["minor"] is True

    # "other" needs its text; an unknown reason is named.
    r = client.post("/api/v1/youths/N00001/withdraw", json={"reason": "other"}, headers=h)
    assert _issues(r) == ["text: the reason other needs a text (1-500 characters)"]
    r = client.post("/api/v1/youths/N00001/withdraw", json={"reason": "bored"}, headers=h)
    assert r.status_code == 422
    before = _token()
    r = client.post("/api/v1/youths/N00001/withdraw", json={"reason": "moved_away"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["youth"]["status"] == "withdrawn"
    assert r.json()["youth"]["withdrawn_reason"] == "moved_away"
    assert r.json()["youth"]["withdrawn_by"] == "alloc"
    assert r.json()["offers_withdrawn"] == [offer["id"]]
    assert _token() != before
    # The live offer went with the youth; the dwelling is vacant again.
    offers = {o["id"]: o for o in client.get("/api/v1/offers", headers=h).json()}
    assert offers[offer["id"]]["state"] == "withdrawn"
    flat = client.get(f"/api/v1/weeks/{WEEK}/dwellings/P00001", headers=h).json()
    assert flat["status"] == "vacant"
    r = client.post(f"/api/v1/offers/{offer['id']}/accept", headers=h)
    assert r.status_code == 409
    # Out of the pool: the next run does not see the youth, and the queue has no place.
    r = client.post("/api/v1/runs", json={"week": WEEK, "force": True}, headers=h)
    run = wait_for_run(client, r.json()["id"], h)
    props = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=h).json()
    assert "N00001" not in {p["youth_ref"] for p in props}
    queue = client.get("/api/v1/youths/N00001/queue", headers=h).json()
    assert queue["status"] == "withdrawn" and queue["position"] is None
    # Twice: refused; reopen once: waiting again; twice: refused.
    r = client.post("/api/v1/youths/N00001/withdraw", json={"reason": "no_contact"}, headers=h)
    assert r.status_code == 409 and "withdrawn" in r.json()["detail"]
    r = client.post("/api/v1/youths/N00001/reopen", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "waiting"
    assert r.json()["withdrawn_reason"] is None
    assert client.post("/api/v1/youths/N00001/reopen", headers=h).status_code == 409
    assert client.post("/api/v1/youths/NOBODY/reopen", headers=h).status_code == 404
    r = client.post("/api/v1/youths/N00001/withdraw",
                    json={"reason": "other", "text": "flyttet til Grønland"}, headers=h)  # fmt: skip
    assert r.status_code == 200 and r.json()["youth"]["withdrawn_text"] == "flyttet til Grønland"
    assert [e.detail for e in _events("youth.withdraw")] == ["moved_away", "other"]
    assert all("Grønland" not in e.detail for e in _events("youth.withdraw"))
    assert [e.object_ref for e in _events("youth.reopen")] == ["N00001"]
    assert [e.object_ref for e in _events("offer.withdraw")] == [str(offer["id"])]


def test_a_minors_offer_is_signed_only_after_the_guardians_consent(client: TestClient) -> None:
    h = auth(client, "alloc")
    offer = minors_offer(client)
    oid = offer["id"]
    assert offer["minor"] is True and offer["consent_at"] is None
    assert client.post(f"/api/v1/offers/{oid}/accept", headers=h).status_code == 200
    r = client.post(f"/api/v1/offers/{oid}/sign", headers=h)
    assert r.status_code == 409
    assert "minor" in r.json()["detail"] and "consent" in r.json()["detail"]
    r = client.post(f"/api/v1/offers/{oid}/consent", headers=h,
                    json={"guardian": "Mor", "given_on": "2099-01-01"})  # fmt: skip
    assert _issues(r) == ["given_on: the consent date cannot be after today"]
    r = client.post(f"/api/v1/offers/{oid}/consent", headers=h,
                    json={"guardian": "  ", "given_on": "2026-11-20"})  # fmt: skip
    assert r.status_code == 422
    r = client.post(f"/api/v1/offers/{oid}/consent", headers=h,
                    json={"guardian": "Mor (forældremyndighed)", "given_on": "2026-11-20"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["guardian"] == "Mor (forældremyndighed)" and body["consent_on"] == "2026-11-20"
    assert body["consent_by"] == "alloc" and body["consent_at"] is not None
    consent = _events("offer.consent")
    assert [e.object_ref for e in consent] == [str(oid)] and "Mor" not in consent[0].detail
    r = client.post(f"/api/v1/offers/{oid}/sign", headers=h)
    assert r.status_code == 200 and r.json()["state"] == "signed"
    # Consent on a signed offer, or on an unknown one.
    r = client.post(f"/api/v1/offers/{oid}/consent", headers=h,
                    json={"guardian": "Far", "given_on": "2026-11-20"})  # fmt: skip
    assert r.status_code == 409
    r = client.post("/api/v1/offers/999999/consent", headers=h,
                    json={"guardian": "Far", "given_on": "2026-11-20"})  # fmt: skip
    assert r.status_code == 404
    # A housed youth cannot be withdrawn.
    r = client.post("/api/v1/youths/N00001/withdraw", json={"reason": "moved_away"}, headers=h)
    assert r.status_code == 409


def test_an_adults_offer_needs_no_consent(client: TestClient) -> None:
    import_fixture(client)
    h = auth(client, "alloc")
    adult = {**MINOR, "ref": "A00001", "birth_date": "2001-06-01"}
    client.post("/api/v1/youths", json=adult, headers=h)
    client.post(f"/api/v1/weeks/{WEEK}/dwellings", json=FLAT, headers=h)
    offer = _offer_for(client, "A00001", "P00001")
    assert offer["minor"] is False
    r = client.post(f"/api/v1/offers/{offer['id']}/consent", headers=h,
                    json={"guardian": "Mor", "given_on": "2026-11-20"})  # fmt: skip
    assert r.status_code == 409 and "of age" in r.json()["detail"]
    assert client.post(f"/api/v1/offers/{offer['id']}/accept", headers=h).status_code == 200
    assert client.post(f"/api/v1/offers/{offer['id']}/sign", headers=h).status_code == 200


def _without(rows: set[str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    files = []
    for name, (fname, data, kind) in upload(FIXTURES / "naestved"):
        if fname == "youths.csv":
            lines = data.decode().splitlines(keepends=True)
            data = "".join(ln for ln in lines if ln.split(",")[0] not in rows).encode()
        files.append((name, (fname, data, kind)))
    return files


def test_a_reimport_lists_the_youths_it_no_longer_has_for_the_allocator_to_confirm(
    client: TestClient,
) -> None:
    first = import_fixture(client)
    assert first["missing_youths"] == []
    h = auth(client, "alloc")
    gone = {"U00001", "U00002", "U00003"}
    r = client.post("/api/v1/imports", files=_without(gone), headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["missing_youths"] == sorted(gone)
    listed = client.get("/api/v1/missing-youths", headers=h).json()
    assert [y["ref"] for y in listed] == sorted(gone)
    assert {y["missing_since"] for y in listed} == {WEEK}
    assert {y["status"] for y in listed} == {"waiting"}  # not silently dropped

    # An answer for a youth not on the list refuses the whole confirmation.
    answers = [{"ref": "U00001", "action": "keep"}, {"ref": "U00009", "action": "keep"}]
    r = client.post("/api/v1/missing-youths/confirm", json={"answers": answers}, headers=h)
    assert r.status_code == 409 and "U00009" in r.json()["detail"]
    r = client.post("/api/v1/missing-youths/confirm", headers=h,
                    json={"answers": [{"ref": "U00001", "action": "other"}]})  # fmt: skip
    assert r.status_code == 422
    assert len(client.get("/api/v1/missing-youths", headers=h).json()) == 3

    answers = [{"ref": "U00001", "action": "keep"}, {"ref": "U00002", "action": "no_contact"}]
    r = client.post("/api/v1/missing-youths/confirm", json={"answers": answers}, headers=h)
    assert r.status_code == 200 and r.json() == {"kept": 1, "withdrawn": 1}
    assert client.get("/api/v1/youths/U00001", headers=h).json()["missing_since"] is None
    u2 = client.get("/api/v1/youths/U00002", headers=h).json()
    assert u2["status"] == "withdrawn" and u2["withdrawn_reason"] == "no_contact"
    # The rest at once.
    r = client.post("/api/v1/missing-youths/confirm", json={"all": "moved_away"}, headers=h)
    assert r.json() == {"kept": 0, "withdrawn": 1}
    assert client.get("/api/v1/missing-youths", headers=h).json() == []
    assert [e.object_ref for e in _events("youth.keep")] == ["U00001"]

    # A later import that lists a missing youth again clears the mark.
    client.post("/api/v1/imports", files=_without({"U00004"}), headers=h)
    assert [y["ref"] for y in client.get("/api/v1/missing-youths", headers=h).json()] == ["U00004"]
    import_fixture(client)
    assert client.get("/api/v1/missing-youths", headers=h).json() == []


def test_format2_address_and_contact_from_units_csv_are_returned(client: TestClient) -> None:
    files = []
    for name, (fname, data, kind) in upload(FIXTURES / "naestved"):
        if fname == "units.csv":
            lines = data.decode().splitlines()
            lines[1] = lines[1].rstrip(",") + ',"Ved Stadion 3, st. tv., 4700 Næstved",Afd. 2'
            data = ("\n".join(lines) + "\n").encode()
        files.append((name, (fname, data, kind)))
    h = auth(client, "alloc")
    assert client.post("/api/v1/imports", files=files, headers=h).status_code == 201
    one = client.get(f"/api/v1/weeks/{WEEK}/dwellings/B00001", headers=h).json()
    assert one["address"] == "Ved Stadion 3, st. tv., 4700 Næstved" and one["contact"] == "Afd. 2"
    assert client.get(f"/api/v1/weeks/{WEEK}/dwellings/B00002", headers=h).json()["address"] is None


def test_a_youth_referred_after_today_or_with_a_reference_too_long_to_address_is_refused(
    client: TestClient,
) -> None:
    import_fixture(client)
    h = auth(client, "alloc")
    tomorrow = date.fromordinal(local_today().toordinal() + 1).isoformat()
    r = client.post("/api/v1/youths", json={**MINOR, "referred_on": tomorrow}, headers=h)
    assert _issues(r) == [f"referred_on: is after today ({local_today().isoformat()})"]
    r = client.post("/api/v1/youths", json={**MINOR, "ref": "N" * 65}, headers=h)
    assert _issues(r) == [f"ref: '{'N' * 65}' is longer than 64 characters"]
    r = client.post("/api/v1/youths", json={**MINOR, "ref": "N" * 64}, headers=h)
    assert r.status_code == 201, r.text
    assert client.get(f"/api/v1/youths/{'N' * 64}", headers=h).status_code == 200
    assert _events("youth.create")[-1].object_ref == "N" * 64


def test_an_empty_registration_names_each_required_field(client: TestClient) -> None:
    """A form sent empty is "feltet skal udfyldes" under each required field, not "youths.csv
    must hold exactly one row (it holds 0)"."""
    import_fixture(client)
    with Session(db.get_engine()) as session:
        for register, columns in ((lifecycle.register_youth, YOUTH_COLUMNS),
                                  (lambda s, a, v: lifecycle.register_dwelling(s, a, "2026-W48", v),
                                   UNIT_COLUMNS)):  # fmt: skip
            with pytest.raises(InvalidRequest) as refused:
                register(session, "alloc", {})
            problems = [p for p in refused.value.items if isinstance(p, Problem)]
            fields = [p.field for p in problems]
            assert fields == [c.name for c in columns if c.required]
            assert {p.code for p in problems} == {"required_value"}
