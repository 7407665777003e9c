"""Users: sign in (throttled, audited), sign out, create, list, and the admin's changes:
deactivate and reactivate, reset a password, change a role or teams. Every change is audited.

Validation is the same for the API, the pages and the CLI; each problem is a
:class:`~service.usecases.errors.Problem` whose message the edge renders in its language.

**Passwords** (NIST SP 800-63B's advice: length and a blocklist, no composition rules): 12 to 256
characters, not in zxcvbn's list of the 30,000 most common passwords, and not easily guessed
from words, names, keyboard rows, dates or the user name (zxcvbn's estimate: at least 10^6
guesses, its score 2). Stored as argon2 hashes (``service.auth``).

**Sign-in throttling.** Failures are counted per account (the typed name, known or not) and
per client address, in a window of ``BOLIGMATCH_LOGIN_WINDOW_MINUTES``. Past the free failures
(5 per account, 20 per address), each further failure locks that key for a delay that doubles
from ``LOGIN_DELAY_SECONDS`` up to ``LOGIN_MAX_DELAY_SECONDS``; while locked, every attempt is
refused with :class:`TooManyAttempts` (429 and ``Retry-After``), the right password included, so
guessing gains nothing. A success clears the account's count (not the address's: an attacker's
own account must not reset it). Counts live in the database, shared by every server process;
their keys are SHA-256 hashes, never the typed name (people type passwords into it).

An unknown name costs what a known one costs: the password is checked against a stored-format
dummy hash, and the same failure is counted, audited and answered.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from solver.caseio.privacy import has_cpr

from ..auth import hash_password, issue_token, now_ms, verify_password
from ..models import TEAM_PATTERN, USERNAME_PATTERN, LoginThrottle, Role, TeamRecord, User, now
from ..settings import get_settings
from .audit import audit
from .errors import InvalidRequest, NotFoundError, Problem, TooManyAttempts, Unauthenticated

_USERNAME = re.compile(USERNAME_PATTERN)
_TEAM = re.compile(TEAM_PATTERN)
MIN_PASSWORD, MAX_PASSWORD = 12, 256
MIN_GUESS_SCORE = 2  # zxcvbn: 2 = "somewhat guessable", at least 10^6 guesses
ZXCVBN_MAX = 72  # the longest password zxcvbn judges
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
_DUMMY_HASH = hash_password("unknown user: the same argon2 work as a known one")
UNKNOWN_ACTOR = "(unknown)"


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    role: str
    teams: tuple[str, ...] = ()


def check_password(password: str, username: str = "") -> list[Problem]:
    """The password policy's problems with ``password`` (empty when it is acceptable)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return [Problem("password", "password_length", {"min": MIN_PASSWORD, "max": MAX_PASSWORD})]
    # zxcvbn refuses more than 72 characters (and its cost grows with the length): it judges
    # the first 72; a longer password is no weaker than its first 72 characters.
    inputs = [username, *username.replace("-", ".").replace("_", ".").split(".")]
    if password.lower() in _COMMON or (
        zxcvbn(password[:ZXCVBN_MAX], user_inputs=[i for i in inputs if i])["score"]
        < MIN_GUESS_SCORE
    ):
        return [Problem("password", "password_common")]
    return []


def _role_problems(session: Session, role: str, teams: tuple[str, ...]) -> list[Problem]:
    """A role the service has; teams only for a case worker (who sees their teams' youths, and
    only those), at least one, each named as written and, once teams are imported, one of
    them (a misspelt team would show the case worker no youth at all)."""
    problems = []
    if role not in {r.value for r in Role}:
        problems.append(Problem("role", "role_invalid", {"role": role}))
    if any(not _TEAM.match(t) for t in teams):
        problems.append(Problem("teams", "team_invalid"))
    elif role == Role.CASEWORKER.value and teams:
        known = set(session.exec(select(TeamRecord.team)).all())
        unknown = sorted(set(teams) - known)
        if known and unknown:
            problems.append(Problem("teams", "team_unknown", {"teams": unknown}))
    if role == Role.CASEWORKER.value and not teams:
        problems.append(Problem("teams", "caseworker_needs_team"))
    if role != Role.CASEWORKER.value and teams:
        problems.append(Problem("teams", "teams_only_caseworker"))
    return problems


def check_new_user(session: Session, new: NewUser) -> list[Problem]:
    """Every problem with a new user (empty when it can be created)."""
    problems = []
    if has_cpr(new.username):  # a user name is shown and logged: never a CPR number
        problems.append(Problem("username", "cpr_number"))
    elif not _USERNAME.match(new.username):
        problems.append(Problem("username", "username_invalid", {"username": new.username}))
    elif session.exec(select(User).where(User.username == new.username)).first():
        problems.append(Problem("username", "username_taken", {"username": new.username}))
    problems.extend(check_password(new.password, new.username))
    problems.extend(_role_problems(session, new.role, new.teams))
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


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFoundError("User not found")
    return user


# ----------------------------------------------------------------------------- admin changes
def _active_admins(session: Session) -> int:
    query = select(User).where(User.role == Role.ADMIN.value, col(User.active).is_(True))
    return len(session.exec(query).all())


