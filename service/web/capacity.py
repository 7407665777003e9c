"""The capacity page (``/kapacitet``): the § 59 quota ledger and the CTI/ACT teams' free slots,
and the municipality's claims made outside Boligmatch, which allocators record and withdraw
here (``usecases.claims``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from solver.i18n.render import text

from ..models import MAX_ID, ClaimKind, local_today
from ..usecases.capacity import capacity as capacity_lines
from ..usecases.claims import MAX_NOTE, MAX_REF, ClaimInput, list_claims, record_claim
from ..usecases.claims import withdraw_claim as withdraw
from ..usecases.errors import ConflictError, InvalidRequest, NotFoundError
from .common import AggregateUser, AllocatorUser, SessionDep, context, field_errors
from .render import render
from .session import PageError, PageRoute, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SHOWN = 50  # the latest claims outside Boligmatch on the page (the API lists every one)
FIELDS = ("organisation", "dwelling_type", "department", "dwelling_ref", "claimed_on", "note")
LABELS = {"organisation": "Boligorganisation", "dwelling_type": "Boligtype",
          "department": "Afdeling", "dwelling_ref": "Bolig", "claimed_on": "Anvist den",
          "note": "Bemærkning"}  # fmt: skip  # the form's labels, for the summary's links


@dataclass
class ClaimForm:
    """What the allocator typed (kept on a refusal) and each field's errors in Danish."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lines: list[tuple[str, str, str]] = field(default_factory=list)  # (field, label, error)


def _page(
    request: Request,
    session: SessionDep,
    user: AggregateUser,
    *,
    form: ClaimForm | None = None,
    done: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    week, quotas, teams = capacity_lines(session)
    claims, total = list_claims(session, ClaimKind.MUNICIPALITY.value, limit=SHOWN)
    form = form or ClaimForm({"claimed_on": local_today().isoformat()})
    return render(
        request,
        "allocator/capacity.html",
        context(request, user, quotas=quotas, teams=teams, week=week, claims=claims,
                claims_total=total, shown=SHOWN, form=form, done=done, error=error,
                organisations=sorted({q.organisation for q in quotas}),
                dwelling_types=sorted({q.dwelling_type for q in quotas}),
                today=local_today().isoformat(), max_ref=MAX_REF, max_note=MAX_NOTE),
        status_code=status,
    )  # fmt: skip


@router.get("/kapacitet")
def capacity(
    request: Request,
    session: SessionDep,
    user: AggregateUser,
    registreret: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    tilbagetrukket: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The quota ledger per organisation and type, and the free CTI/ACT slots per team, as the
    latest week's run sees them; below, the claims made outside Boligmatch."""
    done = ""
    if registreret is not None:
        done = text("page.claim_recorded", "da", id=registreret)
    elif tilbagetrukket is not None:
        done = text("page.claim_withdrawn", "da", id=tilbagetrukket)
    return _page(request, session, user, done=done)


@router.post("/kapacitet/anvisninger")
def record(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    organisation: Annotated[str, Form(max_length=1000)] = "",
    dwelling_type: Annotated[str, Form(max_length=1000)] = "",
    department: Annotated[str, Form(max_length=1000)] = "",
    dwelling_ref: Annotated[str, Form(max_length=1000)] = "",
    claimed_on: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record a claim made outside Boligmatch; a refusal shows the form again, as typed, with
    each field's error in Danish."""
    check_csrf(user, csrf_token)
    values = dict(zip(FIELDS, (organisation, dwelling_type, department, dwelling_ref,
                               claimed_on, note), strict=True))  # fmt: skip
    form = ClaimForm(values)
    try:
        day = date.fromisoformat(claimed_on.strip())
    except ValueError:
        message = text("page.claim_date_invalid", "da")
        form.errors["claimed_on"] = [message]
        form.lines = [("claimed_on", LABELS["claimed_on"], message)]
        return _page(request, session, user, form=form, status=422)
    claim = ClaimInput(organisation, dwelling_type, department, dwelling_ref, day, note)
    try:
        saved = record_claim(session, user.username, claim)
    except InvalidRequest as exc:
        session.rollback()
        form.errors, every = field_errors(exc)
        form.lines = [(field, LABELS.get(field, ""), message) for field, message in every]
        return _page(request, session, user, form=form, status=422)
    except ConflictError as exc:
        session.rollback()
        return _page(request, session, user, form=form, status=409,
                     error=exc.text("da") or str(exc))  # fmt: skip
    session.commit()
    return RedirectResponse(f"/kapacitet?registreret={saved.id}#anvisninger", 303)


@router.post("/kapacitet/anvisninger/{claim_id}/tilbagetraek")
def withdraw_claim(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    claim_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Withdraw a claim recorded by mistake (it stays on the list, marked withdrawn)."""
    check_csrf(user, csrf_token)
    try:
        withdraw(session, user.username, claim_id)
    except NotFoundError:
        session.rollback()
        raise PageError(404, "Anvisningen findes ikke.", "Ikke fundet") from None
    except ConflictError as exc:
        session.rollback()
        return _page(request, session, user, status=409, error=exc.text("da") or str(exc))
    session.commit()
    return RedirectResponse(f"/kapacitet?tilbagetrukket={claim_id}#anvisninger", 303)
