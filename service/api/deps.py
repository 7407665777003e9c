"""FastAPI dependencies: the request's database session and its authorised user.

Authorisation itself is ``service.authz``; a dependency only reads the bearer token and asks it.
The errors it raises are the use cases' (``Unauthenticated`` → 401, ``Forbidden`` → 403), turned
into HTTP answers by ``service.api.errors``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Response
from fastapi.security import OAuth2PasswordBearer
from pydantic import BeforeValidator, Strict
from sqlmodel import Session

from ..authz import (
    ADMINS,
    AGGREGATE_READERS,
    ALL,
    ALLOCATORS,
    PERSON_READERS,
    PLANNERS,
    Principal,
    authorize,
)
from ..db import get_session
from ..models import MAX_ID

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")

SessionDep = Annotated[Session, Depends(get_session)]
BearerToken = Annotated[str, Depends(oauth2)]


def user_with(roles: Collection[str]) -> Callable[[Session, str], Principal]:
    """A dependency: the token's user, who must have one of ``roles``."""

    def dependency(session: SessionDep, token: BearerToken) -> Principal:
        return authorize(session, token, roles)

    return dependency


CurrentUser = Annotated[Principal, Depends(user_with(ALL))]
Admin = Annotated[Principal, Depends(user_with(ADMINS))]
Allocator = Annotated[Principal, Depends(user_with(ALLOCATORS))]
Planner = Annotated[Principal, Depends(user_with(PLANNERS))]
PersonReader = Annotated[Principal, Depends(user_with(PERSON_READERS))]
AggregateReader = Annotated[Principal, Depends(user_with(AGGREGATE_READERS))]


def _whole(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# An integer in a strict request body: JSON's 3 and 3.0 are the same number (JSON Schema calls
# both integers), but "3", true and 3.5 are not integers.
JsonInt = Annotated[int, BeforeValidator(_whole), Strict()]


# ----------------------------------------------------------------------------- paging
MAX_PAGE = 1000  # rows in one page of a paged list (GET /offers, GET /runs/{id}/proposals)


@dataclass(frozen=True)
class Page:
    """A list route's page: at most ``limit`` rows (every row when None) from ``offset``; the
    route says how many there are in all with :meth:`total` (the ``X-Total-Count`` header)."""

    limit: int | None
    offset: int
    response: Response

    def total(self, count: int) -> None:
        self.response.headers["X-Total-Count"] = str(count)


def page_params(
    response: Response,
    limit: Annotated[
        int | None,
        Query(ge=1, le=MAX_PAGE, description=f"At most this many rows (1-{MAX_PAGE}); "
                                             "without it every row."),
    ] = None,
    offset: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Skip this many rows first (0 on).")
    ] = 0,
) -> Page:  # fmt: skip
    return Page(limit, offset, response)


PageDep = Annotated[Page, Depends(page_params)]


def paged(what: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI success answer of a paged list route: its ``X-Total-Count`` header, counting
    ``what``."""
    header = {"schema": {"type": "integer"}, "description": f"How many {what} there are in all "
              "(with or without a page): page on until offset reaches it"}  # fmt: skip
    return {200: {"description": "Successful Response", "headers": {"X-Total-Count": header}}}
