"""Sign in and out: ``/login/access-token`` (OAuth2 password flow) and ``/logout``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from ..usecases import users
from ..usecases.errors import Unauthenticated
from .deps import CurrentUser, SessionDep
from .errors import responses

router = APIRouter(tags=["login"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/login/access-token", responses=responses(400, 429, auth=False))
def login(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Token:
    """A bearer token. A wrong name or password: 400; too many failures for the account or
    the client address: 429 with ``Retry-After`` (seconds), the right password included."""
    address = request.client.host if request.client else ""
    try:
        return Token(access_token=users.log_in(session, form.username, form.password, address))
    except Unauthenticated:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, detail="Incorrect username or password"
        ) from None


@router.post("/logout", tags=["auth"], status_code=204, responses=responses())
def logout(session: SessionDep, user: CurrentUser) -> Response:
    """End every token issued to this user so far (all devices); log in again for a new one."""
    users.log_out(session, user.username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
