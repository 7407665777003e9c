"""Login, logout, the role-aware start page, and the admin pages (users, audit log)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from solver.i18n.render import text

from ..models import LOCAL, USERNAME_PATTERN, Role
from ..usecases import admin_lists, users
from ..usecases.audit import distinct_values
from ..usecases.errors import (
    ConflictError,
    InvalidRequest,
    NotFoundError,
    TooManyAttempts,
    Unauthenticated,
)
from ..usecases.gdpr import TOMBSTONE_PREFIX, erase_youth, export_youth
from ..usecases.overview import start_facts
from ..usecases.texts import free_text_problems
from . import texts
from .audit_text import audit_detail, audit_ref
from .common import AdminUser, AnyUser, SessionDep, context
from .lists import DatedView, ListView, list_request
from .render import render
from .session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    PageError,
    PageRoute,
    check_csrf,
    check_login_csrf,
    new_login_csrf,
    safe_next,
    set_session_cookie,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ----------------------------------------------------------------------------- login, logout
def _login_form(
    request: Request, next_url: str, error: str | None = None, username: str = "", status: int = 200
) -> Response:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        {"csrf": token, "next": next_url, "error": error, "username": username},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/login",
    )
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return _login_form(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = safe_next(next)
    if not check_login_csrf(request, csrf_token):
        return _login_form(
            request,
            target,
            "Formularen var udløbet. Prøv at logge ind igen.",
            username,
            status=403,
        )
    address = request.client.host if request.client else ""
    try:
        token = users.log_in(session, username, password, address)
    except Unauthenticated:
        return _login_form(
            request, target, "Forkert brugernavn eller adgangskode.", username, status=400
        )
    except TooManyAttempts as exc:
        message = text("limit.login_locked", "da", seconds=exc.retry_after)
        response = _login_form(request, target, message, username, status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    user: AnyUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Log out: the cookie goes, and the token in it (and any other of this user's) ends."""
    check_csrf(user, csrf_token)
    users.log_out(session, user.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ----------------------------------------------------------------------------- start page
@router.get("/")
def start(request: Request, session: SessionDep, user: AnyUser) -> Response:
    facts = start_facts(session, user.principal)
    return render(request, "start.html", context(request, user, **facts))


# ----------------------------------------------------------------------------- admin: users
_USERNAME = re.compile(USERNAME_PATTERN)
USER_FILTERS = {"rolle": "role"}


def _users_page(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    *,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
    created: str | None = None,
    done: str | None = None,
    changed: str = "",
    change_errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    page = admin_lists.user_page(session, list_request(request, USER_FILTERS))
    view = ListView(page, "/admin/brugere", USER_FILTERS, ("bruger", "brugere"), "username")
    return render(
        request,
        "admin/users.html",
        context(
            request,
            user,
            view=view,
            roles=list(Role),
            roles_words=[(r.value, texts.label(texts.ROLES, r.value)) for r in Role],
            errors=errors or [],
            form=form or {},
            created=created,
            done=done,
            changed=changed,
            change_errors=change_errors or [],
        ),
        status_code=status,
    )


@router.get("/admin/brugere")
def users_page(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    oprettet: Annotated[str | None, Query(max_length=64)] = None,
    udfoert: Annotated[str, Query(max_length=20)] = "",
    bruger: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    created = oprettet if oprettet and _USERNAME.match(oprettet) else None
    done = None
    if udfoert in _CHANGES and _USERNAME.match(bruger):
        done = text(f"user_done.{udfoert}", "da", username=bruger)
    return _users_page(request, session, user, created=created, done=done)


_CHANGES = ("deaktiver", "aktiver", "rolle", "adgangskode")


@router.post("/admin/brugere/{username}")
def change_user(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    username: Annotated[str, Path(pattern=USERNAME_PATTERN)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    handling: Annotated[str, Form(max_length=20)] = "",
    role: Annotated[str, Form(max_length=100)] = "",
    teams: Annotated[str, Form(max_length=2000)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Deactivate or reactivate a user, change their role and teams, or reset their password."""
    check_csrf(user, csrf_token)
    try:
        if handling in ("deaktiver", "aktiver"):
            users.update_user(session, user.username, username, active=handling == "aktiver")
        elif handling == "rolle":
            team_list = tuple(t.strip() for t in teams.split(",") if t.strip())
            users.update_user(session, user.username, username, role=role, teams=team_list)
        elif handling == "adgangskode":
            users.reset_password(session, user.username, username, password)
        else:
            raise PageError(400, text("user_done.unknown", "da"), "Ugyldige værdier")
    except NotFoundError:
        raise PageError(404, text("user_done.not_found", "da"), "Ikke fundet") from None
    except InvalidRequest as exc:
        session.rollback()
        return _users_page(request, session, user, changed=username,
                           change_errors=exc.texts("da"), status=400)  # fmt: skip
    return RedirectResponse(f"/admin/brugere?udfoert={handling}&bruger={username}", 303)


@router.post("/admin/brugere")
def create_user(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    username: Annotated[str, Form(max_length=1000)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=100)] = "",
    teams: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    username = username.strip()
    team_list = tuple(t.strip() for t in teams.split(",") if t.strip())
    try:
        new = users.NewUser(username, password, role, team_list)
        users.create_user(session, user.username, new)
    except InvalidRequest as exc:
        session.rollback()
        form = {"username": username, "role": role, "teams": teams}
        errors = exc.texts("da")
        return _users_page(request, session, user, errors=errors, form=form, status=400)
    return RedirectResponse(f"/admin/brugere?oprettet={username}", status_code=303)


# ----------------------------------------------------------------------------- admin: GDPR
@router.get("/admin/unge")
def gdpr_page(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    ref: Annotated[str, Query(max_length=64)] = "",
    slettet: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """Look a youth up for an access request or an erasure."""
    if ref.strip():
        return RedirectResponse(f"/admin/unge/{quote(ref.strip(), safe='')}", status_code=303)
    erased = None
    if slettet.startswith(TOMBSTONE_PREFIX) and _USERNAME.match(slettet):
        erased = text("gdpr.erased", "da", tombstone=slettet)
    return render(request, "admin/youths.html",
                  context(request, user, ref="", erased=erased, error=None))  # fmt: skip


def _export_page(
    request: Request, session: SessionDep, user: AdminUser, ref: str, **extra: object
) -> Response:
    try:
        data = export_youth(session, user.username, ref)
    except NotFoundError:
        return render(request, "admin/youths.html",
                      context(request, user, ref=ref, erased=None,
                              error=text("gdpr.not_found", "da")), status_code=404)  # fmt: skip
    status = int(extra.pop("status", 200))  # type: ignore[call-overload]
    return render(request, "admin/youth_export.html",
                  context(request, user, export=data, standalone=False, **extra),
                  status_code=status)  # fmt: skip


@router.get("/admin/unge/{ref}")
def youth_export_page(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    ref: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    """Everything stored about one youth, readable (audited as an export)."""
    return _export_page(request, session, user, ref)


@router.post("/admin/unge/{ref}/slet")
def youth_erase(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    ref: Annotated[str, Path(min_length=1, max_length=64)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    confirm: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Erase the youth's personal data everywhere, once the admin typed the reference."""
    check_csrf(user, csrf_token)
    error, kept = None, ""
    if confirm.strip() != ref:  # the reason comes back (screened: no CPR number is repeated)
        error = text("gdpr.confirm_mismatch", "da")
        kept = reason if not free_text_problems(reason=reason) else ""
    elif not 1 <= len(reason.strip()) <= 500:
        error = text("gdpr.reason_required", "da")
    if error is None:
        try:
            erasure = erase_youth(session, user.username, ref, reason.strip())
        except NotFoundError:
            raise PageError(404, text("gdpr.not_found", "da"), "Ikke fundet") from None
        except ConflictError:
            session.rollback()
            error = text("gdpr.open_offer", "da")
        except InvalidRequest as exc:  # the reason (a CPR number, a NUL character)
            session.rollback()
            error = " ".join(exc.texts("da"))
        else:
            return RedirectResponse(f"/admin/unge?slettet={erasure.tombstone}", status_code=303)
    return _export_page(request, session, user, ref, erase_error=error, erase_reason=kept,
                        status=400)  # fmt: skip


# ----------------------------------------------------------------------------- admin: audit log
AUDIT_FILTERS = {"bruger": "actor", "handling": "action", "objekt": "object_ref"}


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@router.get("/admin/log")
def audit_page(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    fra: Annotated[str, Query(max_length=20)] = "",
    til: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The audit log, searched, filtered (user, action, object, a range of Danish days),
    sorted and paginated on the server."""
    errors = []
    start_day, end_day = _parse_day(fra), _parse_day(til)
    if fra and start_day is None:
        errors.append("Fra-datoen er ikke en gyldig dato.")
    if til and end_day is None:
        errors.append("Til-datoen er ikke en gyldig dato.")
    if start_day and end_day and end_day < start_day:
        errors.append("Til-datoen ligger før fra-datoen.")
    since = until = None
    if start_day:  # days are Danish days; the log stores UTC
        since = datetime.combine(start_day, time.min, tzinfo=LOCAL).astimezone(UTC)
    if end_day:
        until = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=LOCAL)
        until = until.astimezone(UTC)
    wanted = list_request(request, AUDIT_FILTERS)
    if errors:  # nothing matches a range that cannot be read
        since, until = datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)
    page = admin_lists.audit_page(session, wanted, since, until)
    dates = {"fra": fra, "til": til}
    view = DatedView(page, "/admin/log", AUDIT_FILTERS, ("hændelse", "hændelser"), "at", dates)
    actors, actions = distinct_values(session)
    return render(
        request,
        "admin/audit.html",
        context(
            request,
            user,
            view=view,
            actors=[(a, a) for a in actors],
            actions=[(a, texts.label(texts.AUDIT_ACTIONS, a)) for a in actions],
            dates=dates,
            errors=errors,
            detail=audit_detail,
            ref=audit_ref,
        ),
        status_code=400 if errors else 200,
    )
