"""HTTP routes for planning jobs under /api/v1/scenarios: planners and admins only.

Aggregates only: a scenario result holds counts, shares and waits over simulated replications,
never a person, so these reads are not person-level reads (starting a job is audited).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..models import MAX_ID, ScenarioJob
from ..usecases.planning import (
    MAX_REPLICATIONS,
    MAX_SEED,
    PLOT_TYPES,
    available,
    get_job,
    job_csv,
    job_plot,
    job_public,
    job_table,
    list_jobs,
    start_job,
)
from .deps import JsonInt, Planner, SessionDep
from .errors import responses

router = APIRouter(prefix="/scenarios", tags=["scenarios"])

JobId = Annotated[int, Path(ge=1, le=MAX_ID)]


class AvailableScenario(BaseModel):
    name: str
    title: str
    description: str
    file: str
    base: str
    horizon_weeks: int | None
    replications: int | None
    changes: int


class JobRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    names: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50, description="Shipped scenario names (file stems)."
    )
    toml: list[Annotated[str, Field(max_length=100_000)]] = Field(
        default_factory=list, max_length=20, description="Scenario files' text, same format."
    )
    replications: JsonInt | None = Field(
        default=None, ge=1, le=MAX_REPLICATIONS, description="Override every scenario's."
    )
    seed: JsonInt | None = Field(
        default=None,
        ge=0,
        le=MAX_SEED,
        description="Override every scenario's seed (the same seed gives the same numbers).",
    )


class JobPublic(BaseModel):
    id: int
    names: list[str]
    status: str
    progress_done: int
    progress_total: int
    error: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    meta: dict[str, Any] | None


class ComparisonRowPublic(BaseModel):
    scenario: str
    baseline_name: str
    kpi: str
    label: str
    unit: str
    baseline: str
    scenario_value: str
    difference: str
    significant: bool


class JobDetail(JobPublic):
    table: list[ComparisonRowPublic]


_CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The table"}
_PLOT = {
    "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in PLOT_TYPES.values()},
    "description": "The plot",
}


def _job(session: SessionDep, job_id: int) -> ScenarioJob:
    job = get_job(session, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Scenario job not found")
    return job


@router.get("/available", responses=responses())
def list_available(user: Planner) -> list[AvailableScenario]:
    """The shipped scenario files (``scenarios/*.toml``)."""
    return [AvailableScenario(**a) for a in available()]


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=responses())
def create_job(request: Request, session: SessionDep, user: Planner, body: JobRequest) -> JobPublic:
    """Start a planning job in the background; poll ``GET /api/v1/scenarios/{id}``."""
    job = start_job(
        session, user.username, body.names, body.replications, body.toml, user.role, seed=body.seed
    )
    assert job.id is not None
    request.app.state.jobs.start_planning(job.id)
    return JobPublic(**job_public(job))


@router.get("", responses=responses())
def list_all(session: SessionDep, user: Planner) -> list[JobPublic]:
    return [JobPublic(**job_public(j)) for j in list_jobs(session)]


@router.get("/{job_id}", responses=responses(404))
def read_job(session: SessionDep, user: Planner, job_id: JobId) -> JobDetail:
    """Status, progress and, when done, the comparison table (mean [95 % interval])."""
    job = _job(session, job_id)
    return JobDetail(**job_public(job), table=[ComparisonRowPublic(**r) for r in job_table(job)])


@router.get(
    "/{job_id}/comparison.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The table"},
        **responses(404, 409),
    },
)
def read_csv(session: SessionDep, user: Planner, job_id: JobId) -> Response:
    job = _job(session, job_id)
    if job.result_json is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"Job {job_id} is {job.status}")
    return Response(
        job_csv(job),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="scenarios-{job_id}.csv"'},
    )


@router.get(
    "/{job_id}/plots/{name}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in PLOT_TYPES.values()
            },
            "description": "The plot",
        },
        **responses(404, 409),
    },
)
def read_plot(
    session: SessionDep,
    user: Planner,
    job_id: JobId,
    name: Annotated[str, Path(pattern="^(queue_length|wait_distribution)$")],
    fmt: Annotated[str, Path(pattern="^(png|svg)$")],
) -> Response:
    job = _job(session, job_id)
    if job.result_json is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"Job {job_id} is {job.status}")
    data = job_plot(job, name, fmt)
    if data is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="No such plot")
    return Response(data, media_type=PLOT_TYPES[fmt])
