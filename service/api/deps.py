"""FastAPI dependencies: the request's database session and its authorised user.

Authorisation itself is ``service.authz``; a dependency only reads the bearer token and asks it.
The errors it raises are the use cases' (``Unauthenticated`` → 401, ``Forbidden`` → 403), turned
into HTTP answers by ``service.api.errors``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Annotated

from fastapi import Depends
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
