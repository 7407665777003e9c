"""The decline policy: priority kept by default, a configured pause keeps the youth out of runs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service import db, settings
from service.models import Run

from .conftest import auth, import_fixture, run_week, wait_for_run


def _decline_then_rerun(client: TestClient, youth: str) -> dict:
    """Offer ``youth``'s proposal, decline it, force a new run of the week; that run's line for
    the youth."""
    import_fixture(client, "tiny")
    run = run_week(client)
    headers = auth(client, "alloc")
    proposals = client.get(f"/api/v1/runs/{run['id']}/proposals", headers=headers).json()
    proposal = next(p for p in proposals if p["youth_ref"] == youth)
    offer = client.post("/api/v1/offers", json={"proposal_id": proposal["id"]}, headers=headers)
    declined = client.post(f"/api/v1/offers/{offer.json()['id']}/decline",
                           json={"reason": "area"}, headers=headers)  # fmt: skip
    assert declined.status_code == 200, declined.text
    again = client.post("/api/v1/runs", json={"week": "2026-W48", "force": True}, headers=headers)
    rerun = wait_for_run(client, again.json()["id"], headers)
    assert rerun["status"] == "done", rerun
    lines = client.get(f"/api/v1/runs/{rerun['id']}/proposals", headers=headers).json()
    return next((p for p in lines if p["youth_ref"] == youth), {})


def test_declining_keeps_the_youth_in_the_next_run_but_not_the_dwelling(
    client: TestClient,
) -> None:
    """Pause 0 (the default): T05 declines U5 and keeps their place in the next run, which
    does not propose U5 to them again (a ban of the pair in the run's input, naming the
    offer); the allocator's pin of the pair (the youth changed their mind) wins."""
    line = _decline_then_rerun(client, "T05")
    assert line and line["dwelling_ref"] != "U5" and line["reason"] != "paused", line
    headers = auth(client, "alloc")
    with Session(db.get_engine()) as session:
        latest = session.exec(select(Run).order_by(col(Run.id).desc())).first()
        assert latest is not None and latest.input_snapshot is not None
        decisions = latest.input_snapshot["decisions.csv"].splitlines()
    assert decisions[1].startswith("T05,U5,ban,Den unge har afslået tilbud 1 om denne bolig")
    pin = {"kind": "pin", "youth_ref": "T05", "unit_ref": "U5", "reason": "vil alligevel gerne"}
    r = client.post("/api/v1/weeks/2026-W48/decisions", json=pin, headers=headers)
    assert r.status_code == 201, r.text
    again = client.post("/api/v1/runs", json={"week": "2026-W48", "force": True}, headers=headers)
    rerun = wait_for_run(client, again.json()["id"], headers)
    lines = client.get(f"/api/v1/runs/{rerun['id']}/proposals", headers=headers).json()
    assert next(p for p in lines if p["youth_ref"] == "T05")["dwelling_ref"] == "U5"


def test_a_configured_decline_pause_keeps_the_youth_out_of_the_next_run(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pause 2 weeks: the forced re-run of the same week does not include T05 at all."""
    monkeypatch.setenv("BOLIGMATCH_DECLINE_PAUSE_WEEKS", "2")
    settings.get_settings.cache_clear()
    assert _decline_then_rerun(client, "T05") == {}
