"""Request dependencies: database session, current user, role checks, caseworker visibility."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Connection, Executable, Row, bindparam, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from .auth import now_ms, read_claims
from .db import get_session
from .models import PoolVersion, Role, User, YouthRecord
from .settings import get_settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")

SessionDep = Annotated[Session, Depends(get_session)]


def _claims(token: str) -> tuple[str | None, int]:
    claims = read_claims(token, get_settings().secret_key)
    return claims if claims else (None, 0)


def current_user(session: SessionDep, token: Annotated[str, Depends(oauth2)]) -> User:
    username, issued = _claims(token)
    user = session.exec(select(User).where(User.username == username)).first() if username else None
    if user is None or not user.active or issued < user.sessions_valid_from:
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
_PERSON_READERS = (Role.ADMIN, Role.ALLOCATOR, Role.CASEWORKER)
PersonReader = Annotated[User, Depends(require(*_PERSON_READERS))]
AggregateReader = Annotated[User, Depends(require(Role.ADMIN, Role.ALLOCATOR, Role.PLANNER))]


def _may_see(user: User | Principal, support_team: str | None) -> bool:
    """Case workers see only their own teams' youths; the other person readers see all."""
    return user.role != Role.CASEWORKER.value or support_team in set(user.teams)


def visible_youth(session: Session, user: User, ref: str) -> YouthRecord:
    """The youth if this user may see them; 404 otherwise (no existence leak)."""
    youth = session.exec(select(YouthRecord).where(YouthRecord.ref == ref)).first()
    if youth is None or not _may_see(user, youth.support_team):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Youth not found")
    return youth


# ----------------------------------------------------------------------------- hot read paths
# The queue and youth reads check the same things as ``PersonReader`` + ``visible_youth``, but
# with plain column queries on one connection, in one trip to the thread pool (the dependency
# chain above costs a thread hop per sync dependency and an ORM object per row).
PERSON_ROLES = frozenset(r.value for r in _PERSON_READERS)


@dataclass(frozen=True, slots=True)
class Principal:
    """The requesting user as the checks need them (no password hash)."""

    username: str
    role: str
    teams: tuple[str, ...]


_USER = core_select(
    col(User.role), col(User.teams), col(User.active), col(User.sessions_valid_from)
).where(col(User.username) == bindparam("username"))
YOUTH_COLUMNS = ("ref", "status", "support_method", "support_team", "referred_on", "urgent_by")
_YOUTH = core_select(*(col(getattr(YouthRecord, c)) for c in YOUTH_COLUMNS)).where(
    col(YouthRecord.ref) == bindparam("ref")
)


def _principal(username: str | None, issued: int, row: Any, roles: Collection[str]) -> Principal:
    """401 unless an active user whose token was issued after their last logout; 403 unless in
    ``roles`` (as ``current_user`` + ``require``)."""
    if username is None or row is None or not row.active or issued < row.sessions_valid_from:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if row.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Not allowed for your role")
    return Principal(username, row.role, tuple(row.teams or ()))


def authorize(db: Connection | Session, token: str, roles: Collection[str]) -> Principal:
    """The token's user if active and in ``roles``: 401 / 403 exactly as ``current_user`` and
    ``require``. The user row is read on every request, so deactivating a user (or changing
    their role or teams) takes effect on their very next request."""
    username, issued = _claims(token)
    row = db.execute(_USER, {"username": username}).first() if username else None
    return _principal(username, issued, row, roles)


def visible_youth_row(db: Connection | Session, user: Principal, ref: str) -> Row[Any]:
    """The youth's ``YOUTH_COLUMNS`` if this user may see them; 404 otherwise."""
    youth = db.execute(_YOUTH, {"ref": ref}).first()
    if youth is None or not _may_see(user, youth.support_team):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Youth not found")
    return youth


@dataclass(frozen=True, slots=True)
class PersonRead:
    user: Principal
    youth: dict[str, Any]  # YOUTH_COLUMNS
    pool_version: str  # '' before the first import


# The user, the youth and the pool version in one statement (one round trip to PostgreSQL).
_USER_YOUTH: Executable = (
    core_select(
        col(User.role),
        col(User.teams),
        col(User.active),
        col(User.sessions_valid_from),
        *(col(getattr(YouthRecord, c)).label(f"y_{c}") for c in YOUTH_COLUMNS),
        core_select(col(PoolVersion.token))
        .where(col(PoolVersion.id) == 1)
        .scalar_subquery()
        .label("pool_version"),
    )
    .select_from(
        User.__table__.outerjoin(  # type: ignore[attr-defined]
            YouthRecord.__table__,  # type: ignore[attr-defined]
            col(YouthRecord.ref) == bindparam("ref"),
        )
    )
    .where(col(User.username) == bindparam("username"))
)


def person_read(
    db: Connection | Session, token: str, roles: Collection[str], ref: str
) -> PersonRead:
    """``authorize`` + ``visible_youth_row`` (same 401, 403, 404 in that order) and the pool
    version, in one query."""
    username, issued = _claims(token)
    # No ref holds a NUL character, and PostgreSQL refuses one in a text parameter: NULL
    # matches nothing (404 after the user checks, as for any unknown ref).
    params = {"username": username, "ref": None if "\x00" in ref else ref}
    row = db.execute(_USER_YOUTH, params).first() if username else None
    user = _principal(username, issued, row, roles)
    assert row is not None
    if row.y_ref is None or not _may_see(user, row.y_support_team):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Youth not found")
    youth = {c: getattr(row, f"y_{c}") for c in YOUTH_COLUMNS}
    return PersonRead(user, youth, row.pool_version or "")


def end_sessions(session: Session, username: str) -> None:
    """Log out: every token issued to ``username`` until now stops working (all devices), in
    the caller's transaction."""
    statement = update(User).where(col(User.username) == username)
    session.execute(statement.values(sessions_valid_from=now_ms() + 1))
