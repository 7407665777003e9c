"""Least privilege for case workers: their own youths, their team's youths without a responsible
worker, all the team's youths only where the team shares its caseload (ACT by default); every
path (list, one youth, queue page, start page, pages) applies the one rule; denied reads of
existing youths are audited and answered exactly like a missing youth."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db
from service.models import AuditEvent

from .conftest import FIXTURES, auth

FILES = ("youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml")


def _import(client: TestClient, workers: dict[str, str], shared: dict[str, str]) -> None:
    """naestved with ``case_worker`` set for some youths and ``shared_caseload`` for teams."""
    folder = FIXTURES / "naestved"
    files = {name: (folder / name).read_text() for name in FILES}
    for name, column, values in (("youths.csv", "case_worker", workers),
                                 ("support.csv", "shared_caseload", shared)):  # fmt: skip
        rows = list(csv.DictReader(io.StringIO(files[name])))
        key = "ref" if name == "youths.csv" else "team"
        for row in rows:
            row[column] = values.get(row[key], "")
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        files[name] = out.getvalue()
    upload = [("files", (n, t.encode(), "text/plain")) for n, t in files.items()]
    r = client.post("/api/v1/imports", files=upload, headers=auth(client, "alloc"))
    assert r.status_code == 201, r.text


def _team(team: str) -> list[str]:
    rows = csv.DictReader((FIXTURES / "naestved" / "youths.csv").open())
    return [r["ref"] for r in rows if r["support_team"] == team]


def _listed(client: TestClient, user: str) -> set[str]:
    r = client.get("/api/v1/youths", headers=auth(client, user))
    assert r.status_code == 200
    return {y["ref"] for y in r.json()}


def test_a_case_worker_sees_own_unassigned_and_shared_youths_only(client: TestClient) -> None:
    icm1, cti1 = _team("ICM-1"), _team("CTI-1")
    mine, colleague, unassigned = icm1[0], icm1[1], icm1[2:]
    workers = {mine: "cw_icm1", colleague: "someone_else", cti1[0]: "someone_else"}
    _import(client, workers, shared={"CTI-1": "true"})
    assert _listed(client, "cw_icm1") == {mine, *unassigned}
    assert _listed(client, "cw_cti1") == set(cti1)  # CTI-1 shares its caseload
    h = auth(client, "cw_icm1")
    for path in ("/api/v1/youths/{}", "/api/v1/youths/{}/queue"):
        assert client.get(path.format(mine), headers=h).status_code == 200
        hidden = client.get(path.format(colleague), headers=h)
        missing = client.get(path.format("NO-SUCH-REF"), headers=h)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
    with Session(db.get_engine()) as s:
        denied = s.exec(select(AuditEvent).where(AuditEvent.action == "read.denied")).all()
    assert [(e.actor, e.object_ref) for e in denied] == [("cw_icm1", colleague)] * 2
    # the allocator sees everyone
    assert colleague in _listed(client, "alloc")


def test_an_act_team_shares_its_caseload_unless_it_says_otherwise(client: TestClient) -> None:
    """No ACT team in the fixture: CTI-1 marked ``shared_caseload=false`` explicitly hides a
    colleague's youth; left empty for a CTI team it is not shared either."""
    cti1 = _team("CTI-1")
    _import(client, {cti1[0]: "someone_else"}, shared={"CTI-1": "false"})
    assert cti1[0] not in _listed(client, "cw_cti1")
    from service.authz import Principal, may_see, shares_caseload

    assert shares_caseload("ACT", None) and not shares_caseload("CTI", None)
    assert not shares_caseload("ACT", False)
    worker = Principal("cw", "caseworker", ("A-1",))
    assert may_see(worker, "A-1", "someone_else", "ACT", None)
    assert not may_see(worker, "A-1", "someone_else", "CTI", None)
    assert not may_see(worker, "B-1", None, "ACT", None)


def test_pages_apply_the_same_rule(client: TestClient) -> None:
    icm1 = _team("ICM-1")
    _import(client, {icm1[0]: "cw_icm1", icm1[1]: "someone_else"}, shared={})
    from service.web.session import SESSION_COOKIE

    token = auth(client, "cw_icm1")["Authorization"].split()[1]
    client.cookies.set(SESSION_COOKIE, token)  # the page session holds the same token
    page = client.get("/unge").text
    assert icm1[0] in page and icm1[1] not in page
    assert client.get(f"/unge/{icm1[1]}").status_code == 404
    assert client.get(f"/unge/{icm1[0]}").status_code == 200