def update_user(
    session: Session,
    actor: str,
    username: str,
    *,
    active: bool | None = None,
    role: str | None = None,
    teams: tuple[str, ...] | None = None,
) -> User:
    """Deactivate or reactivate a user, change their role or teams (each audited; committed).

    A deactivated user's tokens stop working at once (their row is read on every request);
    a reactivated user signs in again. The last active admin can be neither deactivated nor
    given another role (nobody could administer the service any more)."""
    user = get_user(session, username)
    new_role = role if role is not None else user.role
    new_teams = tuple(teams) if teams is not None else tuple(user.teams)
    changed = role is not None or teams is not None
    problems = _role_problems(session, new_role, new_teams) if changed else []
    stays_admin = new_role == Role.ADMIN.value and active is not False
    admin_leaves = user.role == Role.ADMIN.value and user.active and not stays_admin
    if admin_leaves and _active_admins(session) <= 1:
        problems.append(Problem("active" if active is False else "role", "last_admin"))
    if problems:
        raise InvalidRequest(problems)
    if active is not None and active != user.active:
        user.active = active
        user.sessions_valid_from = now_ms() + 1  # old tokens stay void after reactivation
        audit(session, actor, "user.activate" if active else "user.deactivate", "user", username)
    if new_role != user.role:
        audit(session, actor, "user.role", "user", username, f"{user.role} -> {new_role}")
        user.role = new_role
    if list(new_teams) != list(user.teams):
        audit(session, actor, "user.teams", "user", username, ", ".join(new_teams))
        user.teams = list(new_teams)
    session.add(user)
    session.commit()
    return user


def reset_password(session: Session, actor: str, username: str, password: str) -> None:
    """Give a user a new password (policy checked): their sessions end, their sign-in lock is
    lifted; audited and committed."""
    user = get_user(session, username)
    problems = check_password(password, username)
    if problems:
        raise InvalidRequest(problems)
    user.password_hash = hash_password(password)
    user.sessions_valid_from = now_ms() + 1
    session.add(user)
    throttle = session.get(LoginThrottle, _key("account", username))
    if throttle is not None:
        session.delete(throttle)
    audit(session, actor, "user.password", "user", username)
    session.commit()


# ----------------------------------------------------------------------------- sign in
def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value.lower()}".encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=now().tzinfo)


def _locked(session: Session, keys: list[str]) -> int:
    """Seconds until every one of ``keys`` is unlocked (0: none is locked)."""
    moment, wait = now(), 0.0
    for row in session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))).all():
        if row.locked_until is not None and _aware(row.locked_until) > moment:
            wait = max(wait, (_aware(row.locked_until) - moment).total_seconds())
    return math.ceil(wait)


def _count_failure(session: Session, key: str, free: int) -> bool:
    """Count a failure for ``key``; True when it locks the key."""
    s, moment = get_settings(), now()
    window = timedelta(minutes=s.login_window_minutes)
    row = session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_start=moment)
    elif moment - _aware(row.window_start) > window:
        row.failures, row.window_start = 0, moment
    row.failures += 1
    locks = row.failures > free
    if locks:
        delay = min(
            s.login_max_delay_seconds, s.login_delay_seconds * 2 ** (row.failures - free - 1)
        )
        row.locked_until = moment + timedelta(seconds=delay)
    session.add(row)
    return locks


def log_in(session: Session, username: str, password: str, address: str = "") -> str:
    """A new token for an active user with this password (audited ``login``).

    Raises :class:`TooManyAttempts` while the account or the address is locked, and
    :class:`Unauthenticated` for a wrong name or password or an inactive user (audited
    ``login.failed``; counted, see the module docstring)."""
    s = get_settings()
    account, client = _key("account", username), _key("address", address)
    wait = _locked(session, [account, client])
    if wait:
        raise TooManyAttempts(wait)
    user = session.exec(select(User).where(User.username == username)).first() if username else None
    valid = verify_password(password, user.password_hash if user is not None else _DUMMY_HASH)
    if user is None or not user.active or not valid:
        actor = user.username if user is not None else UNKNOWN_ACTOR
        for _ in range(2):  # two failures racing to create a key's row: the loser counts again
            locked = _count_failure(session, account, s.login_free_failures_account)
            locked |= _count_failure(session, client, s.login_free_failures_address)
            action = "login.locked" if locked else "login.failed"
            audit(session, actor, action, "user", actor, f"address {address}")
            try:
                session.commit()
                break
            except IntegrityError:
                session.rollback()
        raise Unauthenticated
    throttle = session.get(LoginThrottle, account)
    if throttle is not None:
        session.delete(throttle)
    audit(session, user.username, "login", "user", user.username, f"address {address}")
    session.commit()
    return issue_token(user.username, s.secret_key, s.token_minutes)


def log_out(session: Session, username: str) -> None:
    """Every token issued to ``username`` until now stops working (all devices); audited and
    committed."""
    statement = update(User).where(col(User.username) == username)
    session.execute(statement.values(sessions_valid_from=now_ms() + 1))
    audit(session, username, "logout", "user", username)
    session.commit()
