"""Runs under pressure: concurrent requests, failures mid-run, and schema drift."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from service import db
from service.models import Proposal, Run
from service.usecases.runs import execute_run, request_run
from solver.engine.week import run_case

from .conftest import auth, import_fixture, wait_for_run


def test_ten_simultaneous_run_requests_make_exactly_one_run(client: TestClient) -> None:
    """Real threads, real database: one row for the week, every caller gets its id."""
    import_fixture(client, "tiny")
    headers = auth(client, "alloc")
    barrier = threading.Barrier(10)
    ids: list[int] = []
    statuses: list[int] = []

    def request() -> None:
        barrier.wait()
        r = client.post("/api/v1/runs", json={"week": "2026-W48"}, headers=headers)
        statuses.append(r.status_code)
        ids.append(r.json()["id"])

    threads = [threading.Thread(target=request) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [202] * 10
    assert len(set(ids)) == 1
    with Session(db.get_engine()) as s:
        assert len(s.exec(select(Run)).all()) == 1
    assert wait_for_run(client, ids[0], headers)["status"] == "done"


def test_ten_simultaneous_requests_at_the_engine_level_insert_one_row(client: TestClient) -> None:
    """The uniqueness is the database's: racing request_run calls without the HTTP layer."""
    import_fixture(client, "tiny")
    engine = db.get_engine()
    barrier = threading.Barrier(10)
    created: list[bool] = []

    def go() -> None:
        barrier.wait()
        created.append(request_run(engine, "2026-W48", "t")[1])

    threads = [threading.Thread(target=go) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert created.count(True) == 1


def _snapshot(engine) -> tuple:  # type: ignore[no-untyped-def]
    from service.models import DwellingRecord, Offer, YouthRecord

    with Session(engine) as s:
        return (
            len(s.exec(select(Proposal)).all()),
            len(s.exec(select(Offer)).all()),
            sorted((y.ref, y.status) for y in s.exec(select(YouthRecord)).all()),
            sorted((d.ref, d.status) for d in s.exec(select(DwellingRecord)).all()),
        )


def test_solver_failing_mid_run_leaves_the_database_as_before(client: TestClient) -> None:
    """The solver raises: run failed with the error; no proposal, nothing else changed."""
    import_fixture(client, "tiny")
    engine = db.get_engine()
    before = _snapshot(engine)
    run, _ = request_run(engine, "2026-W48", "t")
    assert run.id is not None

    def broken(case, progress=None):  # type: ignore[no-untyped-def]
        progress("eligibility", 0.0)
        raise RuntimeError("solver exploded")

    execute_run(engine, run.id, solver=broken)
    with Session(engine) as s:
        failed = s.get(Run, run.id)
        assert failed is not None and failed.status == "failed"
        assert "solver exploded" in (failed.error or "")
    assert _snapshot(engine) == before


def test_database_failing_while_writing_proposals_leaves_no_partial_result(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails right after the proposals were written (one multi-row INSERT, in the
    run's transaction): none of them is kept, the run is marked failed."""
    import_fixture(client, "tiny")
    engine = db.get_engine()
    before = _snapshot(engine)
    run, _ = request_run(engine, "2026-W48", "t")
    assert run.id is not None
    real_execute = Session.execute
    calls = {"n": 0}

    def flaky_execute(self, statement, *a, **kw):  # type: ignore[no-untyped-def]
        result = real_execute(self, statement, *a, **kw)
        if getattr(statement, "table", None) is Proposal.__table__:  # type: ignore[attr-defined]
            calls["n"] += 1
            raise OSError("database connection lost")
        return result

    monkeypatch.setattr(Session, "execute", flaky_execute)
    execute_run(engine, run.id)
    monkeypatch.setattr(Session, "execute", real_execute)
    assert calls["n"] == 1  # the proposals were written, then the failure
    with Session(engine) as s:
        failed = s.get(Run, run.id)
        assert failed is not None and failed.status == "failed"
        assert "database connection lost" in (failed.error or "")
    assert _snapshot(engine) == before


def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate against the migrated database finds no difference."""
    with db.get_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_the_solve_does_not_wait_for_its_progress_to_be_written(client: TestClient) -> None:
    """Another transaction holds the run's row (on SQLite: the database's write lock) while the
    solve reports a stage: the report returns at once, the stage is written once the row is
    free, and the run still ends ``done`` (a stage written late never overwrites it)."""
    import_fixture(client, "tiny")
    engine = db.get_engine()
    run, _ = request_run(engine, "2026-W48", "t")
    assert run.id is not None
    run_id = run.id
    holder = Session(engine)
    held = threading.Event()
    seen: dict[str, object] = {}

    def release() -> None:
        holder.rollback()
        holder.close()
        held.clear()

    timer = threading.Timer(5.0, release)

    def progress_of() -> str:
        with Session(engine) as s:
            found = s.get(Run, run_id)
            assert found is not None
            return found.progress

    def solver(case, progress=None):  # type: ignore[no-untyped-def]
        holder.execute(update(Run).where(col(Run.id) == run_id).values(error=None))
        held.set()
        timer.start()
        progress("eligibility", 0.0)
        seen["returned_while_held"] = held.is_set()
        timer.join()
        deadline = time.monotonic() + 10
        while progress_of() != "eligibility" and time.monotonic() < deadline:
            time.sleep(0.05)
        seen["written"] = progress_of()
        return run_case(case, progress=progress)

    execute_run(engine, run_id, solver=solver)
    assert seen == {"returned_while_held": True, "written": "eligibility"}
    with Session(engine) as s:
        done = s.get(Run, run_id)
        assert done is not None and (done.status, done.progress) == ("done", "done")
        assert s.exec(select(Proposal).where(Proposal.run_id == run_id)).first() is not None
