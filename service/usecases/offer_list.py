"""The offers as a list (``/anvisning/tilbud``): searched, filtered by week, state, giver, a date
range of when they were made and "about to expire", sorted and paginated by the database.

*About to expire* is the start page's rule (``overview.EXPIRING_DAYS``): an offer still waiting
for its answer (``offered``) whose answer date is at most two days away — today, tomorrow or the
day after — or already past (it expires at the next run or offer action). Listing offers is a
person read, audited as ``read.offers`` and committed before the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from ..models import Offer, OfferState
from .audit import audit
from .listing import Filter, ListPage, ListRequest, ListSpec, fetch
from .overview import EXPIRING_DAYS

STATES = tuple(s.value for s in OfferState)
EXPIRING = "ja"  # the value of the "about to expire" filter


def is_expiring(offer: Offer, today: date) -> bool:
    """Still waiting for its answer, and the answer date at most ``EXPIRING_DAYS`` away."""
    return offer.state == OfferState.OFFERED.value and offer.expires_on <= today + timedelta(
        days=EXPIRING_DAYS
    )


def offer_spec(session: Session, today: date) -> ListSpec:
    weeks = tuple(session.execute(select(col(Offer.week)).distinct()).scalars().all())
    givers = tuple(session.execute(select(col(Offer.created_by)).distinct()).scalars().all())
    due = today + timedelta(days=EXPIRING_DAYS)
    expiring = and_(col(Offer.state) == OfferState.OFFERED.value, col(Offer.expires_on) <= due)
    return ListSpec(
        sorts={
            "id": col(Offer.id),
            "youth": col(Offer.youth_ref),
            "dwelling": col(Offer.dwelling_ref),
            "week": col(Offer.week),
            "state": col(Offer.state),
            "expires_on": col(Offer.expires_on),
            "created_by": col(Offer.created_by),
        },
        default_sort="id",
        default_descending=True,
        tiebreak=col(Offer.id).desc(),
        search=(col(Offer.youth_ref), col(Offer.dwelling_ref), col(Offer.created_by)),
        filters={
            "state": Filter(col(Offer.state), STATES, counted=True),
            "week": Filter(col(Offer.week), weeks, counted=True),
            "created_by": Filter(col(Offer.created_by), givers, counted=True),
            "expiring": Filter(col(Offer.state), (EXPIRING,), where=lambda _: expiring),
        },
    )


@dataclass(frozen=True)
class OfferList:
    page: ListPage  # rows: {"Offer": Offer}
    weeks: list[str]
    givers: list[str]
    expiring: int  # offers about to expire, in the whole list (the filter's count)

    @property
    def offers(self) -> list[Offer]:
        return [r["Offer"] for r in self.page.rows]


def offer_list(
    session: Session,
    actor: str,
    request: ListRequest,
    today: date,
    since: datetime | None = None,
    until: datetime | None = None,
) -> OfferList:
    """One page of the offers made in ``[since, until)`` (UTC), newest first by default;
    audited as ``read.offers`` (the state filter, how many listed) and committed."""
    spec = offer_spec(session, today)
    base: Any = select(Offer)
    if since is not None:
        base = base.where(col(Offer.created_at) >= since)
    if until is not None:
        base = base.where(col(Offer.created_at) < until)
    page = fetch(session, base, spec, request)
    due = today + timedelta(days=EXPIRING_DAYS)
    expiring = session.execute(
        select(func.count())
        .select_from(Offer)
        .where(col(Offer.state) == OfferState.OFFERED.value, col(Offer.expires_on) <= due)
    ).scalar_one()
    state = page.request.filters.get("state", "")
    audit(session, actor, "read.offers", "offer", state or "*", f"{len(page.rows)} listed")
    session.commit()
    weeks = sorted(spec.filters["week"].values or (), reverse=True)
    givers = sorted(spec.filters["created_by"].values or ())
    return OfferList(page, weeks, givers, int(expiring))
