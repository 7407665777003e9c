"""No CPR number gets in (``usecases.texts``, ``solver.caseio.privacy``): a CPR number as a youth's
reference, through an import or the youth form, and in any free text (a withdrawal's text, a
guardian's name, a decline text, an override's text, a decision's reason, a claim's note, an
erasure's reason) is refused with a 422 naming the file, row and column or the field, without
repeating the number; afterwards the whole database holds it nowhere."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli import app as cli
from service.models import local_today

from .conftest import FIXTURES, auth, import_fixture, upload
from .test_gdpr import _dump, _found
from .test_lifecycle_api import MINOR, WEEK, minors_offer

CPR = "120598-1111"
IN_TEXT = f"ring til mor, cpr {CPR}"


def _refused(r, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    assert "120598" not in r.text
    issues = r.json()["issues"]
    assert any(i.startswith(f"{field}: ") and "CPR" in i for i in issues), issues
    return issues


def test_a_cpr_number_as_a_reference_is_refused_by_the_import_and_the_youth_form(
    client: TestClient,
) -> None:
    h = auth(client, "alloc")
    files = upload(FIXTURES / "naestved")
    name, (_, youths, kind) = next(f for f in files if f[1][0] == "youths.csv")
    lines = youths.decode().splitlines()
    ref = lines[4].split(",")[0]
    lines[4] = lines[4].replace(ref, CPR, 1)
    bad = [f if f[1][0] != "youths.csv" else (name, ("youths.csv", "\n".join(lines).encode(), kind))
           for f in files]  # fmt: skip
    r = client.post("/api/v1/imports", files=bad, headers=h)
    assert r.status_code == 422 and "120598" not in r.text, r.text
    issue = r.json()["issues"]
    assert [(i["file"], i["row"], i["column"]) for i in issue] == [("youths.csv", 5, "ref")], issue
    assert "CPR" in issue[0]["message"], issue
    assert client.get("/api/v1/youths", headers=h).json() == []  # nothing imported

    import_fixture(client)
    r = client.post("/api/v1/youths", json={**MINOR, "ref": CPR.replace("-", "")}, headers=h)
    _refused(r, "ref")
    assert _found(_dump(), "120598") == set()


def test_a_cpr_number_in_free_text_is_refused_naming_the_field(client: TestClient) -> None:
    h = auth(client, "alloc")
    oid = minors_offer(client)["id"]

    consent = {"guardian": f"Mor {CPR}", "given_on": "2026-11-20"}
    _refused(client.post(f"/api/v1/offers/{oid}/consent", json=consent, headers=h), "guardian")
    decline = {"reason": "area", "text": IN_TEXT}
    _refused(client.post(f"/api/v1/offers/{oid}/decline", json=decline, headers=h), "text")
    assert client.get("/api/v1/offers", headers=h).json()[0]["state"] == "offered"
    withdraw = {"reason": "other", "text": IN_TEXT}
    _refused(client.post("/api/v1/youths/N00001/withdraw", json=withdraw, headers=h), "text")
    erase = {"reason": IN_TEXT, "confirm": "N00001"}
    r = client.post("/api/v1/youths/N00001/erase", json=erase, headers=auth(client, "admin"))
    _refused(r, "reason")
    decision = {"kind": "ban", "youth_ref": "N00001", "reason": IN_TEXT}
    _refused(client.post(f"/api/v1/weeks/{WEEK}/decisions", json=decision, headers=h), "reason")
    claim = {"organisation": "Boligorg-02", "dwelling_type": "family", "department": "B2-1",
             "dwelling_ref": "X-1", "claimed_on": local_today().isoformat(), "note": IN_TEXT}  # fmt: skip
    _refused(client.post("/api/v1/claims", json=claim, headers=h), "note")
    override = {"week": WEEK, "youth_ref": "N00001", "dwelling_ref": "P00001",
                "reason": "social_assessment", "text": IN_TEXT}  # fmt: skip
    _refused(client.post("/api/v1/offers/override", json=override, headers=h), "text")

    result = CliRunner().invoke(cli, ["youth", "erase", "N00001", "--reason", IN_TEXT])
    assert result.exit_code == 2 and "CPR" in result.output and "120598" not in result.output
    assert _found(_dump(), "120598") == set()
    # The same texts without the number are taken.
    r = client.post(f"/api/v1/offers/{oid}/decline", json={"reason": "area", "text": "ring til mor"},
                    headers=h)  # fmt: skip
    assert r.status_code == 200, r.text
