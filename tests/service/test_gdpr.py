"""GDPR: one youth's export (API, CLI, page), erasure everywhere (a search of the whole database
finds none of their personal fields afterwards), retention, and the append-only audit log (the
triggers on both databases, the application's role on PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from typer.testing import CliRunner

from service import db
from service.cli import app as cli
from service.models import Offer, Run, now
from service.usecases import proposal_view

from .conftest import FIXTURES, auth, run_week, wait_for_run

FILES = ("youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml")
REF = "Y-ERASE-ME-7"
# The youth's personal values, none of which occurs anywhere in the fixture.
PERSONAL = {
    "birth_date": "2004-02-29",
    "referred_on": "2024-01-03",
    "monthly_income": "98761",
    "rent_ceiling": "7919",
    "urgent_by": "2026-12-04",  # a date no naestved row holds
    "preferred_areas": "Zzyzxkvarteret",
    "excluded_areas": "Qwxbyen",
    "case_worker": "anna.erasable",
}
DECLINE_TEXT = "hemmelig-afslagstekst-91"
DECISION_TEXT = "hemmelig-beslutning-77"
OVERRIDE_TEXT = "hemmelig-tilbudstekst-53"
GUARDIAN = "Hemmelig Værge-Olsen"


def _import(client: TestClient) -> None:
    folder = FIXTURES / "naestved"
    files = {name: (folder / name).read_text() for name in FILES}
    for needle in (REF, DECLINE_TEXT, *PERSONAL.values()):
        assert all(needle not in t for t in files.values()), needle
    rows = list(csv.DictReader(io.StringIO(files["youths.csv"])))
    youth = {**rows[0], "ref": REF, "situation": "street", "income_type": "job", "pet": "none",
             "household_size": "1", "needs_accessible": "false", "support_method": "none",
             "support_team": "", "gender": "female", "greenlandic": "true", **PERSONAL}  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, youth])
    files["youths.csv"] = out.getvalue()
    upload = [("files", (n, t.encode(), "text/plain")) for n, t in files.items()]
    r = client.post("/api/v1/imports", files=upload, headers=auth(client, "alloc"))
    assert r.status_code == 201, r.text


def _dump() -> dict[str, list[str]]:
    """Every value of every row of every table, as text, by table."""
    engine = db.get_engine()
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for name, table in meta.tables.items():
            values = []
            for row in conn.execute(select(table)):
                for value in row:
                    values.append(json.dumps(value, default=str, ensure_ascii=False)
                                  if isinstance(value, dict | list) else str(value))  # fmt: skip
            out[name] = values
    return out


def _found(dump: dict[str, list[str]], needle: str) -> set[str]:
    """The tables holding ``needle`` as a value of its own or a part of one between non-word
    characters (a cell, a JSON value, a CSV field): a 4-digit amount is not found inside a
    timestamp's microseconds or a random token."""
    pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return {table for table, values in dump.items() if any(pattern.search(v) for v in values)}


def _prepare(client: TestClient) -> dict[str, Any]:
    """The youth imported, matched by a run, offered, declined with a text, read, run again."""
    _import(client)
    run = run_week(client)
    alloc = auth(client, "alloc")
    proposals = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=alloc).json()
    mine = next(p for p in proposals if p["youth_ref"] == REF)
    assert mine["dwelling_ref"], "the urgent youth is housed by the run"
    offer = client.post("/api/v1/offers", json={"proposal_id": mine["id"]}, headers=alloc).json()
    r = client.post(f"/api/v1/offers/{offer['id']}/decline",
                    json={"reason": "area", "text": DECLINE_TEXT}, headers=alloc)  # fmt: skip
    assert r.status_code == 200
    # an allocator's decision about them (its reason in words), and the ban of the declined
    # pair, are in the next run's input
    other = next(p for p in proposals if p["dwelling_ref"] and p["youth_ref"] != REF)
    decision = {"kind": "ban", "youth_ref": REF, "unit_ref": other["dwelling_ref"],
                "reason": DECISION_TEXT}  # fmt: skip
    r = client.post("/api/v1/weeks/2026-W48/decisions", json=decision, headers=alloc)
    assert r.status_code == 201, r.text
    assert client.get(f"/api/v1/youths/{REF}/queue", headers=alloc).status_code == 200
    again = client.post("/api/v1/runs", json={"week": "2026-W48", "force": True}, headers=alloc)
    return wait_for_run(client, again.json()["id"], alloc)


