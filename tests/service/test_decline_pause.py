"""The decline policy: priority kept by default, a configured pause keeps the youth out of runs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service import settings

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


def test_declining_keeps_the_youth_in_the_next_run_by_default(client: TestClient) -> None:
    """Pause 0 (the default): T05 declines U5 and is proposed U5 again by the next run."""
    assert _decline_then_rerun(client, "T05")["dwelling_ref"] == "U5"


def test_a_configured_decline_pause_keeps_the_youth_out_of_the_next_run(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pause 2 weeks: the forced re-run of the same week does not include T05 at all."""
    monkeypatch.setenv("BOLIGMATCH_DECLINE_PAUSE_WEEKS", "2")
    settings.get_settings.cache_clear()
    assert _decline_then_rerun(client, "T05") == {}
