"""Authorisation, in one place: who the token's user is, which roles may do what, whom a case
worker may see.

Roles: ``admin`` (everything), ``allocator`` (the weekly matching, offers, every youth),
``planner`` (aggregates and planning, never a person), ``caseworker`` (their own youths).

Least privilege for case workers (:func:`visible_youths` in SQL, :func:`may_see` per youth, the
one rule): a case worker sees a youth of one of their teams when they are the youth's
responsible worker (``youths.case_worker``), when the youth has no responsible worker yet (so
nobody on the team loses sight of them), or when the team shares its caseload
(``support.shared_caseload``; by default only ACT teams do, case-format.md). A youth of another
team is never seen. A refused read of an existing youth is audited as ``read.denied``.
The user row is read on every request, so deactivating a user, or changing their role or teams,
takes effect on their very next request. Failures raise ``Unauthenticated`` (401) before
``Forbidden`` (403) before ``NotFoundError`` (404: a youth the user may not see answers exactly
like a youth that does not exist).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Executable, and_, bindparam, exists, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from .auth import read_claims
from .models import PoolVersion, Role, TeamRecord, User, YouthRecord
from .settings import get_settings
from .usecases.audit import submit_read
from .usecases.errors import Forbidden, NotFoundError, Unauthenticated

ALL = frozenset(r.value for r in Role)
ADMINS = frozenset({Role.ADMIN.value})
ALLOCATORS = frozenset({Role.ADMIN.value, Role.ALLOCATOR.value})
PLANNERS = frozenset({Role.ADMIN.value, Role.PLANNER.value})
PERSON_READERS = frozenset({Role.ADMIN.value, Role.ALLOCATOR.value, Role.CASEWORKER.value})
AGGREGATE_READERS = frozenset({Role.ADMIN.value, Role.ALLOCATOR.value, Role.PLANNER.value})


@dataclass(frozen=True, slots=True)
class Principal:
    """The requesting user as the checks need them (no password hash)."""

    username: str
    role: str
    teams: tuple[str, ...]


def _claims(token: str) -> tuple[str | None, int]:
    claims = read_claims(token, get_settings().secret_key)
    return claims if claims else (None, 0)


def _principal(username: str | None, issued: int, row: Any, roles: Collection[str]) -> Principal:
    """Unauthenticated unless an active user whose token was issued after their last logout;
    Forbidden unless in ``roles``."""
    if username is None or row is None or not row.active or issued < row.sessions_valid_from:
        raise Unauthenticated
    if row.role not in roles:
        raise Forbidden
    return Principal(username, row.role, tuple(row.teams or ()))


_USER = core_select(
    col(User.role), col(User.teams), col(User.active), col(User.sessions_valid_from)
).where(col(User.username) == bindparam("username"))


def authorize(db: Connection | Session, token: str, roles: Collection[str] = ALL) -> Principal:
    """The token's user if active and in ``roles``."""
    username, issued = _claims(token)
    row = db.execute(_USER, {"username": username}).first() if username else None
    return _principal(username, issued, row, roles)


SHARED_BY_DEFAULT = "ACT"  # support.shared_caseload's default (case-format.md)


def shares_caseload(method: str | None, shared: bool | None) -> bool:
    """Whether a team's workers share one caseload (its ``shared_caseload``, else ACT's)."""
    return shared if shared is not None else method == SHARED_BY_DEFAULT


def may_see(
    user: Principal,
    support_team: str | None,
    case_worker: str | None = None,
    team_method: str | None = None,
    team_shared: bool | None = None,
) -> bool:
    """Whether ``user`` may see a youth of ``support_team`` whose responsible worker is
    ``case_worker`` (the module docstring's rule); non-case-workers who read persons see all."""
    if user.role != Role.CASEWORKER.value:
        return True
    if support_team not in set(user.teams):
        return False
    return case_worker in (None, "", user.username) or shares_caseload(team_method, team_shared)


