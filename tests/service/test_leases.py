"""Leases on background work: expired leases are swept, a swept run's late result is
discarded, planning jobs are queued again then failed, children end with their process.

(The whole thing through a real server killed with SIGKILL: ``test_fault_injection.py``.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db, leases, settings
from service.models import Proposal, Run, ScenarioJob, now
from service.usecases import planning, runs

from .conftest import auth, import_fixture, wait_for_run


def _dead_owner() -> str:
    """The owner id of a process of this host that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()}:{proc.pid}:deadbeef"


def _run(owner: str, status: str = "running", heartbeat_age_s: float = 0.0) -> int:
    with Session(db.get_engine()) as session:
        latest = runs.latest_run(session, "2026-W48")
        run = Run(week="2026-W48", generation=latest.generation + 1 if latest else 1,
                  status=status, owner=owner,
                  heartbeat_at=now() - timedelta(seconds=heartbeat_age_s))  # fmt: skip
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def test_a_run_of_a_dead_process_fails_as_interrupted_and_the_week_runs_again(
    client: TestClient,
) -> None:
    """The run stays 'running' under a dead owner until swept; then a request without force
    makes the next generation, which finishes."""
    import_fixture(client, "tiny")
    dead = _run(_dead_owner())
    headers = auth(client, "alloc")
    r = client.post("/api/v1/runs", json={"week": "2026-W48"}, headers=headers)
    assert r.status_code == 202
    fresh = r.json()
    assert fresh["id"] != dead and fresh["generation"] == 2
    assert wait_for_run(client, fresh["id"], headers)["status"] == "done"
    old = client.get(f"/api/v1/runs/{dead}", headers=headers).json()
    assert old["status"] == "failed" and old["progress"] == "interrupted"
    with Session(db.get_engine()) as session:
        assert session.exec(select(Proposal).where(Proposal.run_id == dead)).first() is None


def test_only_expired_leases_are_swept(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An owner elsewhere (another host) is judged by its heartbeat's age alone."""
    monkeypatch.setenv("BOLIGMATCH_LEASE_SECONDS", "10")
    settings.get_settings.cache_clear()
    fresh = _run("elsewhere:1:abc", heartbeat_age_s=2)
    stale = _run("elsewhere:2:abc", heartbeat_age_s=11)
    mine = _run(leases.owner(), heartbeat_age_s=0)
    assert runs.sweep(db.get_engine()) == 1
    with Session(db.get_engine()) as session:
        status = {r.id: r.status for r in session.exec(select(Run)).all()}
    assert status == {fresh: "running", stale: "failed", mine: "running"}


def test_a_swept_run_does_not_write_its_late_result(client: TestClient) -> None:
    """The process stalls (a long lock, an outage) past its lease; the sweep fails the run;
    when the solver returns, its proposals are discarded and the run stays as swept."""
    import_fixture(client, "tiny")
    engine = db.get_engine()
    run, created = runs.request_run(engine, "2026-W48", "t")
    assert created and run.id is not None
    from solver.engine.week import run_case

    def stalled(case, progress=None):  # type: ignore[no-untyped-def]
        result = run_case(case, progress=progress)
        with Session(engine) as session:  # meanwhile the lease expired and was swept
            swept = session.get(Run, run.id)
            assert swept is not None
            swept.heartbeat_at = now() - timedelta(hours=1)
            session.add(swept)
            session.commit()
        assert runs.sweep(engine) == 1
        return result

    runs.execute_run(engine, run.id, solver=stalled)
    with Session(engine) as session:
        after = session.get(Run, run.id)
        assert after is not None and after.status == "failed" and after.progress == "interrupted"
        assert session.exec(select(Proposal).where(Proposal.run_id == run.id)).first() is None


def test_a_planning_job_of_a_dead_server_is_queued_again_then_failed(database_url: str) -> None:
    engine = db.get_engine()
    with Session(engine) as session:
        job = ScenarioJob(names=["x"], request={"names": ["x"]}, status="running",
                          owner=_dead_owner(), heartbeat_at=now(), attempts=1)  # fmt: skip
        session.add(job)
        session.commit()
        job_id = job.id
    assert job_id is not None
    assert planning.sweep(engine) == 1
    with Session(engine) as session:
        again = session.get(ScenarioJob, job_id)
        assert again is not None and (again.status, again.owner) == ("queued", None)
    assert planning.claim_queued(engine) == [job_id]
    assert planning.claim_queued(engine) == []  # held now
    with Session(engine) as session:  # its second attempt dies too
        again = session.get(ScenarioJob, job_id)
        assert again is not None
        again.status, again.owner, again.attempts = "running", _dead_owner(), 2
        session.add(again)
        session.commit()
    planning.sweep(engine)
    with Session(engine) as session:
        failed = session.get(ScenarioJob, job_id)
        assert failed is not None and failed.status == "failed"
        assert "interrupted" in (failed.error or "")


_POOL_OWNER = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from service import children

    def grandchild():
        time.sleep(600)

    def child():
        p = multiprocessing.get_context("spawn").Process(target=grandchild)
        p.start()
        return os.getpid(), p.pid

    if __name__ == "__main__":
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=children.adopt, initargs=(os.getpid(),))
        print(*pool.submit(child).result(), flush=True)
        time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie waiting for its reaper is gone too
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def test_children_and_their_children_end_when_their_server_is_killed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "owner.py"
    script.write_text(_POOL_OWNER)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child, grandchild = map(int, proc.stdout.readline().split())
    assert _alive(child) and _alive(grandchild)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while (_alive(child) or _alive(grandchild)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child) and not _alive(grandchild)
