"""Youth pages: the list (a case worker's own teams only) and one youth's queue page.

Access and audit are the use cases': ``usecases.queue.queue_page`` checks the user and the
youth (another team's youth is a 404, the same as a youth that does not exist) and the read is
recorded with ``audit_read`` before the page is answered. Sentences are rendered in Danish from
the queue's data (``solver.i18n``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from ..db import get_engine, run_db
from ..usecases.audit import audit_read
from ..usecases.queue import queue_page
from ..usecases.youths import MAX_LISTED, list_youths
from .common import PersonReaderUser, SessionDep, context
from .render import render
from .session import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Ref = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/unge")
def youth_list(request: Request, session: SessionDep, user: PersonReaderUser) -> Response:
    """Allocators and admins see every youth; case workers only those of their own teams."""
    youths = list_youths(session, user.principal, with_queue=True, limit=MAX_LISTED)
    return render(request, "youths/list.html", context(request, user, youths=youths))


@router.get("/unge/{ref}")
async def youth_page(
    request: Request, session: SessionDep, user: PersonReaderUser, ref: Ref
) -> Response:
    """Queue position, exclusions per rule, nearest miss, expected wait, proposals and offers.
    Another team's youth: 404, exactly as for a youth that does not exist."""
    page = await run_db(queue_page, user.token, ref)
    await audit_read(get_engine(), page.user.username, "read.queue", "youth", ref)
    info = page.info
    wait = page.expected_wait
    quantiles = wait.get("quantiles") or {}
    miss = info.nearest_miss if info else None
    need = info.what_would_help if info else None
    excluded = info.excluded_by_rule if info else {}
    return render(
        request,
        "youths/detail.html",
        context(
            request,
            user,
            q=page,
            position=info.position if info and page.waiting else None,
            ahead=info.ahead if info and page.waiting else None,
            eligible=info.eligible_dwellings if info else 0,
            pool_size=info.pool_size if info else 0,
            blocks=list(info.blocks) if info else [],
            wait=wait,
            median=quantiles.get("0.5"),
            q25=quantiles.get("0.25"),
            q75=quantiles.get("0.75"),
            q90=quantiles.get("0.9"),
            exclusions=sorted(excluded.items(), key=lambda kv: -kv[1]),
            nearest_miss=miss,
            what_would_help=need.text("da") if need else None,
            standing=[s.text("da") for s in page.standing],
        ),
    )