def visible_teams(user: Principal) -> tuple[str, ...] | None:
    """The teams whose youths ``user``'s lists may offer as a filter (``None``: every team);
    which of those youths a case worker sees is :func:`visible_youths`."""
    return user.teams if user.role == Role.CASEWORKER.value else None


def visible_youths(user: Principal) -> ColumnElement[bool] | None:
    """The youths ``user`` may list, as a condition on ``youth`` (``None``: every youth)."""
    if user.role != Role.CASEWORKER.value:
        return None
    team = col(TeamRecord.team) == col(YouthRecord.support_team)
    shared = or_(
        col(TeamRecord.shared_caseload).is_(True),
        and_(
            col(TeamRecord.shared_caseload).is_(None), col(TeamRecord.method) == SHARED_BY_DEFAULT
        ),
    )
    worker = col(YouthRecord.case_worker)
    return and_(
        col(YouthRecord.support_team).in_(user.teams or ("",)),
        or_(worker.is_(None), worker == "", worker == user.username,
            exists().where(team, shared)),
    )  # fmt: skip


# ----------------------------------------------------------------------------- person reads
# The queue and youth reads check the same things as ``authorize`` + ``may_see`` with plain
# column queries on one connection: the user, the youth and the pool version in one statement
# (one round trip to PostgreSQL).
YOUTH_COLUMNS = ("ref", "status", "support_method", "support_team", "referred_on", "urgent_by",
                 "withdrawn_reason", "missing_since")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PersonRead:
    user: Principal
    youth: dict[str, Any]  # YOUTH_COLUMNS
    pool_version: str  # '' before the first import


_USER_YOUTH: Executable = (
    core_select(
        col(User.role),
        col(User.teams),
        col(User.active),
        col(User.sessions_valid_from),
        *(col(getattr(YouthRecord, c)).label(f"y_{c}") for c in YOUTH_COLUMNS),
        col(YouthRecord.case_worker).label("y_case_worker"),
        col(TeamRecord.method).label("team_method"),
        col(TeamRecord.shared_caseload).label("team_shared"),
        core_select(col(PoolVersion.token))
        .where(col(PoolVersion.id) == 1)
        .scalar_subquery()
        .label("pool_version"),
    )
    .select_from(
        User.__table__.outerjoin(  # type: ignore[attr-defined]
            YouthRecord.__table__,  # type: ignore[attr-defined]
            col(YouthRecord.ref) == bindparam("ref"),
        ).outerjoin(
            TeamRecord.__table__,  # type: ignore[attr-defined]
            col(TeamRecord.team) == col(YouthRecord.support_team),
        )
    )
    .where(col(User.username) == bindparam("username"))
)


def person_read(
    db: Connection | Session, token: str, ref: str, roles: Collection[str] = PERSON_READERS
) -> PersonRead:
    """``authorize`` + the youth if the user may see them (401, 403, 404 in that order) and the
    pool version, in one query. A refused read of a youth who exists is audited (committed
    before the 404 is raised); the 404 is the same as for a youth who does not."""
    username, issued = _claims(token)
    # No ref holds a NUL character, and PostgreSQL refuses one in a text parameter: NULL
    # matches nothing (404 after the user checks, as for any unknown ref).
    params = {"username": username, "ref": None if "\x00" in ref else ref}
    row = db.execute(_USER_YOUTH, params).first() if username else None
    user = _principal(username, issued, row, roles)
    assert row is not None
    if row.y_ref is None:
        raise NotFoundError("Youth not found")
    if not may_see(user, row.y_support_team, row.y_case_worker, row.team_method, row.team_shared):
        submit_read(db.get_bind().engine if isinstance(db, Session) else db.engine,
                    user.username, "read.denied", "youth", ref).result()  # fmt: skip
        raise NotFoundError("Youth not found")
    youth = {c: getattr(row, f"y_{c}") for c in YOUTH_COLUMNS}
    return PersonRead(user, youth, row.pool_version or "")
