"""Planning jobs over the API: roles, validation naming the field, background progress, results
(table, CSV, plots) retrievable later, the live database as a base, failures recorded."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service import settings
from service.usecases import planning, waits

from .conftest import auth, import_fixture, wait_done

SMALL = """
name = "two more dwellings"
base = "naestved"
horizon_weeks = 4
replications = 2
seed = 7

[[changes]]
kind = "add_dwellings"
organisation = "{org}"
dwelling_type = "youth"
rent = 2500
count = 2
"""


@pytest.fixture(autouse=True)
def _one_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Replications in the test process (the process pool is covered in tests/planning/test_simulate.py)."""
    monkeypatch.setenv("BOLIGMATCH_SCENARIO_WORKERS", "1")
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


def _org() -> str:
    from solver.caseio.read import read_case

    from .conftest import FIXTURES

    return read_case(FIXTURES / "naestved").units[0].organisation


def wait_job(client: TestClient, job_id: int, headers: dict[str, str]) -> dict:
    return wait_done(client, f"/api/v1/scenarios/{job_id}", headers, timeout=120)


def test_only_planners_and_admins_reach_scenarios(client: TestClient) -> None:
    for user, code in [("alloc", 403), ("cw_icm1", 403), ("planner", 200), ("admin", 200)]:
        r = client.get("/api/v1/scenarios/available", headers=auth(client, user))
        assert r.status_code == code, (user, r.text)
        # an invalid request: admitted roles get 422 (nothing starts), the others 403
        r = client.post("/api/v1/scenarios", json={"names": ["nope"]}, headers=auth(client, user))
        assert r.status_code == (403 if code == 403 else 422), (user, r.text)
    assert client.get("/api/v1/scenarios").status_code == 401


def test_available_lists_the_shipped_files(client: TestClient) -> None:
    body = client.get("/api/v1/scenarios/available", headers=auth(client, "planner")).json()
    names = {a["name"] for a in body}
    assert {"baseline", "more-youth-dwellings", "one-more-cti-worker", "quota-one-in-three",
            "rent-subsidy-500", "half-dog-friendly"} <= names  # fmt: skip
    extra = next(a for a in body if a["name"] == "more-youth-dwellings")
    assert extra["base"] == "copenhagen" and extra["changes"] >= 1 and extra["description"]


