"""Runs: start the week's matching, follow it, read its proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from solver.caseio.weeks import parse_week

from ..db import get_engine
from ..models import MAX_ID, Run
from ..usecases.lifecycle import minor_ages
from ..usecases.offers import expire_due
from ..usecases.runs import (
    FINISHED,
    get_run,
    is_stale,
    proposal_slice,
    request_run,
    set_aside,
    wait_finished,
)
from .deps import AggregateReader, Allocator, PageDep, SessionDep, paged
from .errors import responses

router = APIRouter(tags=["runs"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_WAIT_S = 30  # POST /runs may wait this long for its run (a sync route holds a thread)
# WEEK_PATTERN with the weeks that exist (01-53, year 0001 on); week 53 only exists in some
# years (parse_week decides: 422 otherwise).
API_WEEK = r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-W(0[1-9]|[1-4][0-9]|5[0-3])$"


class RunRequest(BaseModel):
    model_config = ConfigDict(strict=True)  # "force": 0 is not a boolean

    week: str = Field(
        pattern=API_WEEK,
        examples=["2026-W48"],
        description="An ISO week (week 53 only in the years that have one)",
    )
    force: bool = False
    wait: float = Field(
        0,
        ge=0,
        le=MAX_WAIT_S,
        description="Seconds to wait for the run to finish before answering (0: answer at "
        "once). A week that solves within it is answered finished (status done or failed); "
        "otherwise as it then stands: follow it with GET /runs/{id}.",
    )

    @field_validator("week")
    @classmethod
    def _real_week(cls, value: str) -> str:
        parse_week(value)  # raises ValueError for 2026-W00, 0000-W01, 2026-W54, ...
        return value


class SetAsidePin(BaseModel):
    """A decision in force the run solved the week without (``usecases.runs``): a pin the week
    can no longer honour, or a decision a later one contradicts."""

    decision_id: int | None = Field(
        description="The decision (GET /weeks/{week}/decisions); null if revoked meanwhile."
    )
    code: str = Field(
        description="Why: pin_not_eligible, pin_team_full, pin_group_full or "
        "decision_superseded (a later decision on the same youth or dwelling stands)."
    )
    detail: str


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
    data_version: int | None  # the data version the run solved (None: not snapshotted yet)
    stale: bool  # the data changed since: offers from it are refused, run the week again
    set_aside: list[SetAsidePin] = Field(
        description="Decisions the run solved the week without: pins the week can no longer "
        "honour, decisions a later one contradicts (they stay in force until revoked)."
    )


def run_public(session: Any, run: Run) -> RunPublic:
    assert run.id is not None
    fields = run.model_dump(include=set(RunPublic.model_fields) - {"id", "stale", "set_aside"})
    aside = [SetAsidePin(decision_id=d, code=c, detail=why) for d, c, why in set_aside(run, "en")]
    return RunPublic(**fields, id=run.id, stale=is_stale(session, run), set_aside=aside)


class ProposalPublic(BaseModel):
    id: int
    youth_ref: str
    dwelling_ref: str | None
    cost: int | None
    fit: dict[str, int]
    reason: str | None
    detail: str | None
    outranked_by: int
    minor: bool = Field(default=False, description="The youth is under 18 today.")


@router.post("/runs", status_code=202, responses=responses(409))
def start_run(
    request: Request, session: SessionDep, user: Allocator, body: RunRequest
) -> RunPublic:
    """Start the week's matching (or return the week's existing run unless ``force``)."""
    expire_due(session, user.username)
    session.commit()
    engine = get_engine()
    run, created = request_run(engine, body.week, user.username, body.force)
    assert run.id is not None
    future = request.app.state.jobs.start_run(run.id) if created else None
    if body.wait > 0 and run.status not in FINISHED:
        wait_finished(engine, run.id, body.wait, future)
        run = get_run(session, run.id)
    return run_public(session, run)


@router.get("/runs/{run_id}", responses=responses(404))
def read_run(session: SessionDep, user: AggregateReader, run_id: Id) -> RunPublic:
    return run_public(session, get_run(session, run_id))


@router.get(
    "/runs/{run_id}/proposals",
    responses={**responses(404), **paged("proposals the run has (matches and youths not housed)")},
)
def get_proposals(
    session: SessionDep, user: Allocator, run_id: Id, page: PageDep
) -> list[ProposalPublic]:
    """The run's proposals in order: every one, or a page of them (``limit``, ``offset``);
    ``X-Total-Count`` says how many the run has."""
    rows, total = proposal_slice(session, run_id, user.username, page.limit, page.offset)
    page.total(total)
    minors = minor_ages(session, {p.youth_ref for p in rows})
    fields = set(ProposalPublic.model_fields) - {"minor"}
    return [ProposalPublic(**p.model_dump(include=fields), minor=p.youth_ref in minors)
            for p in rows]  # fmt: skip
