"""What every page module shares: the router's route class, role dependencies, the context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session

from ..db import get_session
from ..models import Role
from ..usecases.errors import InvalidRequest
from .session import ALL_ROLES, PageUser, page_user

SessionDep = Annotated[Session, Depends(get_session)]


def requires(*roles: Role) -> Callable[[Request, Any], PageUser]:
    """A dependency: the signed-in user, who must have one of ``roles`` (all when none)."""
    allowed = frozenset(r.value for r in roles) if roles else ALL_ROLES

    def dependency(request: Request, session: SessionDep) -> PageUser:
        return page_user(request, session, allowed)

    return dependency


AnyUser = Annotated[PageUser, Depends(requires())]
AllocatorUser = Annotated[PageUser, Depends(requires(Role.ADMIN, Role.ALLOCATOR))]
PersonReaderUser = Annotated[
    PageUser, Depends(requires(Role.ADMIN, Role.ALLOCATOR, Role.CASEWORKER))
]
AggregateUser = Annotated[PageUser, Depends(requires(Role.ADMIN, Role.ALLOCATOR, Role.PLANNER))]
PlannerUser = Annotated[PageUser, Depends(requires(Role.ADMIN, Role.PLANNER))]
AdminUser = Annotated[PageUser, Depends(requires(Role.ADMIN))]

# The navigation: (path, Danish label, roles that see it).
NAV: list[tuple[str, str, frozenset[str]]] = [
    ("/", "Forside", ALL_ROLES),
    ("/anvisning", "Anvisning", frozenset({"admin", "allocator"})),
    ("/anvisning/tilbud", "Tilbud", frozenset({"admin", "allocator"})),
    ("/kapacitet", "Kvoter og teams", frozenset({"admin", "allocator", "planner"})),
    ("/kvoterapport", "Kvoterapport", frozenset({"admin", "allocator", "planner"})),
    ("/unge", "Unge", frozenset({"admin", "allocator", "caseworker"})),
    ("/planlaegning", "Planlægning", frozenset({"admin", "planner"})),
    ("/admin/brugere", "Brugere", frozenset({"admin"})),
    ("/admin/log", "Revisionslog", frozenset({"admin"})),
    ("/admin/unge", "Indsigt og sletning", frozenset({"admin"})),
]


def nav_for(user: PageUser) -> list[tuple[str, str]]:
    items = [(path, text) for path, text, roles in NAV if user.role in roles]
    if user.role == "caseworker":
        items = [(p, "Mine unge" if p == "/unge" else t) for p, t in items]
    return items


def context(request: Request, user: PageUser, **values: Any) -> dict[str, Any]:
    """The template context of a signed-in page."""
    path = request.url.path
    nav = nav_for(user)
    # The current section: the longest nav path that prefixes this page's path.
    current = max(
        (p for p, _ in nav if p == path or (p != "/" and path.startswith(p + "/"))),
        key=len,
        default="/" if path == "/" else "",
    )
    return {"user": user, "nav": nav, "current": current, "csrf": user.csrf, **values}


def field_errors(exc: InvalidRequest) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """A refused form's problems in Danish: by field (shown at each field), and every one as
    (field, text) in order for the summary above the form (a ready-made line has no field)."""
    by_field: dict[str, list[str]] = {}
    every: list[tuple[str, str]] = []
    for item in exc.items:
        if isinstance(item, str):
            every.append(("", item))
            continue
        message = item.text("da")
        by_field.setdefault(item.field, []).append(message)
        every.append((item.field, message))
    return by_field, every
