"""The allocation office's own decisions, on the run page: pin a pair, ban a pair, withhold a
youth or a dwelling, take a decision back, choose the week's priority scheme, and offer a
dwelling the run did not propose. Each is a use case (``usecases.decisions``, ``weeks``,
``offers.make_override``), the same as the API's, audited the same way. "Kør igen med mine
beslutninger" is the run form with a new generation (``/anvisning/koersler``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import RedirectResponse

from solver.caseio.weeks import WEEK_PATTERN

from ..models import MAX_ID, OverrideReason
from ..settings import get_settings
from ..usecases import decisions, weeks
from ..usecases.errors import ConflictError, InvalidRequest, NotFoundError
from ..usecases.offers import make_override
from .allocator import render_run
from .common import AllocatorUser, SessionDep
from .session import PageError, PageRoute, check_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Week = Annotated[str, Path(pattern=WEEK_PATTERN)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
RunId = Annotated[int, Form(ge=1, le=MAX_ID)]


def _back(run_id: int, anchor: str = "beslutninger") -> Response:
    return RedirectResponse(f"/anvisning/koersler/{run_id}#{anchor}", status_code=303)


@router.post("/anvisning/uger/{week}/beslutninger")
def add_decision(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    week: Week,
    run_id: RunId,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=10)] = "",
    youth_ref: Annotated[str, Form(max_length=64)] = "",
    unit_ref: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    try:
        decisions.add(session, week, user.username, kind, youth_ref, unit_ref, reason)
    except InvalidRequest as exc:
        session.rollback()
        return render_run(request, session, user, run_id, errors=exc.texts("da"), status=422)
    except NotFoundError:
        raise PageError(
            404, f"Der er ikke importeret data for uge {week}.", "Ikke fundet"
        ) from None
    return _back(run_id)


@router.post("/anvisning/beslutninger/{decision_id}/tilbagekald")
def revoke_decision(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    decision_id: Id,
    run_id: RunId,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    try:
        decisions.revoke(session, decision_id, user.username)
    except NotFoundError:
        raise PageError(404, "Beslutningen findes ikke.", "Ikke fundet") from None
    return _back(run_id)


@router.post("/anvisning/uger/{week}/prioritering")
def choose_scheme(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    week: Week,
    run_id: RunId,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    preset: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    try:
        weeks.set_priority(session, week, preset, user.username)
    except InvalidRequest as exc:
        session.rollback()
        return render_run(request, session, user, run_id, errors=exc.texts("da"), status=422)
    return _back(run_id, "prioritering")


@router.post("/anvisning/tilbud/uden-for-forslag")
def offer_outside(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    run_id: RunId,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    week: Annotated[str, Form(pattern=WEEK_PATTERN)] = "",
    youth_ref: Annotated[str, Form(max_length=64)] = "",
    dwelling_ref: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=500)] = "",
    dispensations: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(user, csrf_token)
    sent = {"youth_ref": youth_ref, "dwelling_ref": dwelling_ref, "reason": reason, "text": text,
            "dispensations": list(dispensations or [])}  # fmt: skip

    def refused(errors: list[str], status: int) -> Response:  # the form keeps what was typed
        return render_run(request, session, user, run_id, errors=errors, status=status,
                          override=sent)  # fmt: skip

    if reason not in {r.value for r in OverrideReason}:
        return refused(["Vælg en begrundelse for tilbuddet uden for forslaget."], 422)
    try:
        offer = make_override(
            session, week, youth_ref.strip(), dwelling_ref.strip(), OverrideReason(reason), text,
            list(dispensations or [])[:10], user.username, get_settings().offer_expiry_days,
        )  # fmt: skip
    except InvalidRequest as exc:
        session.rollback()
        return refused(exc.texts("da"), 422)
    except (ConflictError, NotFoundError) as exc:
        session.rollback()
        why = exc.text("da") if isinstance(exc, ConflictError) else None
        return refused([why or "Den unge venter ikke, eller boligen er ikke ledig i ugen."], 409)
    session.commit()
    return RedirectResponse(f"/anvisning/tilbud?udfoert=created#tilbud-{offer.id}", 303)
