"""An app per test on a fresh database: SQLite always, PostgreSQL when
BOLIGMATCH_TEST_POSTGRES_URL is set. The schema is made by the migrations, not create_all."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from service import db, settings
from service.auth import hash_password
from service.migrate import upgrade
from service.models import Role, User
from service.usecases import waits

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures"
PASSWORD = "correct-horse-battery"
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL") else [])


def _fresh_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = os.environ["BOLIGMATCH_TEST_POSTGRES_URL"]
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    url = _fresh_url(request.param, tmp_path)
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", url)
    monkeypatch.setenv("BOLIGMATCH_SECRET_KEY", "test-secret")
    # Expected waits (a background simulation per pool version): small, so tests stay quick.
    monkeypatch.setenv("BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS", "3")
    monkeypatch.setenv("BOLIGMATCH_EXPECTED_WAIT_WEEKS", "6")
    waits.reset()
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(url)
    yield url
    db.get_engine().dispose()
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()


USERS = {
    "admin": (Role.ADMIN, []),
    "alloc": (Role.ALLOCATOR, []),
    "planner": (Role.PLANNER, []),
    "cw_icm1": (Role.CASEWORKER, ["ICM-1"]),
    "cw_cti1": (Role.CASEWORKER, ["CTI-1"]),
}
_HASH = hash_password(PASSWORD)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    from service.app import create_app

    with Session(db.get_engine()) as session:
        for name, (role, teams) in USERS.items():
            session.add(User(username=name, role=role.value, password_hash=_HASH, teams=teams))
        session.commit()
    app = create_app()
    with TestClient(app) as c:
        yield c
    app.state.jobs.stop(wait=True)


def auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/login/access-token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def upload(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (p.name, p.read_bytes(), "text/plain"))
        for p in sorted(folder.iterdir())
        if p.name in {"youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml"}
    ]


def import_fixture(client: TestClient, name: str = "naestved") -> dict:
    r = client.post("/api/v1/imports", files=upload(FIXTURES / name), headers=auth(client, "alloc"))
    assert r.status_code == 201, r.text
    return r.json()


def wait_done(client: TestClient, url: str, headers: dict[str, str], timeout: float = 60) -> dict:
    """Poll a background job's URL until its status is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"{url} did not finish")


def wait_for_run(
    client: TestClient, run_id: int, headers: dict[str, str], timeout: float = 60
) -> dict:
    return wait_done(client, f"/api/v1/runs/{run_id}", headers, timeout)


def run_week(client: TestClient, week: str = "2026-W48") -> dict:
    headers = auth(client, "alloc")
    r = client.post("/api/v1/runs", json={"week": week}, headers=headers)
    assert r.status_code == 202, r.text
    return wait_for_run(client, r.json()["id"], headers)
