"""Offers: make one from a proposal, list them, move one through its states."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from solver.domain import DeclineReason

from ..models import MAX_ID, Offer
from ..settings import get_settings
from ..usecases.offers import list_offers, make_offer, transition
from .deps import Allocator, JsonInt, SessionDep
from .errors import responses
from .runs import Id

router = APIRouter(tags=["offers"])


class OfferCreate(BaseModel):
    model_config = ConfigDict(strict=True)

    proposal_id: JsonInt = Field(ge=1, le=MAX_ID)


class OfferAction(BaseModel):
    model_config = ConfigDict(strict=True)

    reason: DeclineReason | None = Field(default=None, strict=False)
    text: str | None = Field(default=None, max_length=500)


class OfferPublic(BaseModel):
    id: int
    proposal_id: int
    youth_ref: str
    dwelling_ref: str
    week: str
    state: str
    decline_reason: str | None
    decline_text: str | None
    expires_on: date


def offer_public(offer: Offer) -> OfferPublic:
    return OfferPublic(**offer.model_dump(include=set(OfferPublic.model_fields)))


@router.post("/offers", status_code=201, responses=responses(404, 409))
def create_offer(session: SessionDep, user: Allocator, body: OfferCreate) -> OfferPublic:
    offer = make_offer(session, body.proposal_id, user.username, get_settings().offer_expiry_days)
    session.commit()
    return offer_public(offer)


@router.get("/offers", responses=responses())
def read_offers(
    session: SessionDep, user: Allocator, state: str | None = None
) -> list[OfferPublic]:
    return [offer_public(o) for o in list_offers(session, user.username, state or "")]


@router.post("/offers/{offer_id}/{action}", responses=responses(404, 409))
def act_on_offer(
    session: SessionDep,
    user: Allocator,
    offer_id: Id,
    action: Annotated[str, Path(pattern="^(accept|decline|expire|sign|move_in)$")],
    body: OfferAction | None = None,
) -> OfferPublic:
    """accept / decline (reason) / expire / sign / move_in; 409 when the state forbids it."""
    body = body or OfferAction()
    offer = transition(session, offer_id, action, user.username, body.reason, body.text,
                       get_settings().decline_pause_weeks)  # fmt: skip
    session.commit()
    return offer_public(offer)
