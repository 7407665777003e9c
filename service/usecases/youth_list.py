"""The youth list as pages (``/unge``): search, filters, sort, pagination and counts, with each
youth's place in the queue, and the same rows as a spreadsheet.

Who sees whom is the authorisation module's (``visible_youths``): a case worker's list, its
counts, its facets and its export hold their own teams' youths only. Every list read is
audited as ``read.youths`` (how many rows were shown) and committed before the answer.

Queue columns (position, eligible dwellings, blocks) come from the queue's pool
(``usecases.queue``) and are computed for every youth at once, once per pool version
(:func:`queue_columns`), so sorting 900 youths by position costs a dictionary look-up per row.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlmodel import Session, col

from solver.domain import Policy
from solver.engine.queue import QueueModel

from ..authz import Principal, visible_teams, visible_youths
from ..models import TeamRecord, WeekPolicy, YouthRecord, YouthStatus, local_today
from .audit import audit
from .listing import Filter, ListPage, ListRequest, ListSpec, fetch
from .queue import pool_version, queue_model

# What the list shows of a youth (birth_date only to flag a minor; never shown).
COLUMNS = ("ref", "status", "situation", "support_method", "support_team", "case_worker",
           "referred_on", "urgent_by", "birth_date")  # fmt: skip
SITUATIONS = ("street", "shelter", "couch", "eviction_risk", "unstable_home", "institution_exit")
METHODS = ("ICM", "CTI", "ACT", "none")
STATUSES = tuple(s.value for s in YouthStatus)
ADULT_AGE = 18


@dataclass(frozen=True)
class QueueColumns:
    """A youth's queue figures: ``position`` (None unless waiting), ``eligible`` dwellings of
    the pool, and ``blocks`` (capacity blocks not counted in the position)."""

    position: int | None
    eligible: int
    blocks: tuple[str, ...]


def compute_queue_columns(model: QueueModel) -> dict[str, QueueColumns]:
    """Every youth's :class:`QueueColumns`, equal to ``model.info(ref)``'s figures.

    ``ahead[i]`` counts the waiting youths ranked before ``i`` who are eligible for at least
    one dwelling ``i`` is eligible for; it is computed block by block of youths as a product of
    the youth × dwelling eligibility matrix with its transpose, so memory stays at
    ``block × youths``.
    """
    youths = model.case.youths
    n, m = len(youths), len(model.case.units)
    elig = model.elig
    matrix = np.zeros((n, m), dtype=np.float32)
    matrix[elig.youth_idx, elig.unit_idx] = 1.0
    competitor = model.waiting.astype(bool)
    ahead = np.zeros(n, dtype=np.int64)
    block = 512
    for start in range(0, n, block):
        stop = min(n, start + block)
        shares = (matrix[start:stop] @ matrix.T) > 0  # block × n: shares a dwelling
        earlier = model.rank[None, :] < model.rank[start:stop, None]
        ahead[start:stop] = (shares & earlier & competitor[None, :]).sum(axis=1)
    eligible = np.bincount(elig.youth_idx, minlength=n)
    out = {}
    for i, youth in enumerate(youths):
        blocks: list[str] = []
        if elig.youth_blocked[i]:
            blocks.append(str(elig.youth_blocked[i]))
        team = model.teams.get(youth.support_team or "")
        # A full team blocks a youth who waits (an offered youth's own offer holds their slot).
        if model.waiting[i] and team is not None and model.case.policy.free_slots(team) == 0:
            blocks.append("support_capacity")
        out[youth.ref] = QueueColumns(int(ahead[i]) + 1, int(eligible[i]), tuple(blocks))
    return out


_lock = threading.Lock()
_cache: dict[str, tuple[str, dict[str, QueueColumns]]] = {}


def queue_columns(session: Session) -> dict[str, QueueColumns]:
    """Every youth's queue figures in the current pool version (cached per version)."""
    version = pool_version(session)
    key = str(session.get_bind().engine.url)
    hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    model = queue_model(session, version)
    columns = compute_queue_columns(model) if model is not None else {}
    with _lock:
        _cache[key] = (version, columns)
    return columns


