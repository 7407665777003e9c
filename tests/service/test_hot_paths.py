"""The queue and youth reads' fast path: the same access rules as the dependency chain (user
read on every request, so deactivation, role and team changes act at once), audit events
committed before the answer (group commit), and the per-version queue-info memo."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlmodel import Session

from service import db
from service.models import AuditEvent, User
from service.usecases import queue
from service.usecases.audit import submit_read
from service.usecases.data import bump_pool_version

from .conftest import auth, import_fixture

QUEUE = "/api/v1/youths/T01/queue"
YOUTH = "/api/v1/youths/T01"


def _update_user(name: str, **values: object) -> None:
    with Session(db.get_engine()) as s:
        user = s.execute(select(User).where(User.username == name)).scalars().one()  # type: ignore[arg-type]
        for key, value in values.items():
            setattr(user, key, value)
        s.commit()


def _audit_count(action: str) -> int:
    with Session(db.get_engine()) as s:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)  # type: ignore[arg-type]
        return int(s.execute(query).scalar_one())


def test_deactivated_user_is_refused_on_the_very_next_request(client: TestClient) -> None:
    """A token that just worked stops working as soon as its user is deactivated."""
    import_fixture(client, "tiny")
    headers = auth(client, "alloc")
    assert client.get(QUEUE, headers=headers).status_code == 200
    assert client.get(YOUTH, headers=headers).status_code == 200
    _update_user("alloc", active=False)
    for path in (QUEUE, YOUTH):
        r = client.get(path, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    _update_user("alloc", active=True)
    assert client.get(QUEUE, headers=headers).status_code == 200


def test_role_and_team_changes_act_at_once(client: TestClient) -> None:
    """Demoted to planner: 403. A case worker moved off the youth's team: 404, like any ref."""
    import_fixture(client, "tiny")
    alloc = auth(client, "alloc")
    assert client.get(QUEUE, headers=alloc).status_code == 200
    _update_user("alloc", role="planner")
    assert client.get(QUEUE, headers=alloc).status_code == 403
    assert client.get("/api/v1/youths/NO-SUCH/queue", headers=alloc).status_code == 403
    team = client.get(YOUTH, headers=auth(client, "admin")).json()["support_team"]
    _update_user("cw_icm1", teams=[team])
    cw = auth(client, "cw_icm1")
    assert client.get(QUEUE, headers=cw).status_code == 200
    _update_user("cw_icm1", teams=["SOME-OTHER-TEAM"])
    for path in (QUEUE, YOUTH):
        r = client.get(path, headers=cw)
        assert r.status_code == 404 and r.json() == {"detail": "Youth not found"}


def test_bad_tokens_and_unknown_users_get_401(client: TestClient) -> None:
    import_fixture(client, "tiny")
    assert client.get(QUEUE).status_code == 401
    assert client.get(QUEUE, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    headers = auth(client, "alloc")
    _update_user("alloc", username="renamed")
    assert client.get(QUEUE, headers=headers).status_code == 401


def test_a_ref_with_a_nul_character_is_just_not_found(client: TestClient) -> None:
    """(PostgreSQL refuses NUL in text parameters; that must not become a 500.)"""
    import_fixture(client, "tiny")
    for path in ("/api/v1/youths/T%0001/queue", "/api/v1/youths/%00"):
        assert client.get(path, headers=auth(client, "alloc")).status_code == 404
        assert client.get(path, headers=auth(client, "planner")).status_code == 403
        assert client.get(path).status_code == 401


def test_every_answered_read_is_committed_and_refused_reads_are_not_audited(
    client: TestClient,
) -> None:
    import_fixture(client, "tiny")
    headers = auth(client, "alloc")
    before = _audit_count("read.queue")
    for _ in range(3):
        assert client.get(QUEUE, headers=headers).status_code == 200
        # read on another connection right after the answer: already committed
    assert _audit_count("read.queue") == before + 3
    assert client.get("/api/v1/youths/NO-SUCH/queue", headers=headers).status_code == 404
    assert _audit_count("read.queue") == before + 3
    assert _audit_count("read.youth") == 0
    assert client.get(YOUTH, headers=headers).status_code == 200
    assert _audit_count("read.youth") == 1


def test_a_read_whose_audit_cannot_be_written_is_not_answered(client: TestClient) -> None:
    """If the audit insert fails, the request fails (no unaudited answer)."""
    import_fixture(client, "tiny")
    headers = auth(client, "alloc")
    engine = db.get_engine()

    def refuse(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise RuntimeError("audit table unavailable")

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError, match="audit table unavailable"):
            client.get(QUEUE, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert client.get(QUEUE, headers=headers).status_code == 200


def test_concurrent_read_events_are_committed_together(database_url: str) -> None:
    """60 events submitted from 6 threads at once: all stored, in far fewer commits."""
    engine = db.get_engine()
    commits = 0

    def count(_conn: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(engine, "commit", count)
    futures = []
    lock = threading.Lock()

    def submit() -> None:
        for i in range(10):
            f = submit_read(engine, "load", "read.test", "youth", f"R{i}")
            with lock:
                futures.append(f)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for f in futures:
        f.result(timeout=30)
    event.remove(engine, "commit", count)
    assert _audit_count("read.test") == 60
    assert commits < 30


def test_queue_info_is_computed_once_per_pool_version(client: TestClient) -> None:
    import_fixture(client, "tiny")
    engine = db.get_engine()
    with engine.connect() as conn:
        first = queue.queue_info(conn, "T01")
        assert first is not None and queue.queue_info(conn, "T01") is first
    with Session(engine) as s:
        bump_pool_version(s)
        s.commit()
    with engine.connect() as conn:
        again = queue.queue_info(conn, "T01")
        assert again is not None and again is not first and again == first
        assert queue.queue_info(conn, "NO-SUCH") is None