def test_an_export_holds_everything_stored_about_the_youth(client: TestClient) -> None:
    _prepare(client)
    admin = auth(client, "admin")
    r = client.get(f"/api/v1/youths/{REF}/export", headers=admin)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["youth"]["monthly_income"] == 98761 and data["youth"]["ref"] == REF
    assert len(data["runs"]) == 2 and all(run["row"]["ref"] == REF for run in data["runs"])
    assert data["runs"][0]["row"]["rent_ceiling"] == "7919"
    assert len(data["proposals"]) == 2
    assert data["offers"][0]["decline_text"] == DECLINE_TEXT
    assert [(d["kind"], d["reason"]) for d in data["decisions"]] == [("ban", DECISION_TEXT)]
    actions = {e["action"] for e in data["events"]}
    assert {"read.queue", "offer.create", "offer.decline"} <= actions
    assert (
        client.get(f"/api/v1/youths/{REF}/export", headers=auth(client, "alloc")).status_code == 403
    )
    page = client.get(
        f"/admin/unge/{REF}", cookies={"boligmatch_session": admin["Authorization"][7:]}
    )
    assert page.status_code == 200 and "Oplysninger om ung" in page.text
    assert "98.761" in page.text and "gade eller bil" in page.text and DECLINE_TEXT in page.text
    # every field and coded value in words, weeks as people say them (no codes on the page)
    cells = re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', page.text)
    assert ("Køn (kun til opfølgning)", "Kvinde") in cells and ("Husdyr", "Intet") in cells
    assert all("_" not in name for name, _ in cells), cells
    assert "uge 48, 2026" in page.text and "2026-W48" not in page.text
    assert page.text.count('class="table-wrap"') == 5  # a wide table scrolls in its own box
    assert DECISION_TEXT in page.text and "Beslutninger om den unge (1)" in page.text
    result = CliRunner().invoke(cli, ["youth", "export", REF])
    assert result.exit_code == 0 and json.loads(result.stdout)["youth"]["ref"] == REF
    html = CliRunner().invoke(cli, ["youth", "export", REF, "--html"])
    assert html.exit_code == 0 and "Registrerede oplysninger" in html.stdout
    exports = [e for e in client.get("/api/v1/audit?action=export.youth", headers=admin).json()]
    assert len(exports) == 4


def test_after_an_erasure_the_database_holds_none_of_the_youths_personal_fields(
    client: TestClient,
) -> None:
    last = _prepare(client)
    with Session(db.get_engine()) as s:  # an override's text, a guardian, a failed run's error
        s.add(
            Offer(
                youth_ref=REF,
                dwelling_ref="B-GONE",
                week="2026-W48",
                state="declined",
                expires_on=now().date(),
                override_text=OVERRIDE_TEXT,
                guardian=GUARDIAN,
            )
        )
        s.add(Run(week="2026-W48", generation=99, status="failed", created_by="alloc",
                  error=f"CaseError: youths.csv row 9, column ref: duplicate '{REF}'"))  # fmt: skip
        s.commit()
    before = _dump()
    for needle in (*PERSONAL.values(), DECLINE_TEXT, DECISION_TEXT, OVERRIDE_TEXT, GUARDIAN):
        assert _found(before, needle), needle  # the search does find them while stored
    with Session(db.get_engine()) as s:
        solved = select(Run).where(Run.status == "done")
        hashes = {r.id: (r.input_hash, r.input_snapshot["youths.csv"].count("\n"))
                  for r in s.exec(solved).scalars()}  # fmt: skip
        # the run page's memo of parsed snapshots holds the youth while stored
        memo = [proposal_view.run_case(r) for r in s.exec(solved).scalars()]
        assert all(REF in {y.ref for y in case.youths} for case in memo if case)
    admin = auth(client, "admin")
    r = client.post(f"/api/v1/youths/{REF}/erase", json={"reason": "art. 17 request"},
                    headers=admin)  # fmt: skip
    assert r.status_code == 200, r.text
    tombstone = r.json()["tombstone"]
    after = _dump()
    for needle in (*PERSONAL.values(), DECLINE_TEXT, DECISION_TEXT, OVERRIDE_TEXT, GUARDIAN):
        assert not _found(after, needle), (needle, _found(after, needle))
    # the pseudonymous reference stays only in the append-only audit log's earlier events
    assert _found(after, REF) == {"audit_event"}
    with Session(db.get_engine()) as s:  # the failed run's message names the tombstone
        failed = s.exec(select(Run).where(Run.status == "failed")).scalars().one()
        assert failed.error == f"CaseError: youths.csv row 9, column ref: duplicate '{tombstone}'"
    with Session(db.get_engine()) as s:
        for run in s.exec(solved).scalars():  # hash and counts kept
            assert (run.input_hash, run.input_snapshot["youths.csv"].count("\n")) == hashes[run.id]
            assert tombstone in run.input_snapshot["youths.csv"]
            case = proposal_view.run_case(run)  # read anew: the memo is keyed by the snapshot
            assert case is not None and REF not in {y.ref for y in case.youths}
    alloc = auth(client, "alloc")
    proposals = client.get(f"/api/v1/runs/{last['id']}/proposals", headers=alloc).json()
    assert sum(p["youth_ref"] == tombstone for p in proposals) == 1
    assert client.get(f"/api/v1/youths/{REF}", headers=alloc).status_code == 404
    assert client.get(f"/api/v1/youths/{REF}/export", headers=admin).status_code == 404
    erased = client.get("/api/v1/audit?action=erase.youth", headers=admin).json()
    assert [(e["object_ref"], e["detail"]) for e in erased] == [(tombstone, "art. 17 request")]
    # the week still runs
    again = client.post("/api/v1/runs", json={"week": "2026-W48", "force": True}, headers=alloc)
    assert wait_for_run(client, again.json()["id"], alloc)["status"] == "done"


