"""A pin the week can no longer honour is set aside by the run, not fatal to it
(``usecases.runs``): the quota claim or team slot a pin needs is checked when the pin is made,
but the pin holds nothing, so a later claim, offer or import can take it. The run then solves
the week without that pin, keeps the snapshot it solved, and says which pin and why; the pin
stays in force and is honoured again once there is room.

The week is ``ledger_case``: OrgA/family allows 2 claims (A1–A5 vacant), team CTI-1 has one
free slot (C01–C03 are its youths)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from service import db
from service.models import Run, local_today
from service.usecases.data import files_from_json, snapshot_case, snapshot_hash
from service.usecases.runs import unhonourable_pins
from solver.caseio.issues import CaseError, CaseIssue
from solver.engine.week import run_case
from tests.web.conftest import csrf_of

from .conftest import PASSWORD, auth, wait_for_run
from .ledger_case import WEEK, files, import_files


def _run(client: TestClient, headers: dict[str, str]) -> dict:
    r = client.post("/api/v1/runs", json={"week": WEEK, "force": True}, headers=headers)
    assert r.status_code == 202, r.text
    return wait_for_run(client, r.json()["id"], headers)


def _placed(client: TestClient, headers: dict[str, str], run_id: int) -> dict[str, tuple]:
    rows = client.get(f"/api/v1/runs/{run_id}/proposals", headers=headers).json()
    return {p["youth_ref"]: (p["dwelling_ref"], p["reason"]) for p in rows}


def _pin(client: TestClient, headers: dict[str, str], youth: str, unit: str) -> int:
    r = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                    json={"kind": "pin", "youth_ref": youth, "unit_ref": unit,
                          "reason": "aftalt på anvisningsmødet"})  # fmt: skip
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _override(
    client: TestClient, headers: dict[str, str], youth: str, unit: str, text: str = "kendt"
) -> Response:
    body = {"week": WEEK, "youth_ref": youth, "dwelling_ref": unit, "reason": "social_assessment",
            "text": text, "dispensations": []}  # fmt: skip
    return client.post("/api/v1/offers/override", json=body, headers=headers)


def _claim(client: TestClient, headers: dict[str, str], ref: str) -> int:
    body = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
            "dwelling_ref": ref, "claimed_on": local_today().isoformat(),
            "note": "anvist pr. telefon"}  # fmt: skip
    r = client.post("/api/v1/claims", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _stored(run_id: int) -> Run:
    with Session(db.get_engine()) as session:
        run = session.get(Run, run_id)
        assert run is not None
        _ = run.input_snapshot  # deferred: loaded while the session is open
        return run


def test_a_pin_whose_quota_claims_were_taken_is_set_aside_and_honoured_again_later(
    client: TestClient,
) -> None:
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    pin = _pin(client, headers, "Y06", "A3")
    pinned = _run(client, headers)
    assert pinned["status"] == "done" and pinned["set_aside"] == []
    assert _placed(client, headers, pinned["id"])["Y06"] == ("A3", "pin")

    # Two claims made by phone take both of OrgA/family's claims: the pin's claim among them.
    first = _claim(client, headers, "X-101")
    _claim(client, headers, "X-102")
    run = _run(client, headers)
    assert run["status"] == "done", run["error"]
    assert [(p["decision_id"], p["code"]) for p in run["set_aside"]] == [(pin, "pin_group_full")]
    assert run["set_aside"][0]["detail"] == (
        "OrgA/family allows 0 more claims this run and has 1 pin"
    )
    placed = _placed(client, headers, run["id"])
    assert placed["Y06"][1] != "pin"
    assert not any(d and d.startswith("A") for d, _ in placed.values())  # no claim is left
    # The run keeps what it solved: the snapshot without the pin, hashed as stored, and solving
    # it again gives the same proposals.
    stored = _stored(run["id"])
    assert "decisions.csv" not in stored.input_snapshot
    snapshot = files_from_json(stored.input_snapshot)
    assert stored.input_hash == snapshot_hash(snapshot) == run["input_hash"]
    again = run_case(snapshot_case(snapshot))
    assert {m.youth_ref: m.unit_ref for m in again.matches} == {
        y: d for y, (d, _) in placed.items() if d
    }
    # The pin stays in force, and the run page says it was set aside and why, in Danish.
    decisions = client.get(f"/api/v1/weeks/{WEEK}/decisions", headers=headers).json()
    assert [d["id"] for d in decisions] == [pin]
    form = client.get("/login")
    client.post("/login", data={"username": "alloc", "password": PASSWORD,
                                "csrf_token": csrf_of(form.text)})  # fmt: skip
    page = client.get(f"/anvisning/koersler/{run['id']}")
    assert page.status_code == 200
    assert "1 af dine beslutninger kan ikke overholdes" in page.text
    assert "Sat til side i denne kørsel:</strong> OrgA/familiebolig tillader 0 anvisninger" in (
        page.text
    )

    # A claim withdrawn gives the room back: the next run honours the pin again.
    r = client.post(f"/api/v1/claims/{first}/withdraw", headers=headers)
    assert r.status_code == 200, r.text
    honoured = _run(client, headers)
    assert honoured["set_aside"] == []
    assert _placed(client, headers, honoured["id"])["Y06"] == ("A3", "pin")
    assert (
        "beslutninger kan ikke overholdes"
        not in client.get(f"/anvisning/koersler/{honoured['id']}").text
    )


def test_a_pin_whose_team_has_no_slot_after_an_import_is_set_aside(client: TestClient) -> None:
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    pin = _pin(client, headers, "C03", "B1")
    assert _placed(client, headers, _run(client, headers)["id"])["C03"] == ("B1", "pin")
    # The organisations' next count: CTI-1's caseload is full, so it has no slot for C03.
    import_files(client, headers, files(caseload=10))
    run = _run(client, headers)
    assert run["status"] == "done", run["error"]
    assert [(p["decision_id"], p["code"]) for p in run["set_aside"]] == [(pin, "pin_team_full")]
    placed = _placed(client, headers, run["id"])
    assert not any(placed[c][0] for c in ("C01", "C02", "C03"))


def test_only_pins_the_week_cannot_honour_are_set_aside() -> None:
    full = {"group": ["OrgA/family"], "remaining": 0, "pins": 1}
    pin = CaseIssue("decisions.csv", 3, "unit_ref", "pin_group_full", full)
    team = CaseIssue("decisions.csv", 2, "youth_ref", "pin_team_full",
                     {"team": "CTI-1", "slots": 0, "pins": 1})  # fmt: skip
    assert unhonourable_pins(CaseError([pin, team])) == [pin, team]
    # Any other problem fails the run as before: a reader's issue, or one without a row.
    other = CaseIssue("youths.csv", 4, "ref", "duplicate", {"key": "Y1", "first": 2})
    assert unhonourable_pins(CaseError([pin, other])) is None
    whole_file = CaseIssue("decisions.csv", None, None, "pin_group_full", full)
    assert unhonourable_pins(CaseError([whole_file])) is None
    twice = CaseIssue("decisions.csv", 3, "youth_ref", "pin_twice", {"ref": "Y1", "first": 2})
    assert unhonourable_pins(CaseError([twice])) is None


def test_of_two_pins_that_meet_again_the_later_stands(client: TestClient) -> None:
    """Pin Y06 to A3; Y06 is withdrawn, so the pin no longer applies and A3 may be pinned to
    Y05; Y06 is reopened, and both pins apply again: the run honours the later one and says the
    earlier was set aside (it failed on 'pinned twice' before)."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    first = _pin(client, headers, "Y06", "A3")
    r = client.post("/api/v1/youths/Y06/withdraw", headers=headers,
                    json={"reason": "other", "text": "bor midlertidigt hos familie"})  # fmt: skip
    assert r.status_code == 200, r.text
    second = _pin(client, headers, "Y05", "A3")
    assert client.post("/api/v1/youths/Y06/reopen", headers=headers).status_code == 200
    # an offer outside the proposal, declined: the run page lists it
    override = _override(client, headers, "Y01", "B1", "akut")
    assert override.status_code == 201, override.text
    r = client.post(f"/api/v1/offers/{override.json()['id']}/decline", headers=headers,
                    json={"reason": "other", "text": "vil hellere bo i Syd"})  # fmt: skip
    assert r.status_code == 200, r.text
    # A new decision is checked against the decisions a run keeps: the two pins that met
    # again do not refuse it ("pinned twice").
    ban = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                      json={"kind": "ban", "youth_ref": "Y01", "unit_ref": "A1",
                            "reason": "udlejer har sagt nej"})  # fmt: skip
    assert ban.status_code == 201, ban.text
    run = _run(client, headers)
    assert run["status"] == "done", run["error"]
    assert [(p["decision_id"], p["code"]) for p in run["set_aside"]] == [
        (first, "decision_superseded")
    ]
    assert f"no. {second}" in run["set_aside"][0]["detail"]
    placed = _placed(client, headers, run["id"])
    assert placed["Y05"] == ("A3", "pin") and placed["Y06"][1] != "pin"
    stored = _stored(run["id"])
    assert stored.input_snapshot["decisions.csv"].count("pin") == 1
    # The run page lists the week's offers outside the proposal with their state and reason.
    form = client.get("/login")
    client.post("/login", data={"username": "alloc", "password": PASSWORD,
                                "csrf_token": csrf_of(form.text)})  # fmt: skip
    page = client.get(f"/anvisning/koersler/{run['id']}").text
    listed = page.split('id="override-list"')[1].split("</table>")[0]
    assert "Y01" in listed and "B1" in listed and "Afslået" in listed and "akut" in listed