def _urgent_days(session: Session) -> int:
    """The latest week's ``urgent_within_days`` (the policy's default before any import)."""
    query = select(col(WeekPolicy.policy_toml)).order_by(col(WeekPolicy.week).desc()).limit(1)
    text = session.execute(query).scalar()
    days = tomllib.loads(text).get("urgent_within_days") if text else None
    return int(days) if isinstance(days, int) else Policy(run_date=local_today()).urgent_within_days


def team_choices(session: Session, user: Principal) -> tuple[str, ...]:
    """The teams the list can filter on: a case worker's own, everyone else's every team."""
    teams = visible_teams(user)
    if teams is None:
        query = select(col(TeamRecord.team)).order_by(col(TeamRecord.team))
        teams = tuple(session.execute(query).scalars().all())
    return tuple(t for t in teams if t)


def spec(session: Session, user: Principal, today: date) -> ListSpec:
    """The youth list's sorts, search and filters for ``user`` (a case worker's team filter
    offers their own teams only)."""
    teams = team_choices(session, user)
    urgent_limit = today + timedelta(days=_urgent_days(session))

    def urgent_within(_: str) -> Any:  # urgent as the run sees it: urgent_by within the window
        return col(YouthRecord.urgent_by) <= urgent_limit

    return ListSpec(
        sorts={
            "ref": col(YouthRecord.ref),
            "status": col(YouthRecord.status),
            "situation": col(YouthRecord.situation),
            "support": col(YouthRecord.support_method),
            "team": col(YouthRecord.support_team),
            "referred": col(YouthRecord.referred_on),
            "urgent": col(YouthRecord.urgent_by),
        },
        computed_sorts=frozenset({"position", "eligible"}),
        default_sort="ref",
        tiebreak=col(YouthRecord.ref),
        search=(col(YouthRecord.ref), col(YouthRecord.case_worker), col(YouthRecord.support_team)),
        filters={
            "status": Filter(col(YouthRecord.status), STATUSES, counted=True),
            "situation": Filter(col(YouthRecord.situation), SITUATIONS, counted=True),
            "support": Filter(col(YouthRecord.support_method), METHODS, counted=True),
            "team": Filter(col(YouthRecord.support_team), teams),
            "urgent": Filter(col(YouthRecord.urgent_by), ("yes",), where=urgent_within),
        },
    )


def _base(user: Principal) -> Any:
    query = select(*(col(getattr(YouthRecord, c)) for c in COLUMNS))
    visible = visible_youths(user)
    return query if visible is None else query.where(visible)


def _decorate(rows: Iterable[dict[str, Any]], queue: dict[str, QueueColumns], today: date) -> None:
    for row in rows:
        q = queue.get(row["ref"])
        waiting = row["status"] == YouthStatus.WAITING.value
        # a youth who fits no dwelling of the pool has no place in its queue (not "number 1")
        row["position"] = q.position if q is not None and waiting and q.eligible else None
        row["eligible"] = q.eligible if q is not None else None
        row["blocks"] = list(q.blocks) if q is not None else []
        row["weeks_waited"] = max(0, (today - row["referred_on"]).days // 7)
        born = row.pop("birth_date")
        row["minor"] = _age(born, today) < ADULT_AGE


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _queue_key(queue: dict[str, QueueColumns], sort: str) -> Any:
    """The key of a computed sort: the queue position (waiting youths only) or the number of
    eligible dwellings; None (last) for a youth outside the pool."""

    def key(row: dict[str, Any]) -> Any:
        q = queue.get(row["ref"])
        if q is None:
            return None
        if sort == "eligible":
            return q.eligible
        waiting = row["status"] == YouthStatus.WAITING.value
        return q.position if waiting and q.eligible else None  # as the row shows it

    return key


def youth_page(
    session: Session,
    user: Principal,
    request: ListRequest,
    today: date | None = None,
    *,
    everything: bool = False,
) -> ListPage:
    """One page of the youths ``user`` may see (``everything``: every matching youth, for a
    spreadsheet); audited (``read.youths``, how many were shown) and committed."""
    today = today or local_today()
    queue = queue_columns(session)
    key = _queue_key(queue, request.sort)
    page = fetch(session, _base(user), spec(session, user, today), request, computed=key,
                 everything=everything)  # fmt: skip
    _decorate(page.rows, queue, today)
    audit(session, user.username, "read.youths", "youth", "*", f"{len(page.rows)} listed")
    session.commit()
    return page
