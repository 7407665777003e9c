"""What the youth page shows beyond the queue (``usecases.queue``): this week's dwellings the
youth is eligible for, the weeks of the runs in the youth's history, and whether the expected
wait is still being computed (the page's poll).

Every function checks the reader first (``authz.person_read``: 401, 403, then 404 for a youth
the user may not see, exactly as for one that does not exist). Nothing here names another
youth: the eligible dwellings are the rules' answer for this youth alone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from solver.caseio.weeks import week_of
from solver.domain import Case
from solver.engine.eligibility import Eligibility, compute_eligibility

from ..authz import person_read
from ..db import read_connection
from ..models import Run, YouthStatus
from .data import live_case
from .waits import expected_wait


@dataclass(frozen=True)
class WeekPool:
    """The latest imported week as its run sees it, with every eligible pair."""

    week: str
    case: Case
    elig: Eligibility
    index: dict[str, int]


_lock = threading.Lock()
_pools: dict[str, tuple[str, WeekPool | None]] = {}


def _week_pool(session: Session, version: str) -> WeekPool | None:
    """The latest week's case and eligibility, once per pool version (None before any import)."""
    key = str(session.get_bind().engine.url)
    hit = _pools.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _lock:
        hit = _pools.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        try:
            case = live_case(session)
        except LookupError:
            pool = None
        else:
            index = {y.ref: i for i, y in enumerate(case.youths)}
            pool = WeekPool(week_of(case.policy.run_date), case, compute_eligibility(case), index)
        _pools[key] = (version, pool)
        return pool


@dataclass(frozen=True)
class EligibleDwellings:
    """This week's dwellings the youth fits by every hard rule (``week`` None: nothing
    imported; ``in_run`` False: the youth is not in the week's run, e.g. paused or housed)."""

    week: str | None
    in_run: bool
    dwellings: list[dict[str, Any]]
    income: int | None


def eligible_dwellings(token: str, ref: str) -> EligibleDwellings:
    """The week's eligible dwellings for ``ref``, cheapest first, each with its rent share of
    the youth's income (when known). Raises as ``person_read``."""
    with read_connection() as conn:
        read = person_read(conn, token, ref)
        with Session(bind=conn) as session:
            pool = _week_pool(session, read.pool_version)
    if pool is None:
        return EligibleDwellings(None, False, [], None)
    i = pool.index.get(ref)
    if i is None:
        return EligibleDwellings(pool.week, False, [], None)
    youth = pool.case.youths[i]
    units = [pool.case.units[u] for u in pool.elig.unit_idx[pool.elig.youth_idx == i]]
    income = youth.monthly_income or None
    rows = []
    for unit in sorted(units, key=lambda u: (u.monthly_cost, u.ref)):
        rows.append(
            {
                "ref": unit.ref, "address": unit.address, "area": unit.area,
                "organisation": unit.organisation, "department": unit.department,
                "dwelling_type": unit.dwelling_type.value, "rooms": unit.rooms,
                "size_m2": unit.size_m2, "rent": unit.rent, "utilities": unit.utilities,
                "deposit": unit.deposit, "pets": unit.pets.label, "accessible": unit.accessible,
                "available_from": unit.available_from, "contact": unit.contact,
                "rent_share": unit.monthly_cost / income if income else None,
            }
        )  # fmt: skip
    return EligibleDwellings(pool.week, True, rows, income)


def run_weeks(session: Session, run_ids: list[int]) -> dict[int, str]:
    """The week of each run (the youth page's history names weeks, not run ids)."""
    if not run_ids:
        return {}
    query = select(col(Run.id), col(Run.week)).where(col(Run.id).in_(sorted(set(run_ids))))
    return {int(i): str(w) for i, w in session.execute(query).all()}


def wait_state(token: str, ref: str) -> str:
    """Only the expected wait's status (``ready``, ``stale``, ``computing``, ``unavailable``)
    for the page's poll; no figures, so the poll is no person read of its own (the page it
    reloads is audited)."""
    with read_connection() as conn:
        read = person_read(conn, token, ref)
        if read.youth["status"] != YouthStatus.WAITING.value:
            return "unavailable"
        with Session(bind=conn) as session:
            return str(expected_wait(session, ref, token=read.pool_version)["status"])
