"""A week's own settings and the allocator's decisions for it: the priority scheme in force,
pins, bans and withholdings (``usecases.decisions``), and the diff between two runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from solver.caseio.cells import MAX_REF
from solver.domain import DecisionKind
from solver.engine.priority import PRESETS

from ..models import MAX_ID, DecisionRecord
from ..usecases import decisions, weeks
from ..usecases.runs import diff, get_run, previous_run
from .deps import AggregateReader, Allocator, SessionDep
from .errors import responses
from .runs import API_WEEK, Id, ProposalPublic

router = APIRouter(tags=["decisions"])

Week = Annotated[str, Path(pattern=API_WEEK, examples=["2026-W48"])]


class DecisionCreate(BaseModel):
    kind: DecisionKind = Field(description="pin: this youth gets this dwelling; ban: excluded.")
    youth_ref: str | None = Field(default=None, max_length=MAX_REF)
    unit_ref: str | None = Field(default=None, max_length=MAX_REF)
    reason: str = Field(min_length=1, max_length=decisions.MAX_REASON)


class DecisionPublic(BaseModel):
    id: int
    week: str
    kind: str
    youth_ref: str | None
    unit_ref: str | None
    reason: str
    created_by: str
    created_at: datetime
    revoked_by: str | None
    revoked_at: datetime | None


def decision_public(record: DecisionRecord) -> DecisionPublic:
    return DecisionPublic(**record.model_dump(include=set(DecisionPublic.model_fields)))


@router.get("/weeks/{week}/decisions", responses=responses())
def list_decisions(session: SessionDep, user: Allocator, week: Week) -> list[DecisionPublic]:
    """The week's decisions in force (the next run solves under them)."""
    return [decision_public(r) for r in decisions.active(session, week)]


@router.post("/weeks/{week}/decisions", status_code=201, responses=responses(404, 409))
def add_decision(
    session: SessionDep, user: Allocator, week: Week, body: DecisionCreate
) -> DecisionPublic:
    """Pin a pair, ban a pair, or withhold a youth or a dwelling, with the reason; checked as the
    engine checks decisions.csv (422 naming the field). Re-run the week to apply it."""
    record = decisions.add(session, week, user.username, body.kind.value, body.youth_ref,
                           body.unit_ref, body.reason)  # fmt: skip
    return decision_public(record)


@router.delete("/decisions/{decision_id}", responses=responses(404, 409))
def revoke_decision(
    session: SessionDep, user: Allocator, decision_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> DecisionPublic:
    """Take a decision back (it stays on record, revoked)."""
    return decision_public(decisions.revoke(session, decision_id, user.username))


class SchemePublic(BaseModel):
    name: str = Field(description="The preset's name, or custom.")
    order: list[str]
    situation_rank: list[str]
    points: dict[str, int]


class SchemeChoice(BaseModel):
    preset: str = Field(
        examples=["standard", "situation", "points"],
        json_schema_extra={"enum": list(PRESETS)},  # the names the service knows
    )


@router.get("/weeks/{week}/priority", responses=responses(404))
def read_priority(session: SessionDep, user: AggregateReader, week: Week) -> SchemePublic:
    scheme = weeks.week_policy(session, week).priority
    return SchemePublic(name=weeks.scheme_name(scheme), **scheme.describe())


@router.put("/weeks/{week}/priority", responses=responses(404, 409))
def choose_priority(
    session: SessionDep, user: Allocator, week: Week, body: SchemeChoice
) -> SchemePublic:
    """Put a named priority scheme in force for the week (docs/priority.md)."""
    scheme = weeks.set_priority(session, week, body.preset, user.username)
    return SchemePublic(name=weeks.scheme_name(scheme), **scheme.describe())


class ChangePublic(BaseModel):
    youth_ref: str
    kind: str = Field(description="in | out | moved")
    before: ProposalPublic | None
    after: ProposalPublic | None
    status: str | None = Field(
        default=None,
        description="out, and not in this run: the youth's status now (offered, housed, "
        "withdrawn; waiting: paused after a decline)",
    )


class DiffPublic(BaseModel):
    run_id: int
    against: int | None
    changes: list[ChangePublic]


def _line(p: Any) -> ProposalPublic | None:
    return (
        None
        if p is None
        else ProposalPublic(**p.model_dump(include=set(ProposalPublic.model_fields)))
    )


@router.get("/runs/{run_id}/diff", responses=responses(404))
def run_diff(
    session: SessionDep,
    user: Allocator,
    run_id: Id,
    against: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> DiffPublic:
    """Who is in, who is out and who moved since another run of the week (default: the
    previous generation), each with their lines of both runs (the reasons say why)."""
    run = get_run(session, run_id)
    earlier = get_run(session, against) if against is not None else previous_run(session, run)
    if earlier is None:
        return DiffPublic(run_id=run_id, against=None, changes=[])
    changes = [ChangePublic(youth_ref=c.youth_ref, kind=c.kind, before=_line(c.before),
                            after=_line(c.after), status=c.status)
               for c in diff(session, run, earlier)]  # fmt: skip
    assert earlier.id is not None
    return DiffPublic(run_id=run_id, against=earlier.id, changes=changes)
