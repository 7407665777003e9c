"""Users: sign in, sign out, create and list. Passwords are argon2 hashes (``service.auth``);
a user is known by name, role and (case workers) teams. Every change is audited.

Validation is the same for the API, the pages and the CLI; each problem is a
:class:`~service.usecases.errors.Problem` whose message the edge renders in its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..auth import hash_password, issue_token, now_ms, verify_password
from ..models import TEAM_PATTERN, USERNAME_PATTERN, Role, User
from ..settings import get_settings
from .audit import audit
from .errors import InvalidRequest, Problem, Unauthenticated

_USERNAME = re.compile(USERNAME_PATTERN)
_TEAM = re.compile(TEAM_PATTERN)
MIN_PASSWORD, MAX_PASSWORD = 8, 256


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    role: str
    teams: tuple[str, ...] = ()


def check_new_user(session: Session, new: NewUser) -> list[Problem]:
    """Every problem with a new user (empty when it can be created)."""
    problems = []
    if not _USERNAME.match(new.username):
        problems.append(Problem("username", "username_invalid", {"username": new.username}))
    elif session.exec(select(User).where(User.username == new.username)).first():
        problems.append(Problem("username", "username_taken", {"username": new.username}))
    if not MIN_PASSWORD <= len(new.password) <= MAX_PASSWORD:
        problems.append(Problem("password", "password_length",
                                {"min": MIN_PASSWORD, "max": MAX_PASSWORD}))  # fmt: skip
    if new.role not in {r.value for r in Role}:
        problems.append(Problem("role", "role_invalid", {"role": new.role}))
    if any(not _TEAM.match(t) for t in new.teams):
        problems.append(Problem("teams", "team_invalid"))
    if new.role == Role.CASEWORKER.value and not new.teams:
        problems.append(Problem("teams", "caseworker_needs_team"))
    return problems


def create_user(session: Session, actor: str, new: NewUser) -> User:
    """Create a user (audited, committed); InvalidRequest listing every problem otherwise."""
    problems = check_new_user(session, new)
    if problems:
        raise InvalidRequest(problems)
    user = User(username=new.username, role=new.role, password_hash=hash_password(new.password),
                teams=list(new.teams))  # fmt: skip
    session.add(user)
    audit(session, actor, "user.create", "user", new.username, new.role)
    session.commit()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def log_in(session: Session, username: str, password: str) -> str:
    """A new token for an active user with this password; Unauthenticated otherwise."""
    user = session.exec(select(User).where(User.username == username)).first() if username else None
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise Unauthenticated
    settings = get_settings()
    return issue_token(user.username, settings.secret_key, settings.token_minutes)


def log_out(session: Session, username: str) -> None:
    """Every token issued to ``username`` until now stops working (all devices); audited and
    committed."""
    statement = update(User).where(col(User.username) == username)
    session.execute(statement.values(sessions_valid_from=now_ms() + 1))
    audit(session, username, "logout", "user", username)
    session.commit()
