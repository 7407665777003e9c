"""Fault injection: a real server (``boligmatch serve``) SIGKILLed at random moments during an
import, a run, offers and a planning job — 12 trials per database, 24 over both; a case of
5,000 youths, so imports and runs take seconds — then started
again. After every kill: nothing is half-written (the import is all or nothing, no proposal
without a finished run, youths, dwellings, offers and the quota ledger agree), no child process
outlives the server; after the restart no run or job is left queued or running, and the week
runs without ``force``.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from service import db
from service.models import (
    AuditEvent,
    ClaimRecord,
    DwellingRecord,
    Offer,
    Proposal,
    Run,
    ScenarioJob,
    WorkStatus,
    YouthRecord,
)

from .conftest import FIXTURES
from .live import Server, seed, token

pytestmark = pytest.mark.slow

TRIALS = 12  # per database
KINDS = ("import", "run", "offer", "planning")
WEEK = "2026-W48"
SCENARIO = """
name = "fault injection"
base = "naestved"
horizon_weeks = 6
replications = 6
seed = {seed}

[[changes]]
kind = "add_dwellings"
organisation = "{org}"
dwelling_type = "youth"
rent = 2500
count = 2
"""


def _case(folder: Path) -> Path:
    """A national-profile case of 5,000 youths and 1,250 dwellings: an import and a run each
    take seconds, so a kill lands inside them."""
    from dataclasses import replace

    from solver.fixtures.generate import PROFILES, generate_case, write_case_folder

    profile = replace(PROFILES["national"], n_youths=5000, n_units=1250)
    write_case_folder(generate_case(profile, seed=5), folder)
    return folder


_CASE: list[Path] = []


def _files() -> list[tuple[str, tuple[str, bytes, str]]]:
    folder = _CASE[0]
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(folder.iterdir())
            if p.suffix in (".csv", ".toml")]  # fmt: skip


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, grandchildren, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _consistent(engine, imported_youths: set[int]) -> None:  # type: ignore[no-untyped-def]
    """Nothing half-written, whatever moment the server died at."""
    with Session(engine) as s:
        youths = s.exec(select(func.count()).select_from(YouthRecord)).one()
        assert youths in imported_youths, youths  # an import is all or nothing
        done = set(s.exec(select(Run.id).where(Run.status == "done")).all())
        with_proposals = set(s.exec(select(Proposal.run_id).distinct()).all())
        assert with_proposals <= done  # no proposal of an unfinished run
        offers = s.exec(select(Offer)).all()
        active = {o.youth_ref for o in offers if o.state in ("offered", "accepted")}
        housed = {o.youth_ref for o in offers if o.state in ("signed", "moved_in")}
        status = dict(s.exec(select(YouthRecord.ref, YouthRecord.status)).all())
        assert {r for r, st in status.items() if st == "offered"} == active
        assert {r for r, st in status.items() if st == "housed"} == housed
        held = {(o.week, o.dwelling_ref) for o in offers if o.state in ("offered", "accepted")}
        let = {(o.week, o.dwelling_ref) for o in offers if o.state in ("signed", "moved_in")}
        dwellings = s.exec(select(DwellingRecord)).all()
        assert {(d.week, d.ref) for d in dwellings if d.status == "offered"} == held
        assert {(d.week, d.ref) for d in dwellings if d.status == "let"} == let


def _ledger(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The ledger's claim rows and the signed offers: a signature adds one of each (a claim row
    is written for every signed offer, with or without a quota agreement)."""
    with Session(engine) as s:
        claimed = len(s.exec(select(ClaimRecord)).all())
        signed = sum(1 for o in s.exec(select(Offer)).all() if o.state in ("signed", "moved_in"))
    return claimed, signed


