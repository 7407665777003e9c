"""The capacity page's claims made outside Boligmatch (``service.web.capacity``): an allocator
records one in a form and the ledger's row counts it at once; a wrong claim is refused in
Danish naming the field, as typed; a claim past the quota is refused with the numbers; a claim
is withdrawn; a planner sees the list and no form; each step is audited.

Næstved: Boligorg-02/family allows ⌊53 × ¼⌋ = 13 claims with 12 claimed, so one is left."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db
from service.models import AuditEvent, ClaimRecord, local_today

from .conftest import csrf_of, fixture_uploads, login


def _import(client: TestClient) -> str:
    token = login(client, "alloc")
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=fixture_uploads())
    assert r.status_code == 303, r.text
    return token


def _row(html: str, organisation: str, kind: str) -> dict[str, str]:
    match = re.search(
        rf'<tr data-organisation="{organisation}" data-type="{kind}">(.*?)</tr>', html, re.DOTALL
    )
    assert match, html
    cells = dict(re.findall(r'class="num (claimed|held|remaining)">(\d+)<', match[1]))
    return cells


def _form(token: str, **values: str) -> dict[str, str]:
    body = {
        "csrf_token": token,
        "organisation": "Boligorg-02",
        "dwelling_type": "family",
        "department": "Boligorg-02-afd09",
        "dwelling_ref": "T-4711",
        "claimed_on": local_today().isoformat(),
        "note": "akut familie, aftalt pr. telefon",
    }
    body.update(values)
    return body  # fmt: skip


def test_an_allocator_records_and_withdraws_a_claim_and_the_ledger_counts_it(
    client: TestClient,
) -> None:
    token = _import(client)
    page = client.get("/kapacitet")
    assert page.status_code == 200
    assert (
        "Anvisninger uden for Boligmatch" in page.text
        and 'action="/kapacitet/anvisninger' in page.text
    )
    assert _row(page.text, "Boligorg-02", "family") == {
        "claimed": "12",
        "held": "0",
        "remaining": "1",
    }

    r = client.post("/kapacitet/anvisninger", data=_form(token))
    assert r.status_code == 303, r.text
    claim_id = int(re.search(r"registreret=(\d+)", r.headers["location"])[1])  # type: ignore[index]
    page = client.get(r.headers["location"])
    assert f"Anvisning {claim_id} er registreret og tæller nu med i kvoten." in page.text
    assert _row(page.text, "Boligorg-02", "family") == {
        "claimed": "13",
        "held": "0",
        "remaining": "0",
    }
    assert "T-4711" in page.text and "akut familie, aftalt pr. telefon" in page.text

    full = client.post("/kapacitet/anvisninger", data=_form(token, dwelling_ref="T-4712"))
    assert full.status_code == 409
    assert (
        "Anvisningsretten for Boligorg-02/familiebolig er brugt op: 13 tilladt, 13 anvist"
        in full.text
    )
    assert 'value="T-4712"' in full.text  # what was typed is kept

    r = client.post(f"/kapacitet/anvisninger/{claim_id}/tilbagetraek", data={"csrf_token": token})
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert f"Anvisning {claim_id} er trukket tilbage" in page.text
    assert "Trukket tilbage af alloc" in page.text
    assert _row(page.text, "Boligorg-02", "family")["remaining"] == "1"
    again = client.post(
        f"/kapacitet/anvisninger/{claim_id}/tilbagetraek", data={"csrf_token": token}
    )
    assert again.status_code == 409 and "er allerede trukket tilbage" in again.text
    missing = client.post("/kapacitet/anvisninger/999999/tilbagetraek", data={"csrf_token": token})
    assert missing.status_code == 404

    with Session(db.get_engine()) as session:
        actions = sorted(
            e.action
            for e in session.exec(select(AuditEvent).where(AuditEvent.object_ref == str(claim_id)))
            if e.object_type == "claim"
        )
    assert actions == ["claim.record", "claim.withdraw"]
    # the admin's log says it in Danish: the action, and the quota group with its type in words
    client.cookies.clear()
    login(client, "admin")
    log = client.get("/admin/log", params={"handling": "claim.record"})
    assert log.status_code == 200, log.text
    assert "Anvisning uden for Boligmatch registreret" in log.text
    assert "kvote Boligorg-02/familiebolig" in log.text


def test_a_wrong_claim_is_refused_in_danish_naming_each_field_and_nothing_is_saved(
    client: TestClient,
) -> None:
    token = _import(client)
    tomorrow = local_today().toordinal() + 1
    from datetime import date

    r = client.post(
        "/kapacitet/anvisninger",
        data=_form(token, dwelling_type="youth", organisation="Boligorg-03",
                   claimed_on=date.fromordinal(tomorrow).isoformat(), department=" "),
    )  # fmt: skip
    assert r.status_code == 422
    assert "Anvisningen er ikke registreret. Ret de 3 fejl:" in r.text
    assert 'id="c-department-err">Skal udfyldes.' in r.text
    # the summary names each field by its label and leads to it
    assert '<li><a href="#c-department">Afdeling</a>: Skal udfyldes.</li>' in r.text
    assert "Boligorg-03/ungdomsbolig har ingen kvoteopgørelse" in r.text
    assert re.search(
        r'id="c-claimed_on-err">Datoen ligger efter i dag \(\d\d\.\d\d\.\d{4}\)', r.text
    )
    assert 'aria-invalid="true" aria-describedby="c-organisation-err"' in r.text
    bad_date = client.post("/kapacitet/anvisninger", data=_form(token, claimed_on="31.11.2026"))
    assert bad_date.status_code == 422 and "Datoen er ikke en gyldig dato" in bad_date.text
    no_csrf = client.post("/kapacitet/anvisninger", data=_form(""))
    assert no_csrf.status_code == 403
    with Session(db.get_engine()) as session:
        assert session.exec(select(ClaimRecord)).all() == []


def test_a_planner_sees_the_claims_but_cannot_record_or_withdraw(client: TestClient) -> None:
    token = _import(client)
    r = client.post("/kapacitet/anvisninger", data=_form(token))
    assert r.status_code == 303
    claim_id = int(re.search(r"registreret=(\d+)", r.headers["location"])[1])  # type: ignore[index]
    client.cookies.clear()
    planner = login(client, "planner")
    page = client.get("/kapacitet")
    assert page.status_code == 200 and "T-4711" in page.text and "Tæller med" in page.text
    assert 'action="/kapacitet/anvisninger' not in page.text
    assert client.post("/kapacitet/anvisninger", data=_form(planner)).status_code == 403
    r = client.post(f"/kapacitet/anvisninger/{claim_id}/tilbagetraek", data={"csrf_token": planner})
    assert r.status_code == 403
    assert csrf_of(page.text)


def test_a_claim_whose_note_holds_a_cpr_number_is_refused_under_the_note(
    client: TestClient,
) -> None:
    token = _import(client)
    r = client.post("/kapacitet/anvisninger", data=_form(token, note="familien 0306021234"))
    assert r.status_code == 422
    assert (
        'id="c-note-err">Teksten ligner et CPR-nummer. Skriv ingen personoplysninger her' in r.text
    )
    assert '<li><a href="#c-note">' in r.text  # the summary leads to the field
    with Session(db.get_engine()) as session:
        assert session.exec(select(ClaimRecord)).all() == []
