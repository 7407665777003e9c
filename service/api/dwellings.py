"""A week's dwellings: list them, read one, register one vacancy, edit a vacant one. Each is
checked exactly as an import checks a row of units.csv (``usecases.lifecycle``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from solver.caseio.cells import MAX_REF

from ..models import DwellingRecord
from ..usecases import lifecycle
from .deps import AggregateReader, Allocator, SessionDep
from .errors import responses
from .runs import API_WEEK
from .youths import _columns_model

router = APIRouter(prefix="/weeks/{week}/dwellings", tags=["dwellings"])

Week = Annotated[str, Path(pattern=API_WEEK, examples=["2026-W48"])]
Ref = Annotated[str, Path(min_length=1, max_length=MAX_REF)]

DwellingFields = _columns_model(
    "DwellingFields",
    lifecycle.UNIT_FIELDS,
    "A dwelling's columns as in units.csv (../shared/case-format.md), checked as an import "
    "checks them (422 naming each wrong column). For an edit only the columns to change.",
)


class DwellingPublic(BaseModel):
    week: str
    ref: str
    status: str
    organisation: str
    department: str
    area: str
    dwelling_type: str
    rooms: int
    size_m2: int | None
    rent: int
    utilities: int
    deposit: int | None
    pets: str
    accessible: bool
    available_from: date
    benefit_restricted: bool
    address: str | None
    contact: str | None


def dwelling_public(record: DwellingRecord) -> DwellingPublic:
    return DwellingPublic(**record.model_dump(include=set(DwellingPublic.model_fields)))


@router.get("", responses=responses(404))
def list_dwellings(session: SessionDep, user: AggregateReader, week: Week) -> list[DwellingPublic]:
    """The week's dwellings (every status), with address and contact (case format 2)."""
    return [dwelling_public(d) for d in lifecycle.dwellings(session, week)]


@router.get("/{ref}", responses=responses(404))
def read_dwelling(
    session: SessionDep, user: AggregateReader, week: Week, ref: Ref
) -> DwellingPublic:
    return dwelling_public(lifecycle.dwelling(session, week, ref))


@router.post("", status_code=201, responses=responses(404, 409))
def register_dwelling(
    session: SessionDep,
    user: Allocator,
    week: Week,
    body: DwellingFields,  # type: ignore[valid-type]
) -> DwellingPublic:
    """Register one vacancy in an imported week (404 for a week without an import); 409 when
    the week has the reference already. The week's next run sees it."""
    values = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return dwelling_public(lifecycle.register_dwelling(session, user.username, week, values))


@router.patch("/{ref}", responses=responses(404, 409))
def edit_dwelling(
    session: SessionDep,
    user: Allocator,
    week: Week,
    ref: Ref,
    body: DwellingFields,  # type: ignore[valid-type]
) -> DwellingPublic:
    """Change some columns of a vacant dwelling (409 for an offered or let one)."""
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return dwelling_public(lifecycle.edit_dwelling(session, user.username, week, ref, changes))