def _settled(engine, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    """After the restart: no run or planning job queued or running (swept, taken, finished)."""
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as s:
            runs = s.exec(select(Run).where(col(Run.status).in_(("queued", "running")))).all()
            jobs = s.exec(
                select(ScenarioJob).where(col(ScenarioJob.status).in_(("queued", "running")))
            ).all()
        if not runs and not jobs:
            return
        assert time.monotonic() < deadline, ([r.status for r in runs], [j.status for j in jobs])
        time.sleep(0.2)


def _wait(c: httpx.Client, url: str, h: dict[str, str], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = c.get(url, headers=h).json()
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def _week_runs(c: httpx.Client, alloc: dict[str, str]) -> dict:
    """The week's run, without force: the existing one if it finished, else a new one."""
    r = c.post("/api/v1/runs", json={"week": WEEK}, headers=alloc)
    assert r.status_code == 202, r.text
    return _wait(c, f"/api/v1/runs/{r.json()['id']}", alloc)


def _in_background(work: Callable[[], object]) -> threading.Thread:
    def guarded() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server died mid-request: the point
            work()

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    return thread


def _started_run(
    c: httpx.Client, body: dict[str, object], alloc: dict[str, str], engine: Engine
) -> None:
    """Request a run and return once it is running (or already over)."""
    run_id = c.post("/api/v1/runs", json=body, headers=alloc).json()["id"]
    deadline = time.monotonic() + 110
    while time.monotonic() < deadline:
        with Session(engine) as s:
            run = s.get(Run, run_id)
            if run is not None and run.status != WorkStatus.QUEUED.value:
                return
        time.sleep(0.02)


def _started_job(
    c: httpx.Client, job: dict[str, object], planner: dict[str, str], engine: Engine
) -> None:
    """Submit a planning job and return once a process has begun it (``attempts`` counted)."""
    job_id = c.post("/api/v1/scenarios", json=job, headers=planner).json()["id"]
    deadline = time.monotonic() + 110
    while time.monotonic() < deadline:
        with Session(engine) as s:
            if (s.get(ScenarioJob, job_id) or ScenarioJob(attempts=0)).attempts >= 1:
                return
        time.sleep(0.05)


def _offers(c: httpx.Client, alloc: dict[str, str], run_id: int) -> Callable[[], None]:
    def work() -> None:
        proposals = c.get(f"/api/v1/runs/{run_id}/proposals", headers=alloc).json()
        for p in [p for p in proposals if p["dwelling_ref"]]:
            r = c.post("/api/v1/offers", json={"proposal_id": p["id"]}, headers=alloc)
            if r.status_code != 201:
                continue
            offer = r.json()["id"]
            for action in random.choice([("accept", "sign"), ("decline",), ("accept",)]):
                body = {"reason": "area"} if action == "decline" else None
                c.post(f"/api/v1/offers/{offer}/{action}", json=body, headers=alloc)

    return work


def test_the_server_killed_at_random_moments_leaves_nothing_half_written(
    database_url: str, tmp_path: Path
) -> None:
    seed(database_url)
    engine = db.make_engine(database_url)
    rng = random.Random(int(os.environ.get("FAULT_SEED", "12")))
    random.seed(rng.random())
    env = {"BOLIGMATCH_HEARTBEAT_SECONDS": "0.3", "BOLIGMATCH_LEASE_SECONDS": "2",
           "BOLIGMATCH_SCENARIO_WORKERS": "2"}  # fmt: skip
    from solver.caseio.read import read_case

    org = read_case(FIXTURES / "naestved").units[0].organisation
    _CASE[:] = [_case(tmp_path / "case")]
    youths_after = len(read_case(_CASE[0]).youths)
    server = Server(database_url, tmp_path / "server.log", **env)
    kills: dict[str, int] = dict.fromkeys(KINDS, 0)
    try:
        for trial in range(TRIALS):
            kind = KINDS[trial % len(KINDS)]
            server.start()
            with server.client(timeout=30) as c:
                alloc, planner = token(c, "alloc"), token(c, "planner")
                imported = c.get("/api/v1/teams", headers=alloc).json() != []
                if kind != "import" and not imported:
                    assert (
                        c.post("/api/v1/imports", files=_files(), headers=alloc).status_code == 201
                    )
                    imported = True
                if kind == "import":
                    work = partial(c.post, "/api/v1/imports", files=_files(), headers=alloc)
                    moment = rng.uniform(0.0, 4.0)
                elif kind == "run":
                    force = {"week": WEEK, "force": True}
                    work = partial(_started_run, c, force, alloc, engine)
                    moment = rng.uniform(0.0, 0.05)  # after the run began (a quiet machine
                    # solves this week in a few tenths of a second: a later kill would
                    # interrupt nothing)
                elif kind == "offer":
                    run = _week_runs(c, alloc)
                    assert run["status"] == "done", run
                    work = _offers(c, alloc, run["id"])
                    moment = rng.uniform(0.0, 1.5)
                else:
                    job = {"toml": [SCENARIO.format(org=org, seed=trial)]}
                    work = partial(_started_job, c, job, planner, engine)
                    moment = rng.uniform(0.0, 0.3)  # after the job began: inside its work (a
                    # quiet machine finishes this job in about a second; a later kill would
                    # interrupt nothing, and nothing would be retried)
                before, ledger = youths_count(engine), _ledger(engine)
                thread = _in_background(work)
                if kind in ("run", "planning"):  # kill work in progress, at any machine speed
                    thread.join(timeout=120)
                time.sleep(moment)
                assert server.proc is not None
                children = _descendants(server.proc.pid)
                server.kill()
                kills[kind] += 1
                thread.join(timeout=30)
            deadline = time.monotonic() + 5
            while any(_alive(p) for p in children) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [p for p in children if _alive(p)], f"trial {trial}: children outlived"
            _consistent(engine, {before, youths_after})
            claimed, signed = _ledger(engine)  # (an import never writes or drops a claim)
            assert claimed - ledger[0] == signed - ledger[1]
            server.start()
            _settled(engine)
            with server.client(timeout=30) as c:
                alloc = token(c, "alloc")
                if youths_count(engine) == 0:  # the first import was killed: import again
                    assert (
                        c.post("/api/v1/imports", files=_files(), headers=alloc).status_code == 201
                    )
                run = _week_runs(c, alloc)
                assert run["status"] == "done", (trial, kind, run)
            _consistent(engine, {youths_after})
            server.kill()
        assert all(n >= 3 for n in kills.values()), kills
        with Session(engine) as s:  # the kills did interrupt work, which was then recovered
            interrupted = s.exec(select(Run).where(Run.progress == "interrupted")).all()
            retried = s.exec(select(ScenarioJob).where(col(ScenarioJob.attempts) >= 2)).all()
            imports = s.exec(select(AuditEvent).where(AuditEvent.action == "import")).all()
        assert imports and interrupted and retried, (len(interrupted), len(retried))
    finally:
        server.cleanup()
        engine.dispose()


def youths_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(YouthRecord)).one())


