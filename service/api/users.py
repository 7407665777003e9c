"""Users: ``/users/me`` for anyone signed in; listing and creating users for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from ..models import TEAM_PATTERN, USERNAME_PATTERN, Role
from ..usecases import users
from ..usecases.errors import InvalidRequest
from .deps import Admin, CurrentUser, SessionDep

router = APIRouter(prefix="/users", tags=["users"])


class UserPublic(BaseModel):
    username: str
    role: Role
    teams: list[str]


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="Letters, digits, . _ @ -")
    password: str = Field(min_length=users.MIN_PASSWORD, max_length=users.MAX_PASSWORD)
    role: Role
    teams: list[Annotated[str, Field(pattern=TEAM_PATTERN)]] = Field(default=[], max_length=50)


@router.get("/me")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic(username=user.username, role=Role(user.role), teams=list(user.teams))


@router.get("")
def list_users(session: SessionDep, admin: Admin) -> list[UserPublic]:
    return [
        UserPublic(username=u.username, role=Role(u.role), teams=u.teams)
        for u in users.list_users(session)
    ]


@router.post("", status_code=201)
def create_user(session: SessionDep, admin: Admin, body: UserCreate) -> UserPublic:
    new = users.NewUser(body.username, body.password, body.role.value, tuple(body.teams))
    try:
        users.create_user(session, admin.username, new)
    except InvalidRequest as exc:
        if any(p.code == "username_taken" for p in exc.items if not isinstance(p, str)):
            detail = "Username already exists"
            raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
        raise
    return UserPublic(username=body.username, role=body.role, teams=body.teams)
