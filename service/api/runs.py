"""Runs: start the week's matching, follow it, read its proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field, field_validator

from solver.caseio.weeks import WEEK_PATTERN, parse_week

from ..db import get_engine
from ..models import MAX_ID, Run
from ..usecases.offers import expire_due
from ..usecases.runs import get_run, read_proposals, request_run
from .deps import AggregateReader, Allocator, SessionDep

router = APIRouter(tags=["runs"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class RunRequest(BaseModel):
    week: str = Field(pattern=WEEK_PATTERN, examples=["2026-W48"])
    force: bool = False

    @field_validator("week")
    @classmethod
    def _real_week(cls, value: str) -> str:
        parse_week(value)  # raises ValueError for 2026-W00, 0000-W01, 2026-W54, ...
        return value


class RunPublic(BaseModel):
    id: int
    week: str
    generation: int
    status: str
    progress: str
    result_status: str | None
    objective: dict[str, Any]
    timings: dict[str, Any]
    input_hash: str
    solver_version: str
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def run_public(run: Run) -> RunPublic:
    assert run.id is not None
    return RunPublic(**run.model_dump(include=set(RunPublic.model_fields) - {"id"}), id=run.id)


class ProposalPublic(BaseModel):
    id: int
    youth_ref: str
    dwelling_ref: str | None
    cost: int | None
    fit: dict[str, int]
    reason: str | None
    detail: str | None
    outranked_by: int


@router.post("/runs", status_code=202)
def start_run(
    request: Request, session: SessionDep, user: Allocator, body: RunRequest
) -> RunPublic:
    """Start the week's matching (or return the week's existing run unless ``force``)."""
    expire_due(session, user.username)
    session.commit()
    run, created = request_run(get_engine(), body.week, user.username, body.force)
    if created:
        assert run.id is not None
        request.app.state.jobs.start_run(run.id)
    return run_public(run)


@router.get("/runs/{run_id}")
def read_run(session: SessionDep, user: AggregateReader, run_id: Id) -> RunPublic:
    return run_public(get_run(session, run_id))


@router.get("/runs/{run_id}/proposals")
def get_proposals(session: SessionDep, user: Allocator, run_id: Id) -> list[ProposalPublic]:
    rows = read_proposals(session, run_id, user.username)
    return [ProposalPublic(**p.model_dump(include=set(ProposalPublic.model_fields))) for p in rows]