def test_with_several_workers_a_killed_workers_run_is_swept_and_the_week_runs_again(
    database_url: str, tmp_path: Path
) -> None:
    """``serve --workers 2``: the worker solving the week's run is SIGKILLed; uvicorn starts a
    new worker, whose start-up sweep fails the dead worker's run at once (its process is gone);
    a request without ``force`` runs the week again, and the other worker was never disturbed."""
    seed(database_url)
    _CASE[:] = [_case(tmp_path / "case")]
    engine = db.make_engine(database_url)
    server = Server(database_url, tmp_path / "server.log", workers=2,
                    BOLIGMATCH_HEARTBEAT_SECONDS="0.3", BOLIGMATCH_LEASE_SECONDS="30")  # fmt: skip
    try:
        server.start()
        assert server.proc is not None
        with server.client() as c:
            alloc = token(c, "alloc")
            assert c.post("/api/v1/imports", files=_files(), headers=alloc).status_code == 201
            run = c.post("/api/v1/runs", json={"week": WEEK}, headers=alloc).json()
            deadline = time.monotonic() + 30
            while True:
                with Session(engine) as s:
                    row = s.get(Run, run["id"])
                    assert row is not None
                    owner = row.owner or ""
                if row.status == "running" or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert row.status == "running", row.status
            worker = int(owner.split(":")[1])
            assert worker in _descendants(server.proc.pid)
            os.kill(worker, 9)
        # (a new connection: the old one was the dead worker's) Well within the 30 s lease:
        # only the dead owner's process being gone sweeps it.
        with server.client() as c:
            swept = _wait(c, f"/api/v1/runs/{run['id']}", alloc, timeout=20)
            assert swept["status"] == "failed" and swept["progress"] == "interrupted"
            again = _week_runs(c, alloc)
            assert again["status"] == "done" and again["generation"] == 2
        _consistent(engine, {len(_read(_CASE[0]))})
    finally:
        server.cleanup()
        engine.dispose()


def _read(folder: Path) -> list[object]:
    from solver.caseio.read import read_case

    return list(read_case(folder).youths)
