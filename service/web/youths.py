"""Youth pages: the list (a case worker's own teams only) and one youth's queue page.

Access and audit are the use cases': ``usecases.queue.queue_page`` checks the user and the
youth (another team's youth is a 404, the same as a youth that does not exist) and the read is
recorded with ``audit_read`` before the page is answered. Sentences are rendered in Danish from
the queue's data (``solver.i18n``).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from sqlmodel import select

from solver.caseio.write import csv_text
from solver.i18n.render import label

from ..db import get_engine, run_db
from ..models import WithdrawReason, YouthRecord
from ..usecases.audit import audit_read
from ..usecases.queue import queue_page
from ..usecases.youth_list import team_choices
from ..usecases.youth_list import youth_page as youth_list_page
from ..usecases.youth_view import eligible_dwellings, run_weeks, wait_state
from .common import PersonReaderUser, SessionDep, context
from .lists import ListView, list_request
from .render import render
from .session import PageRoute, notice

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Ref = Annotated[str, Path(min_length=1, max_length=64)]

# The youth list's filters: URL name -> the use case's filter key.
YOUTH_FILTERS = {
    "status": "status",
    "situation": "situation",
    "stoette": "support",
    "team": "team",
    "akut": "urgent",
}


def _urgent_by(standing: list[Any]) -> Any:
    """The urgent-by date of an urgent youth (its priority standing), else None."""
    return next((s.params["by"] for s in standing
                 if s.criterion == "urgency" and s.params.get("urgent")), None)  # fmt: skip


@router.get("/unge")
def youth_list(request: Request, session: SessionDep, user: PersonReaderUser) -> Response:
    """Allocators and admins see every youth; case workers only those of their own teams.
    Searched, filtered, sorted and paginated on the server (``usecases.youth_list``)."""
    page = youth_list_page(session, user.principal, list_request(request, YOUTH_FILTERS))
    view = ListView(page, "/unge", YOUTH_FILTERS, ("ung", "unge"), default_sort="ref")
    teams = [(t, t) for t in team_choices(session, user.principal)]
    return render(request, "youths/list.html", context(request, user, view=view, teams=teams))


YOUTH_EXPORT = ("ref", "status", "situation", "support_method", "support_team", "case_worker",
                "referred_on", "weeks_waited", "urgent_by", "position", "eligible", "blocks",
                "minor")  # fmt: skip
_WORDS = {"status": "youth_status", "situation": "situation", "support_method": "support_method",
          "blocks": "block"}  # fmt: skip


@router.get("/unge.csv")
def youth_csv(
    request: Request, session: SessionDep, user: PersonReaderUser, dialekt: str = ""
) -> Response:
    """Every youth the list matches (its search, filters and order) as a spreadsheet: for
    people in the Danish dialect with Danish headings and words (the default), or
    ``?dialekt=maskine`` with the codes. The same people as the list, audited the same way."""
    machine = dialekt == "maskine"
    page = youth_list_page(
        session, user.principal, list_request(request, YOUTH_FILTERS), everything=True
    )

    def value(row: dict[str, Any], column: str) -> Any:
        v = row.get(column)
        namespace = _WORDS.get(column)
        if machine or namespace is None:
            return v
        if isinstance(v, list):
            return [label(namespace, x, "da") for x in v]
        return label(namespace, v, "da")

    header = [c if machine else label("column_youths", c, "da") for c in YOUTH_EXPORT]
    rows = ([value(r, c) for c in YOUTH_EXPORT] for r in page.rows)
    name = "unge-maskine.csv" if machine else "unge.csv"
    return Response(
        csv_text(header, rows, danish=not machine),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/unge/{ref}")
async def youth_page(
    request: Request,
    session: SessionDep,
    user: PersonReaderUser,
    ref: Ref,
) -> Response:
    """Queue position, exclusions per rule, nearest miss, expected wait, proposals and offers.
    Another team's youth: 404, exactly as for a youth that does not exist."""
    page = await run_db(queue_page, user.token, ref)
    await audit_read(get_engine(), page.user.username, "read.queue", "youth", ref)
    eligible = await run_db(eligible_dwellings, user.token, ref)
    weeks = run_weeks(session, [p["run_id"] for p in page.proposals])
    info = page.info
    wait = page.expected_wait
    quantiles = wait.get("quantiles") or {}
    miss = info.nearest_miss if info else None
    need = info.what_would_help if info else None
    excluded = info.excluded_by_rule if info else {}
    allocator = user.role in ("admin", "allocator")
    case = None
    if allocator:  # the lifecycle section: withdrawn why, when, by whom; missing from an import
        case = session.exec(select(YouthRecord).where(YouthRecord.ref == ref)).first()
    return render(
        request,
        "youths/detail.html",
        context(
            request,
            user,
            q=page,
            # no place in a queue for no dwelling: a youth who fits none is not "number 1"
            position=info.position if info and page.waiting and info.eligible_dwellings else None,
            ahead=info.ahead if info and page.waiting else None,
            eligible=info.eligible_dwellings if info else 0,
            pool_size=info.pool_size if info else 0,
            blocks=list(info.blocks) if info else [],
            wait=wait,
            median=quantiles.get("0.5"),
            wait_head=_wait_head(wait),
            wait_interval=_wait_interval(wait),
            q25=quantiles.get("0.25"),
            q75=quantiles.get("0.75"),
            q90=quantiles.get("0.9"),
            exclusions=sorted(excluded.items(), key=lambda kv: -kv[1]),
            nearest_miss=miss,
            what_would_help=need.text("da") if need else None,
            standing=[s.text("da") for s in page.standing],
            urgent_by=_urgent_by(page.standing),
            this_week=eligible,
            run_weeks=weeks,
            allocator=allocator,
            case=case,
            withdraw_reasons=[r.value for r in WithdrawReason],
            note=notice(request),
            error=notice(request, "fejl"),
        ),
    )