def test_a_youth_holding_an_open_offer_is_not_erased(client: TestClient) -> None:
    _import(client)
    run = run_week(client)
    alloc, admin = auth(client, "alloc"), auth(client, "admin")
    proposals = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=alloc).json()
    mine = next(p for p in proposals if p["youth_ref"] == REF)
    client.post("/api/v1/offers", json={"proposal_id": mine["id"]}, headers=alloc)
    r = client.post(f"/api/v1/youths/{REF}/erase", json={"reason": "x"}, headers=admin)
    assert r.status_code == 409
    assert client.get(f"/api/v1/youths/{REF}", headers=alloc).status_code == 200


def _housed(client: TestClient) -> dict[str, Any]:
    """The youth imported, matched by the week's run, offered, accepted and signed (a closed
    case); the run."""
    _import(client)
    run = run_week(client)
    alloc = auth(client, "alloc")
    proposals = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=alloc).json()
    mine = next(p for p in proposals if p["youth_ref"] == REF)
    offer = client.post("/api/v1/offers", json={"proposal_id": mine["id"]}, headers=alloc).json()
    for action in ("accept", "sign"):
        assert (
            client.post(f"/api/v1/offers/{offer['id']}/{action}", headers=alloc).status_code == 200
        )
    return run


def test_retention_erases_closed_cases_and_old_snapshots(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _housed(client)
    alloc = auth(client, "alloc")
    from service import settings
    from service.usecases.gdpr import apply_retention

    monkeypatch.setenv("BOLIGMATCH_RETENTION_CLOSED_CASE_DAYS", "30")
    monkeypatch.setenv("BOLIGMATCH_RETENTION_SNAPSHOT_DAYS", "60")
    settings.get_settings.cache_clear()
    with Session(db.get_engine()) as s:
        today = now().date()
        assert apply_retention(s, "t", dry_run=True, today=today + timedelta(days=31)).youths == [
            REF
        ]
        soon = apply_retention(s, "t", today=today + timedelta(days=29))
        assert (soon.youths, soon.snapshots) == ([], [])
    dry = CliRunner().invoke(cli, ["retention", "apply", "--dry-run"])
    assert dry.exit_code == 0 and json.loads(dry.stdout)["youths"] == []
    with Session(db.get_engine()) as s:
        report = apply_retention(s, "t", today=today + timedelta(days=61))
        assert report.youths == [REF] and report.snapshots == [run["id"]]
        old = s.get(Run, run["id"])
        assert old is not None and old.input_snapshot == {} and old.input_hash == run["input_hash"]
        assert old.input_counts is not None and old.input_counts["youths.csv"] == 61
    assert client.get(f"/api/v1/youths/{REF}", headers=alloc).status_code == 404


def test_the_audit_log_is_append_only_in_the_database(client: TestClient) -> None:
    run_week_safe = client.post("/api/v1/logout", headers=auth(client, "alloc"))
    assert run_week_safe.status_code == 204
    engine = db.get_engine()
    for statement in ("DELETE FROM audit_event", "UPDATE audit_event SET actor = 'x'"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_event"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() >= 2
    if engine.dialect.name == "postgresql":  # (SQLite has no roles: the triggers are all)
        _the_applications_role_cannot_change_the_audit_log(engine)


def _the_applications_role_cannot_change_the_audit_log(engine) -> None:  # type: ignore[no-untyped-def]
    role = f"{engine.url.database}_app"
    with engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        if exists.first() is None:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "grant-app", role]).exit_code == 0
    app_engine = db.make_engine(engine.url.set(username=role).render_as_string(False))
    try:
        with app_engine.begin() as conn:  # the application's own work: read and append
            conn.execute(text("INSERT INTO audit_event (at, actor, action, object_type, "
                              "object_ref, detail) VALUES (now(), 'a', 'b', 'c', 'd', '')"))  # fmt: skip
            conn.execute(text("UPDATE youth SET status = status"))
        for statement in ("DELETE FROM audit_event", "UPDATE audit_event SET actor = 'x'",
                          "TRUNCATE audit_event", "DELETE FROM alembic_version"):  # fmt: skip
            with pytest.raises(DBAPIError, match="permission denied"), app_engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        app_engine.dispose()


