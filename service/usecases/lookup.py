"""Find a youth or a dwelling by reference (the box on every allocator page), and one dwelling
as the allocation office knows it: the latest week's record and every proposal and offer of it.

Allocators and admins only (the pages check the role): a dwelling's history names the youths
it was proposed to and offered to. Listing youths' references is a read of persons, audited as
``read.youths`` like the youth list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ..models import DwellingRecord, Offer, Proposal, Run, YouthRecord
from .audit import audit
from .errors import NotFoundError

FOUND_LIMIT = 20


@dataclass(frozen=True)
class Found:
    """References containing the text (case-insensitive), exact matches first, at most
    ``FOUND_LIMIT`` of each; ``more``: there were more than shown."""

    text: str
    youths: list[str]
    dwellings: list[str]
    more: bool

    @property
    def only(self) -> tuple[str, str] | None:
        """``("youth"|"dwelling", ref)`` when the text is exactly one reference."""
        exact_y = [r for r in self.youths if r.lower() == self.text.lower()]
        exact_d = [r for r in self.dwellings if r.lower() == self.text.lower()]
        if len(exact_y) + len(exact_d) == 1:
            return ("youth", exact_y[0]) if exact_y else ("dwelling", exact_d[0])
        if len(self.youths) + len(self.dwellings) == 1:
            return ("youth", self.youths[0]) if self.youths else ("dwelling", self.dwellings[0])
        return None


def _refs(session: Session, column: Any, needle: str) -> tuple[list[str], bool]:
    query = (
        sa_select(column)
        .where(func.lower(column).contains(needle.lower(), autoescape=True))
        .distinct()
        .order_by(func.lower(column) != needle.lower(), func.length(column), column)
        .limit(FOUND_LIMIT + 1)
    )
    refs = list(session.execute(query).scalars().all())
    return refs[:FOUND_LIMIT], len(refs) > FOUND_LIMIT


def find(session: Session, actor: str, text: str) -> Found:
    """The youths and dwellings whose reference contains ``text``; audited when it lists
    youths, and committed."""
    needle = text.strip()[:64]
    if not needle:
        return Found("", [], [], False)
    youths, more_y = _refs(session, col(YouthRecord.ref), needle)
    dwellings, more_d = _refs(session, col(DwellingRecord.ref), needle)
    if youths:
        audit(session, actor, "read.youths", "youth", needle, f"{len(youths)} listed")
        session.commit()
    return Found(needle, youths, dwellings, more_y or more_d)


@dataclass(frozen=True)
class DwellingView:
    """A dwelling's latest record (its week's), the weeks it was vacant, and its history."""

    record: DwellingRecord
    weeks: list[str]
    proposals: list[dict[str, Any]]  # week, run_id, youth_ref, cost, fit
    offers: list[Offer]


def dwelling_view(session: Session, actor: str, ref: str) -> DwellingView:
    """One dwelling (NotFoundError when no week has it); audited as ``read.proposals`` (its
    history names youths) and committed."""
    records = session.exec(
        select(DwellingRecord)
        .where(col(DwellingRecord.ref) == ref)
        .order_by(col(DwellingRecord.week))
    ).all()
    if not records:
        raise NotFoundError("Dwelling not found")
    proposals = [
        dict(r._mapping)
        for r in session.execute(
            sa_select(Run.week, Proposal.run_id, Proposal.youth_ref, Proposal.cost)  # type: ignore[call-overload]
            .join(Run, col(Run.id) == col(Proposal.run_id))
            .where(col(Proposal.dwelling_ref) == ref)
            .order_by(col(Proposal.run_id).desc())
        )
    ]
    offers = list(
        session.exec(
            select(Offer).where(col(Offer.dwelling_ref) == ref).order_by(col(Offer.id))
        ).all()
    )
    audit(session, actor, "read.proposals", "dwelling", ref)
    session.commit()
    return DwellingView(records[-1], [r.week for r in records], proposals, offers)