@router.get("/unge/{ref}/ventetid")
async def wait_poll(request: Request, user: PersonReaderUser, ref: Ref) -> Response:
    """The expected wait's progress, polled by htmx while it is computed; once it is there
    (or cannot be), the page reloads itself (``HX-Refresh``) and shows it."""
    state = await run_db(wait_state, user.token, ref)
    headers = {}
    if state not in ("computing", "stale") and request.headers.get("HX-Request"):
        headers["HX-Refresh"] = "true"
    return render(request, "youths/_wait_poll.html", {"ref": ref, "state": state},
                  headers=headers)  # fmt: skip


def _half(wait: dict[str, Any]) -> int | None:
    half = wait.get("median_half_width")
    return None if half is None else math.ceil(half)


def _wait_head(wait: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The expected wait in one line: the median ± the half-width of its 95 % interval."""
    if wait.get("status") not in ("ready", "stale"):
        return None
    median = (wait.get("quantiles") or {}).get("0.5")
    weeks = wait.get("weeks")
    if median is None:
        return "queue.wait.beyond", {"weeks": weeks}
    half = _half(wait)
    if half is None or "median_interval" not in wait:
        return "queue.wait.median_open", {"median": median, "weeks": weeks}
    return "queue.wait.median", {"median": median, "half": half}


def _wait_interval(wait: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The median's 95 % interval as a sentence."""
    if wait.get("status") not in ("ready", "stale") or "median_interval" not in wait:
        return None  # (a result stored before intervals were computed has none)
    lo, hi = wait["median_interval"]
    weeks = wait.get("weeks")
    if lo is None:
        return "queue.wait.interval_none", {"weeks": weeks}
    if hi is None:
        return "queue.wait.interval_open", {"lo": lo, "weeks": weeks}
    return "queue.wait.interval", {"lo": lo, "hi": hi, "half": _half(wait)}
