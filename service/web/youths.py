"""Youth pages: the list (a case worker's own teams only) and one youth's queue page.

Access and audit are the API's: ``service.api.queue_page`` checks the user and the youth
(another team's youth is a 404, the same as a youth that does not exist) and the read is
recorded with ``audit_read`` before the page is answered.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select as core_select
from sqlmodel import col

from ..api import queue_page
from ..audit import audit, audit_read
from ..db import get_engine, run_db
from ..deps import SessionDep
from ..models import Role, YouthRecord, YouthStatus
from ..poolcache import pool_version, queue_info
from . import texts
from .common import PersonReaderUser, context
from .render import dk_number, render
from .session import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Ref = Annotated[str, Path(min_length=1, max_length=64)]
MAX_LISTED = 2000

_COLUMNS = ("ref", "status", "support_method", "support_team", "referred_on", "urgent_by")


@router.get("/unge")
def youth_list(request: Request, session: SessionDep, user: PersonReaderUser) -> Response:
    """Allocators and admins see every youth; case workers only those of their own teams."""
    query = core_select(*(col(getattr(YouthRecord, c)) for c in _COLUMNS)).order_by(
        col(YouthRecord.ref)
    )
    if user.role == Role.CASEWORKER.value:
        query = query.where(col(YouthRecord.support_team).in_(user.teams or ("",)))
    rows = session.execute(query.limit(MAX_LISTED)).all()
    version = pool_version(session)
    youths: list[dict[str, Any]] = []
    for row in rows:
        info = queue_info(session, row.ref, version)
        waiting = row.status == YouthStatus.WAITING.value
        youths.append(
            {
                **row._mapping,
                "position": info.position if info and waiting else None,
                "eligible": info.eligible_dwellings if info else None,
                "blocks": list(info.blocks) if info else [],
            }
        )
    audit(session, user.username, "read.youths", "youth", "*", f"{len(rows)} listed")
    session.commit()
    return render(request, "youths/list.html", context(request, user, youths=youths))


@router.get("/unge/{ref}")
async def youth_page(request: Request, session: SessionDep, user: PersonReaderUser, ref: Ref):
    """Queue position, exclusions per rule, nearest miss, expected wait, proposals and offers.
    Another team's youth: 404, exactly as for a youth that does not exist."""
    username, page = await run_db(queue_page, user.token, ref)
    await audit_read(get_engine(), username, "read.queue", "youth", ref)
    wait = page.expected_wait
    quantiles = wait.quantiles or {}
    return render(
        request,
        "youths/detail.html",
        context(
            request,
            user,
            q=page,
            wait=wait,
            median=quantiles.get("0.5"),
            q25=quantiles.get("0.25"),
            q75=quantiles.get("0.75"),
            q90=quantiles.get("0.9"),
            exclusions=sorted(page.excluded_by_rule.items(), key=lambda kv: -kv[1]),
            nearest_miss=danish_nearest_miss(page.nearest_miss),
            what_would_help=danish_what_would_help(page.what_would_help),
        ),
    )


# ----------------------------------------------------------------------------- Danish sentences
_MISS = re.compile(r"^(?P<ref>\S+) \((?P<cost>[\d,]+) kr\) fails: (?P<rules>.+)$")


def danish_nearest_miss(text: str | None) -> dict[str, Any] | None:
    """``solver.engine.queue``'s "B00003 (3,120 kr) fails: pet_not_allowed, …" in Danish parts."""
    if not text:
        return None
    m = _MISS.match(text)
    if m is None:
        return {"text": text}
    cost = int(m["cost"].replace(",", ""))
    rules = [texts.label(texts.REASONS, r.strip()) for r in m["rules"].split(",")]
    return {"ref": m["ref"], "cost": dk_number(cost), "rules": rules}


def _int(text: str) -> int:
    return int(text.replace(",", ""))


_PETS = {"a cat": "en kat", "a small dog": "en lille hund", "a large dog": "en stor hund"}


def danish_what_would_help(text: str | None) -> str | None:
    """``solver.engine.queue``'s "a dwelling at ≤ 3,000 kr that allows a large dog …" in Danish."""
    if not text:
        return None
    rest = text.removeprefix("a dwelling")
    parts = ["En bolig"]
    patterns = [
        (r"^ at ≤ ([\d,]+) kr", lambda m: f"til højst {dk_number(_int(m[1]))} kr"),
        (r"^ that allows (a cat|a small dog|a large dog)", lambda m: f"hvor {_PETS[m[1]]} må bo"),
        (r"^ with (\d+) rooms", lambda m: f"med {m[1]} værelser"),
        (r"^ that is accessible", lambda m: "som er tilgængelig"),
    ]
    while rest:
        for pattern, words in patterns:
            m = re.match(pattern, rest)
            if m:
                parts.append(words(m))
                rest = rest[m.end() :]
                break
        else:
            return text  # a sentence this page does not know: shown as the service wrote it
    return " ".join(parts)