def test_bad_requests_name_the_field_and_write_nothing(client: TestClient) -> None:
    h = auth(client, "planner")
    cases = [
        ({"names": ["no-such-scenario"]}, "names[0]"),
        ({"names": []}, "names"),
        ({"toml": ["base = "]}, "toml[0]: is not valid TOML"),
        ({"toml": ['base = "/etc"']}, "toml[0]: base: must be one of"),
        ({"toml": [SMALL.format(org=_org()).replace('"youth"', '"castle"')]},
         "changes[1].dwelling_type"),
        ({"toml": [SMALL.format(org=_org()).replace("horizon_weeks = 4", "horizon_weeks = 0")]},
         "horizon_weeks"),
    ]  # fmt: skip
    for body, needle in cases:
        r = client.post("/api/v1/scenarios", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert needle in r.text, (needle, r.text)
    r = client.post("/api/v1/scenarios", json={"names": ["baseline"], "replications": 0}, headers=h)
    assert r.status_code == 422 and "replications" in r.text
    assert client.get("/api/v1/scenarios", headers=h).json() == []


def test_a_job_runs_in_the_background_and_its_results_stay_retrievable(
    client: TestClient,
) -> None:
    h = auth(client, "planner")
    r = client.post("/api/v1/scenarios", json={"toml": [SMALL.format(org=_org())]}, headers=h)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["progress_total"] == 4
    body = wait_job(client, job["id"], h)
    assert body["status"] == "done", body
    assert body["progress_done"] == body["progress_total"] == 4  # scenario + its baseline
    housed = next(row for row in body["table"] if row["kpi"] == "housed")
    assert housed["scenario"] == "two more dwellings" and housed["baseline_name"] == "baseline"
    assert "[" in housed["difference"]  # mean [lo, hi] over 2 replications

    listed = client.get("/api/v1/scenarios", headers=h).json()
    assert [j["id"] for j in listed] == [job["id"]]

    r = client.get(f"/api/v1/scenarios/{job['id']}/comparison.csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["kpi"] for row in rows} >= {"housed", "queue_end", "wait_median_weeks"}
    assert all(row["replications"] == "2" for row in rows if row["kpi"] == "housed")

    png = client.get(f"/api/v1/scenarios/{job['id']}/plots/queue_length.png", headers=h)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(f"/api/v1/scenarios/{job['id']}/plots/wait_distribution.svg", headers=h)
    assert svg.status_code == 200 and b"<svg" in svg.content
    assert b"uger fra henvisning til indflytning" in svg.content  # Danish axis texts
    assert client.get(f"/api/v1/scenarios/{job['id']}/plots/other.png", headers=h).status_code in (
        404,
        422,
    )
    assert client.get("/api/v1/scenarios/999999", headers=h).status_code == 404

    audit = client.get("/api/v1/audit", headers=auth(client, "admin")).json()
    assert any(e["action"] == "scenario.start" for e in audit)


def test_the_live_database_is_a_base(client: TestClient) -> None:
    h = auth(client, "planner")
    text = SMALL.format(org=_org()).replace('base = "naestved"', 'base = "database"')
    r = client.post("/api/v1/scenarios", json={"toml": [text]}, headers=h)
    assert r.status_code == 422 and "nothing has been imported" in r.text
    import_fixture(client)
    r = client.post("/api/v1/scenarios", json={"toml": [text]}, headers=h)
    assert r.status_code == 202, r.text
    body = wait_job(client, r.json()["id"], h)
    assert body["status"] == "done", body


def test_a_failing_simulation_marks_the_job_failed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job's code as its child process runs it, here in the test process so the
    simulation can be made to fail: the failure is recorded on the job."""
    from sqlmodel import Session

    import solver.planning.replications
    from service import db

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(solver.planning.replications, "run_scenarios", boom)
    with Session(db.get_engine()) as session:
        job = planning.start_job(session, "planner", [], None, [SMALL.format(org=_org())])
    assert job.id is not None
    planning.execute(db.get_engine(), job.id, planning.take_pending(job.id))
    h = auth(client, "planner")
    body = wait_job(client, job.id, h)
    assert body["status"] == "failed" and "simulated crash" in body["error"]
    assert body["table"] == []
    r = client.get(f"/api/v1/scenarios/{body['id']}/comparison.csv", headers=h)
    assert r.status_code == 409


def test_stopping_the_server_queues_its_jobs_again_and_ends_the_wait_process(
    client: TestClient,
) -> None:
    """A job the stopping server held goes back to the queue (not 'queued' for ever under a
    dead owner), and another server (``client``'s) takes it; the expected-wait process ends with
    the server."""
    from sqlmodel import Session

    from service import db, leases
    from service.app import create_app
    from service.models import ScenarioJob

    app = create_app()
    with TestClient(app), Session(db.get_engine()) as session:
        job = ScenarioJob(names=["x"], request={"names": ["x"]}, created_by="planner",
                          owner=leases.owner())  # fmt: skip
        session.add(job)
        session.commit()
        session.refresh(job)
        assert job.id is not None
        # held by this server, its process not yet started
        app.state.jobs._jobs[job.id] = None  # type: ignore[assignment]
        waits._executor()  # the expected-wait process is up
    with Session(db.get_engine()) as session:
        stopped = session.get(ScenarioJob, job.id)
        assert stopped is not None and stopped.status == "queued" and stopped.owner is None
    assert waits._pool is None and job.id not in planning._pending
    # The other server takes the job at its next heartbeat (its names are no shipped
    # scenario: it fails, as recorded).
    body = wait_done(client, f"/api/v1/scenarios/{job.id}", auth(client, "planner"), timeout=60)
    assert body["status"] == "failed" and "no scenario 'x'" in body["error"]


def test_the_schemas_of_the_files_people_write_are_served(client: TestClient) -> None:
    from solver.caseio.policy import policy_schema
    from solver.planning.scenario import scenario_schema

    r = client.get("/api/v1/schemas/scenario.json")
    assert r.status_code == 200 and r.json() == scenario_schema()
    assert "changes" in r.json()["properties"]
    r = client.get("/api/v1/schemas/policy.json")
    assert r.status_code == 200 and r.json() == policy_schema()
