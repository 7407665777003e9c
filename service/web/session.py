"""Cookie sessions, CSRF tokens and the page route class that turns errors into Danish pages.

The session cookie holds the service's own bearer token (``service.auth.issue_token``), so a
page request is authorised by exactly the code the API uses (``service.deps.authorize``): the
user row is read on every request, and deactivating a user or changing their role takes effect
at once. The cookie is HttpOnly and SameSite=Lax (Secure when the request came over HTTPS).

CSRF: every POST form carries a hidden ``csrf_token``. Signed in, it is an HMAC of the session
token under the secret key (bound to the session, nothing stored). The login form, before any
session exists, uses a double-submit cookie: a random value in a cookie and the same value in
the form.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError
from sqlmodel import Session

from solver.i18n.render import has, text

from ..authz import ALL, Principal, authorize
from ..settings import get_settings
from ..usecases.errors import (
    ConflictError,
    Forbidden,
    InvalidRequest,
    NotFoundError,
    Unauthenticated,
)

log = logging.getLogger(__name__)

SESSION_COOKIE = "boligmatch_session"
LOGIN_CSRF_COOKIE = "boligmatch_login_csrf"
ALL_ROLES = ALL


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login form."""


class PageError(Exception):
    """An error page with a status code and a Danish message."""

    def __init__(self, status_code: int, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.title = title


@dataclass(frozen=True, slots=True)
class PageUser:
    """The signed-in user of a page request."""

    username: str
    role: str
    teams: tuple[str, ...]
    token: str
    csrf: str

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role, self.teams)


def csrf_for(token: str) -> str:
    """The CSRF token bound to a session token."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"csrf|" + token.encode(), hashlib.sha256).hexdigest()


# A message a page shows after a redirect (``?besked=`` or ``?fejl=``) travels in the URL, signed
# under the secret key: a link made elsewhere cannot put its own words on the service's pages.
NOTICE_MAX = 300


def _notice_sign(key: str, message: str) -> str:
    secret = get_settings().secret_key.encode()
    mac = hmac.new(secret, f"notice|{key}|{message}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def notice_query(message: str, *, error: bool = False) -> str:
    """The query string carrying ``message`` to the page redirected to (without the ``?``)."""
    key = "fejl" if error else "besked"
    message = message[:NOTICE_MAX]
    return f"{key}={quote(message)}&tegn={_notice_sign(key, message)}"


def notice(request: Request, key: str = "besked") -> str:
    """The signed message under ``key`` in the request's URL; "" when absent or not signed by us."""
    message = request.query_params.get(key, "")[:NOTICE_MAX]
    signature = request.query_params.get("tegn", "")
    if not message or not hmac.compare_digest(signature, _notice_sign(key, message)):
        return ""
    return message


def page_user(request: Request, session: Session, roles: frozenset[str] = ALL_ROLES) -> PageUser:
    """The session's user if active and in ``roles``; LoginRequired / PageError(403) otherwise."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise LoginRequired
    try:
        principal = authorize(session, token, roles)
    except Unauthenticated:
        raise LoginRequired from None
    except Forbidden:
        message = "Din rolle giver ikke adgang til denne side."
        raise PageError(403, message, "Ingen adgang") from None
    return PageUser(principal.username, principal.role, principal.teams, token, csrf_for(token))


def check_csrf(user: PageUser, submitted: str) -> None:
    """A POST form's token must match the session's (403 otherwise)."""
    if not submitted or not hmac.compare_digest(submitted, user.csrf):
        raise PageError(
            403,
            "Sikkerhedstjekket af formularen mislykkedes. Genindlæs siden og prøv igen.",
            "Formularen kunne ikke godkendes",
        )


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def check_login_csrf(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(cookie and submitted and hmac.compare_digest(cookie, submitted))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=get_settings().token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return "/"
    return target


# Security headers on every page: no framing, scripts and styles from this origin only.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    url = "/login" if request.method != "GET" or target == "/" else f"/login?next={quote(target)}"
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


_HTTP_MESSAGES = {
    404: ("Ikke fundet", "Siden eller oplysningen findes ikke, eller du har ikke adgang til den."),
    403: ("Ingen adgang", "Din rolle giver ikke adgang til denne side."),
    409: ("Kan ikke udføres", "Handlingen passer ikke til den nuværende tilstand."),
}


class PageRoute(APIRoute):
    """A page route: login redirects, Danish error pages (never a 500 for bad input: a value the
    database refuses, such as a NUL character on PostgreSQL, is a 400 page too), security and
    no-store headers on every answer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except LoginRequired:
                response = _login_redirect(request)
            except PageError as exc:
                response = _error(request, exc.status_code, exc.message, exc.title)
            except RequestValidationError as exc:
                response = _error(request, 400, invalid_values(exc), "Ugyldige værdier")
            except HTTPException as exc:
                if exc.status_code == 401:
                    response = _login_redirect(request)
                else:
                    title, message = _HTTP_MESSAGES.get(
                        exc.status_code, ("Fejl", "Forespørgslen kunne ikke udføres.")
                    )
                    response = _error(request, exc.status_code, message, title)
            except Unauthenticated:
                response = _login_redirect(request)
            except Forbidden:
                title, message = _HTTP_MESSAGES[403]
                response = _error(request, 403, message, title)
            except NotFoundError:
                title, message = _HTTP_MESSAGES[404]
                response = _error(request, 404, message, title)
            except InvalidRequest as exc:
                response = _error(request, 400, " ".join(exc.texts("da")), "Ugyldige værdier")
            except ConflictError:
                title, message = _HTTP_MESSAGES[409]
                response = _error(request, 409, message, title)
            except DataError as exc:
                response = _unstorable(request, exc, self.path)
            for name, value in PAGE_HEADERS.items():
                response.headers.setdefault(name, value)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return handler


def _unstorable(request: Request, exc: DataError, route: str) -> Response:
    """A value the database refuses (a NUL character, which PostgreSQL cannot hold in text, in a
    search field or a form): the request's fault, so a Danish 400 page, not a 500. The session
    has rolled the transaction back; the log names the error's type and the route's template
    only, never the values (they may be personal data), the URL or the statement."""
    log.warning(
        "page request value refused by the database",
        extra={"error": type(exc.orig).__name__, "route": route},
    )
    code = "nul_character" if "NUL" in str(exc.orig) else "value_unstorable"
    return _error(request, 400, text(f"page.{code}", "da"), text("page.invalid_title", "da"))


def invalid_values(exc: RequestValidationError) -> str:
    """What a form's values broke, field by field in Danish ("Adgangskode: højst 128 tegn."),
    instead of "some values are invalid": the limits are checked before the page's own code
    runs, so the page cannot say it under the field. A field the catalogue has no word for is
    "Et felt"; the value itself is never repeated."""
    parts = []
    for error in exc.errors():
        name = str(error.get("loc", ("",))[-1])
        field = text(f"form_field.{name}", "da") if has(f"form_field.{name}") else "Et felt"
        kind, ctx = str(error.get("type", "")), dict(error.get("ctx") or {})
        key = f"form_error.{kind}" if has(f"form_error.{kind}") else "form_error.other"
        params = {k: ctx[k] for k in ("max_length", "min_length", "ge", "le") if k in ctx}
        parts.append(f"{field}: {text(key, 'da', **params)}.")
    return text("form_error.intro", "da") + " " + " ".join(dict.fromkeys(parts))


def _error(request: Request, status_code: int, message: str, title: str | None) -> Response:
    from .render import error_page

    return error_page(request, status_code, message, title)
