"""Request dependencies: database session, current user, role checks, caseworker visibility."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session, select

from .auth import read_token
from .db import get_session
from .models import Role, User, YouthRecord
from .settings import get_settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")

SessionDep = Annotated[Session, Depends(get_session)]


def current_user(session: SessionDep, token: Annotated[str, Depends(oauth2)]) -> User:
    username = read_token(token, get_settings().secret_key)
    user = session.exec(select(User).where(User.username == username)).first() if username else None
    if user is None or not user.active:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Callable[[User], User]:
    """A dependency admitting only ``roles``."""

    def check(user: CurrentUser) -> User:
        if user.role not in {r.value for r in roles}:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Not allowed for your role")
        return user

    return check


Allocator = Annotated[User, Depends(require(Role.ADMIN, Role.ALLOCATOR))]
Admin = Annotated[User, Depends(require(Role.ADMIN))]
PersonReader = Annotated[User, Depends(require(Role.ADMIN, Role.ALLOCATOR, Role.CASEWORKER))]
AggregateReader = Annotated[User, Depends(require(Role.ADMIN, Role.ALLOCATOR, Role.PLANNER))]


def visible_youth(session: Session, user: User, ref: str) -> YouthRecord:
    """The youth if this user may see them; 404 otherwise (no existence leak)."""
    youth = session.exec(select(YouthRecord).where(YouthRecord.ref == ref)).first()
    if youth is None or (
        user.role == Role.CASEWORKER.value and youth.support_team not in set(user.teams)
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Youth not found")
    return youth
