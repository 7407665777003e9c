"""Hostile input beyond the limits tried through a real server (test_limits_live.py): database
errors never log the values bound to their SQL; scenario bounds per role."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from service import db
from service.models import YouthRecord

from .conftest import auth

TINY = """
name = "long"
base = "tiny"
horizon_weeks = {horizon}
replications = {reps}
"""


def test_a_database_error_carries_no_personal_value(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """An INSERT refused by the database (a missing required value) with an income and a birth
    date bound to it: neither value is in the error's message nor in the log."""
    caplog.set_level(logging.DEBUG)
    values = {"ref": None, "birth_date": date(2003, 7, 19), "referred_on": date(2025, 1, 1),
              "situation": "couch", "income_type": "job", "support_method": "none",
              "monthly_income": 98761, "pet": "none", "household_size": 1,
              "needs_accessible": False, "preferred_areas": [], "excluded_areas": [],
              "status": "waiting", "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}  # fmt: skip
    with pytest.raises(IntegrityError) as raised, db.get_engine().begin() as conn:
        conn.execute(insert(YouthRecord), values)
    logging.getLogger("test").exception("uncaught", exc_info=raised.value)
    message = str(raised.value)
    assert "INSERT INTO youth" in message and "hidden" in message
    for secret in ("98761", "2003-07-19"):
        assert secret not in message and secret not in caplog.text


@pytest.mark.parametrize(
    "user, horizon, reps, status",
    [("planner", 260, 1, 202), ("planner", 261, 1, 422), ("planner", 4, 201, 422),
     ("admin", 261, 1, 202), ("admin", 100_000, 1, 422), ("planner", 100_000, 1, 422)],
)  # fmt: skip
def test_scenario_bounds_depend_on_the_role(
    client: TestClient, user: str, horizon: int, reps: int, status: int
) -> None:
    body = {"toml": [TINY.format(horizon=horizon, reps=reps)]}
    r = client.post("/api/v1/scenarios", json=body, headers=auth(client, user))
    assert r.status_code == status, r.text
    if status == 422 and horizon > 520:  # past what any scenario file may say (the schema)
        assert "horizon_weeks: must be at most 520" in r.json()["detail"]
    elif status == 422:  # within the schema, past what the role may start
        assert "may start" in r.json()["detail"]
    else:
        from service.usecases import planning

        planning.take_pending(r.json()["id"])  # (its process would run it: not needed here)
