"""Users: ``/users/me`` for anyone signed in; listing, creating and changing users for admins
(deactivate and reactivate, role, teams, a new password; each audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from ..models import TEAM_PATTERN, USERNAME_PATTERN, Role, User
from ..usecases import users
from ..usecases.errors import InvalidRequest
from .deps import Admin, CurrentUser, SessionDep
from .errors import responses

router = APIRouter(prefix="/users", tags=["users"])

Username = Annotated[str, Path(pattern=USERNAME_PATTERN)]
Team = Annotated[str, Field(pattern=TEAM_PATTERN)]


class UserPublic(BaseModel):
    username: str
    role: Role
    teams: list[str]
    active: bool = True


def user_public(user: User) -> UserPublic:
    return UserPublic(username=user.username, role=Role(user.role), teams=user.teams,
                      active=user.active)  # fmt: skip


class UserCreate(BaseModel):
    model_config = ConfigDict(strict=True)

    username: str = Field(pattern=USERNAME_PATTERN, description="Letters, digits, . _ @ -")
    password: str = Field(
        min_length=users.MIN_PASSWORD,
        max_length=users.MAX_PASSWORD,
        description="12-256 characters, not a common or easily guessed password",
    )
    role: Role = Field(strict=False)
    teams: list[Team] = Field(default=[], max_length=50)


class UserChange(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(strict=True)

    active: bool | None = None
    role: Role | None = Field(default=None, strict=False)
    teams: list[Team] | None = Field(default=None, max_length=50)


class PasswordReset(BaseModel):
    model_config = ConfigDict(strict=True)

    password: str = Field(min_length=users.MIN_PASSWORD, max_length=users.MAX_PASSWORD)


@router.get("/me", responses=responses())
def me(user: CurrentUser) -> UserPublic:
    return UserPublic(username=user.username, role=Role(user.role), teams=list(user.teams))


@router.get("", responses=responses())
def list_users(session: SessionDep, admin: Admin) -> list[UserPublic]:
    return [user_public(u) for u in users.list_users(session)]


@router.post("", status_code=201, responses=responses(409))
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


@router.patch("/{username}", responses=responses(404))
def change_user(
    session: SessionDep, admin: Admin, username: Username, body: UserChange
) -> UserPublic:
    """Deactivate (``active: false``: their tokens stop at once) or reactivate a user, change
    their role or teams. The last active admin stays an active admin (422)."""
    role = body.role.value if body.role is not None else None
    teams = tuple(body.teams) if body.teams is not None else None
    user = users.update_user(session, admin.username, username, active=body.active, role=role,
                             teams=teams)  # fmt: skip
    return user_public(user)


@router.put("/{username}/password", status_code=204, responses=responses(404))
def reset_password(
    session: SessionDep, admin: Admin, username: Username, body: PasswordReset
) -> Response:
    """Set a new password (the policy applies: 422 otherwise); the user's sessions end."""
    users.reset_password(session, admin.username, username, body.password)
    return Response(status_code=204)