def _reimport(client: TestClient) -> tuple[Any, int]:
    """The import of the fixture with a row under the erased reference at the end: the answer
    and that row's number."""
    folder = FIXTURES / "naestved"
    files = {name: (folder / name).read_text() for name in FILES}
    rows = files["youths.csv"].splitlines()
    header, first = rows[0], rows[1]
    mine = first.replace(first.split(",")[0], REF, 1)  # the first row under the erased ref
    files["youths.csv"] = "\n".join([header, *rows[1:], mine]) + "\n"
    upload = [("files", (n, t.encode(), "text/plain")) for n, t in files.items()]
    answer = client.post("/api/v1/imports", files=upload, headers=auth(client, "alloc"))
    return answer, len(rows) + 1  # the header is row 1


def test_an_erased_youth_is_not_imported_or_registered_again(client: TestClient) -> None:
    _import(client)
    admin, alloc = auth(client, "admin"), auth(client, "alloc")
    r = client.post(f"/api/v1/youths/{REF}/erase", json={"reason": "art. 17"}, headers=admin)
    assert r.status_code == 200, r.text
    before = _dump()
    assert not _found(before, REF) - {"audit_event"}  # the digest is not the reference
    answer, row = _reimport(client)
    # the municipality's next weekly import still lists them: refused, naming the row, and
    # nothing is written
    assert answer.status_code == 422, answer.text
    assert f"row {row}" in answer.text and "ref" in answer.text and REF in answer.text
    assert "erased on request" in answer.text
    unaudited = {k: v for k, v in _dump().items() if k != "audit_event"}  # a sign-in is
    assert unaudited == {k: v for k, v in before.items() if k != "audit_event"}
    assert client.get(f"/api/v1/youths/{REF}", headers=alloc).status_code == 404
    registered = {"ref": REF, "birth_date": "2005-01-01", "referred_on": "2026-01-05",
                  "situation": "street", "monthly_income": "9000", "income_type": "job",
                  "rent_ceiling": "5000", "support_method": "none"}  # fmt: skip
    r = client.post("/api/v1/youths", json=registered, headers=alloc)
    assert r.status_code == 409 and "erased on request" in r.text, r.text
    # said before any other problem of the form: no correction would make it right
    r = client.post("/api/v1/youths", json={**registered, "support_method": ""}, headers=alloc)
    assert r.status_code == 409 and "erased on request" in r.text, r.text
    assert client.get(f"/api/v1/youths/{REF}", headers=alloc).status_code == 404
    # another youth's reference is registered as ever
    r = client.post("/api/v1/youths", json={**registered, "ref": REF + "-NY"}, headers=alloc)
    assert r.status_code == 201, r.text


def test_a_youth_erased_by_retention_may_come_back(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retention erases a closed case; a youth who comes back years later is a new case."""
    _housed(client)
    alloc = auth(client, "alloc")
    from service import settings
    from service.usecases.gdpr import apply_retention

    monkeypatch.setenv("BOLIGMATCH_RETENTION_CLOSED_CASE_DAYS", "30")
    settings.get_settings.cache_clear()
    with Session(db.get_engine()) as s:
        assert apply_retention(s, "t", today=now().date() + timedelta(days=31)).youths == [REF]
    answer, _ = _reimport(client)
    assert answer.status_code == 201, answer.text
    assert client.get(f"/api/v1/youths/{REF}", headers=alloc).status_code == 200
