"""The allocator's find box (every allocator page has it) and one dwelling's page.

``/find?ref=…``: one youth or dwelling with exactly that reference (or the only one containing
it) opens directly; otherwise the matches are listed. ``/boliger/{ref}``: the dwelling as the
allocation office knows it (address, organisation, rent, …) with every proposal and offer of it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from ..usecases.errors import NotFoundError
from ..usecases.lookup import FOUND_LIMIT, dwelling_view, find
from .common import AllocatorUser, SessionDep, context
from .render import render
from .session import PageError, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/find")
def find_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    ref: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    found = find(session, user.username, ref)
    only = found.only
    if only is not None:
        kind, hit = only
        return RedirectResponse(f"/unge/{hit}" if kind == "youth" else f"/boliger/{hit}", 303)
    return render(
        request,
        "find.html",
        context(request, user, found=found, limit=FOUND_LIMIT),
        status_code=200 if found.youths or found.dwellings or not found.text else 404,
    )


@router.get("/boliger/{ref}")
def dwelling_page(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    ref: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    try:
        view = dwelling_view(session, user.username, ref)
    except NotFoundError:
        raise PageError(404, "Boligen findes ikke.", "Ikke fundet") from None
    return render(request, "dwellings/detail.html", context(request, user, d=view))
