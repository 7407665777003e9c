"""Claims of the § 59 allocation right: the ledger's rows, and the municipality's claims made
outside Boligmatch, recorded and withdrawn by allocators (``usecases.claims``). No person."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ..models import ClaimKind, ClaimRecord
from ..usecases.claims import MAX_NOTE, MAX_REF, ClaimInput, list_claims, record_claim
from ..usecases.claims import withdraw_claim as withdraw
from .deps import AggregateReader, Allocator, PageDep, SessionDep, paged
from .errors import responses
from .runs import Id

router = APIRouter(tags=["aggregates"])


class ClaimCreate(BaseModel):
    """A claim the municipality made outside Boligmatch (by phone, by letter)."""

    model_config = ConfigDict(strict=True)

    organisation: str = Field(min_length=1, max_length=MAX_REF)
    dwelling_type: str = Field(min_length=1, max_length=MAX_REF, examples=["youth"])
    department: str = Field(min_length=1, max_length=MAX_REF)
    dwelling_ref: str = Field(min_length=1, max_length=MAX_REF)
    claimed_on: date = Field(strict=False, description="The day the claim was made.")
    note: str = Field(default="", max_length=MAX_NOTE, description="No personal data.")


class ClaimPublic(BaseModel):
    id: int
    kind: ClaimKind
    organisation: str
    dwelling_type: str
    department: str
    dwelling_ref: str
    week: str
    claimed_on: date
    offer_id: int | None = Field(description="The signed offer that made the claim.")
    created_at: datetime
    created_by: str | None = Field(description="Who recorded a claim made outside Boligmatch.")
    note: str | None
    withdrawn_at: datetime | None = Field(description="Set once withdrawn: it counts nowhere.")
    withdrawn_by: str | None


def _public(record: ClaimRecord) -> ClaimPublic:
    return ClaimPublic.model_validate(record, from_attributes=True)


@router.get("/claims", responses={**responses(), **paged("claims there are (of the kind)")})
def read_claims(
    session: SessionDep, user: AggregateReader, page: PageDep, kind: ClaimKind | None = None
) -> list[ClaimPublic]:
    """The ledger's claims, newest first (a signed offer's and the municipality's own), withdrawn
    ones included; all of them or a page, ``X-Total-Count`` says how many."""
    rows, total = list_claims(session, kind.value if kind else "", page.limit, page.offset)
    page.total(total)
    return [_public(r) for r in rows]


@router.post("/claims", status_code=201, responses=responses(409, 422))
def create_claim(session: SessionDep, user: Allocator, body: ClaimCreate) -> ClaimPublic:
    """Record a claim made outside Boligmatch: it counts against its quota group from now on.
    422 naming the field (no such quota group, a date after today or before the group's
    report); 409 when the group has no claim left (open offers' holds counted), the dwelling is
    offered or let through Boligmatch, or the same claim is on record."""
    claim = ClaimInput(body.organisation, body.dwelling_type, body.department, body.dwelling_ref,
                       body.claimed_on, body.note)  # fmt: skip
    record = record_claim(session, user.username, claim)
    session.commit()
    return _public(record)


@router.post("/claims/{claim_id}/withdraw", responses=responses(404, 409))
def withdraw_claim(session: SessionDep, user: Allocator, claim_id: Id) -> ClaimPublic:
    """Withdraw a claim recorded by mistake (kept, marked withdrawn, counted nowhere); 409 for a
    signed offer's claim or one withdrawn already."""
    record = withdraw(session, user.username, claim_id)
    session.commit()
    return _public(record)
