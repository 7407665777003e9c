"""Offers: make one from a proposal, list them, move one through its states."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from solver.caseio.cells import MAX_REF
from solver.domain import DeclineReason

from ..models import MAX_ID, Offer, OfferState, OverrideReason
from ..settings import get_settings
from ..usecases import lifecycle
from ..usecases.offers import deposits, list_offers, make_offer, make_override, transition
from .deps import Allocator, JsonInt, PageDep, SessionDep, paged
from .errors import responses
from .runs import API_WEEK, Id

router = APIRouter(tags=["offers"])


class OfferCreate(BaseModel):
    model_config = ConfigDict(strict=True)

    proposal_id: JsonInt = Field(ge=1, le=MAX_ID)


class OverrideCreate(BaseModel):
    """An offer the run did not propose: the allocation office's own decision."""

    week: str = Field(pattern=API_WEEK, examples=["2026-W48"])
    youth_ref: str = Field(min_length=1, max_length=MAX_REF)
    dwelling_ref: str = Field(min_length=1, max_length=MAX_REF)
    reason: OverrideReason
    text: str = Field(min_length=1, max_length=500, description="The reason in words.")
    dispensations: list[str] = Field(
        default=[], max_length=10, description="Waivable rules (policy.waivable) dispensed with."
    )


class OfferAction(BaseModel):
    model_config = ConfigDict(strict=True)

    reason: DeclineReason | None = Field(default=None, strict=False)
    text: str | None = Field(default=None, max_length=500)


class OfferPublic(BaseModel):
    id: int
    proposal_id: int | None = Field(description="None for an offer outside the proposal.")
    youth_ref: str
    dwelling_ref: str
    week: str
    state: str
    decline_reason: str | None
    decline_text: str | None
    expires_on: date
    override_reason: str | None = None
    override_text: str | None = None
    dispensations: list[str] = []
    deposit: int | None = Field(default=None, description="The dwelling's deposit (indskud), kr.")
    deposit_loan_note: bool = Field(
        default=False,
        description="The municipality's deposit loan (boligindskudslån) may be needed.",
    )
    minor: bool = Field(
        default=False,
        description="The youth is under 18 today: signing needs the guardian's consent first.",
    )
    guardian: str | None = Field(default=None, description="Who gave the guardian's consent.")
    consent_on: date | None = Field(default=None, description="The day the guardian consented.")
    consent_by: str | None = Field(default=None, description="Who recorded the consent.")
    consent_at: datetime | None = Field(default=None, description="When it was recorded.")


class Consent(BaseModel):
    guardian: str = Field(min_length=1, max_length=lifecycle.MAX_GUARDIAN,
                          description="The guardian who consented (name or relation).")  # fmt: skip
    given_on: date = Field(description="The day of the consent (not after today).")


Facts = dict[int, tuple[int | None, bool]]


def offer_public(
    offer: Offer, facts: Facts | None = None, minors: dict[str, int] | None = None
) -> OfferPublic:
    deposit, note = (facts or {}).get(offer.id or 0, (None, False))
    fields = offer.model_dump(include=set(OfferPublic.model_fields) - {"minor"})
    minor = offer.youth_ref in (minors or {})
    return OfferPublic(**fields, deposit=deposit, deposit_loan_note=note, minor=minor)


def with_deposits(session: Any, offers: list[Offer]) -> list[OfferPublic]:
    facts = deposits(session, offers)
    minors = lifecycle.minor_ages(session, {o.youth_ref for o in offers})
    return [offer_public(o, facts, minors) for o in offers]


@router.post("/offers/override", status_code=201, responses=responses(404, 409))
def create_override(session: SessionDep, user: Allocator, body: OverrideCreate) -> OfferPublic:
    """Offer a dwelling outside the run's proposal, with a coded reason and text: hard rules
    hold (a waivable one only with an explicit dispensation); quota and team capacity are never
    waived (409 naming them)."""
    offer = make_override(session, body.week, body.youth_ref, body.dwelling_ref, body.reason,
                          body.text, body.dispensations, user.username,
                          get_settings().offer_expiry_days)  # fmt: skip
    session.commit()
    return with_deposits(session, [offer])[0]


@router.post("/offers", status_code=201, responses=responses(404, 409))
def create_offer(session: SessionDep, user: Allocator, body: OfferCreate) -> OfferPublic:
    offer = make_offer(session, body.proposal_id, user.username, get_settings().offer_expiry_days)
    session.commit()
    return with_deposits(session, [offer])[0]


@router.get("/offers", responses={**responses(), **paged("offers there are (in the state)")})
def read_offers(
    session: SessionDep, user: Allocator, page: PageDep, state: OfferState | None = None
) -> list[OfferPublic]:
    """Every offer, or those in one ``state``, in the order they were made (by id): all of
    them, or a page (``limit``, ``offset``); ``X-Total-Count`` says how many there are."""
    chosen = state.value if state is not None else ""
    rows, total = list_offers(session, user.username, chosen, limit=page.limit, offset=page.offset)
    page.total(total)
    return with_deposits(session, rows)


@router.post("/offers/{offer_id}/consent", responses=responses(404, 409))
def record_consent(
    session: SessionDep, user: Allocator, offer_id: Id, body: Consent
) -> OfferPublic:
    """Record a minor's guardian's consent on a live offer (who, on which day; by whom and when
    is the signed-in user, now). Signing a minor's offer without it is refused (409)."""
    offer = lifecycle.record_consent(session, user.username, offer_id, body.guardian,
                                     body.given_on)  # fmt: skip
    return with_deposits(session, [offer])[0]


@router.post("/offers/{offer_id}/{action}", responses=responses(404, 409))
def act_on_offer(
    session: SessionDep,
    user: Allocator,
    offer_id: Id,
    action: Annotated[str, Path(pattern="^(accept|decline|expire|sign|move_in)$")],
    body: OfferAction | None = None,
) -> OfferPublic:
    """accept / decline (reason) / expire / sign / move_in; 409 when the state forbids it, and
    for signing a minor's offer before the guardian's consent is recorded."""
    body = body or OfferAction()
    offer = transition(session, offer_id, action, user.username, body.reason, body.text,
                       get_settings().decline_pause_weeks)  # fmt: skip
    session.commit()
    return with_deposits(session, [offer])[0]