def test_a_second_pin_of_a_pinned_dwelling_is_refused_when_both_apply(client: TestClient) -> None:
    """A dwelling pinned to a waiting youth cannot be pinned to another (the check compared
    rows the decisions did not have, and took it: every later run then failed)."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    _pin(client, headers, "Y06", "A3")
    r = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                    json={"kind": "pin", "youth_ref": "Y05", "unit_ref": "A3",
                          "reason": "aftalt"})  # fmt: skip
    assert r.status_code == 422 and "'A3' is pinned twice" in r.json()["detail"], r.text
    ban = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                      json={"kind": "ban", "youth_ref": "Y06", "unit_ref": "A3",
                            "reason": "udlejer har sagt nej"})  # fmt: skip
    assert ban.status_code == 422 and "contradicts the pin" in ban.json()["detail"], ban.text


def test_an_override_that_would_defeat_a_pin_is_refused_naming_it(client: TestClient) -> None:
    """An override and a pin are both the office's own decisions: an override that would leave
    a pin in force unhonourable is refused at once (not set aside by the next run), and made once
    the pin is revoked."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    pin = _pin(client, headers, "Y06", "A3")
    slot = _pin(client, headers, "C01", "B1")  # the CTI team's one free slot
    youth_pinned = _override(client, headers, "Y06", "A1")
    assert youth_pinned.status_code == 409, youth_pinned.text
    assert youth_pinned.json()["detail"] == (
        "the youth 'Y06' is pinned to dwelling 'A3': revoke that decision first if this offer "
        "is to be made"
    )
    assert (
        _override(client, headers, "Y01", "A3")
        .json()["detail"]
        .startswith("dwelling 'A3' is pinned to the youth 'Y06'")
    )
    # OrgA/family allows 2 claims: one is the pin's; an override of another family dwelling
    # takes the other, and a second would take the pin's.
    assert _override(client, headers, "Y01", "A1").status_code == 201
    takes_claim = _override(client, headers, "Y02", "A2")
    assert takes_claim.status_code == 409, takes_claim.text
    assert (
        "the last claim of OrgA/family that the pin of 'Y06' to 'A3' needs"
        in (takes_claim.json()["detail"])
    )
    takes_slot = _override(client, headers, "C02", "B2")
    assert takes_slot.status_code == 409, takes_slot.text
    assert (
        "the last free slot of team CTI-1 that the pin of 'C01' to 'B1' needs"
        in (takes_slot.json()["detail"])
    )
    # nothing was written by the refusals: the next run honours both pins
    run = _run(client, headers)
    assert run["set_aside"] == []
    placed = _placed(client, headers, run["id"])
    assert placed["Y06"] == ("A3", "pin") and placed["C01"] == ("B1", "pin")
    # revoked, the pin is out of the way
    for decision in (pin, slot):
        r = client.delete(f"/api/v1/decisions/{decision}", headers=headers)
        assert r.status_code == 200, r.text
    assert _override(client, headers, "Y02", "A2").status_code == 201
    assert _override(client, headers, "C02", "B2").status_code == 201


def test_an_override_is_not_blamed_for_a_pin_that_lacked_room_already(client: TestClient) -> None:
    """Two claims by phone took the pin's quota claim before the override: the run sets the
    pin aside; an unrelated override (a youth dwelling outside any quota) is made as ever."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    _pin(client, headers, "Y06", "A3")
    _claim(client, headers, "X-301")
    _claim(client, headers, "X-302")
    made = _override(client, headers, "Y01", "B1")
    assert made.status_code == 201, made.text
    run = _run(client, headers)
    assert [p["code"] for p in run["set_aside"]] == ["pin_group_full"]
