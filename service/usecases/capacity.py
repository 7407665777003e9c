"""Capacity as the week's run sees it: the § 59 quota ledger and the CTI/ACT teams' free slots.

Aggregates only (no person), for allocators and planners.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from ..models import QuotaRecord, TeamRecord, WeekPolicy
from . import ledger
from .data import stored_policy


def quota_rows(session: Session) -> list[QuotaRecord]:
    return list(session.exec(select(QuotaRecord)).all())


def team_rows(session: Session) -> list[TeamRecord]:
    return list(session.exec(select(TeamRecord)).all())


def quota_ledger(session: Session) -> list[dict[str, Any]]:
    """Each quota group as the API lists it: the report (``vacancies``, ``rate``, ``as_of``,
    ``reported_claimed``) and the ledger (``claimed`` = reported + claims since, ``held`` by
    open offers, ``allowed``, ``remaining``)."""
    _, quotas, _ = capacity(session)
    reports = {(q.organisation, q.dwelling_type): q for q in quota_rows(session)}
    out = []
    for line in quotas:
        row = asdict(line)
        report = reports[(line.organisation, line.dwelling_type)]
        row.update(allowed=line.limit, reported_claimed=report.claimed,
                   rate=report.rate)  # fmt: skip
        out.append(row)
    return out


@dataclass(frozen=True)
class QuotaLine:
    organisation: str
    dwelling_type: str
    vacancies: int
    rate: str  # exact fraction, "1/4"
    rate_default: bool  # the policy's rate (quotas.csv gave none)
    limit: int  # ⌊rate × vacancies⌋ (almenboligloven § 59 stk. 3 [003:463])
    claimed: int  # the report's count + the municipality's claims since
    held: int  # by open offers
    remaining: int
    as_of: date | None


@dataclass(frozen=True)
class TeamLine:
    team: str
    method: str
    workers: int
    cap: int | None  # per worker
    caseload: int
    held: int  # slots held by open offers to the team's youths
    free: int | None  # new move-ins this run, holds counted; None = not limited (ICM)


def capacity(session: Session) -> tuple[str | None, list[QuotaLine], list[TeamLine]]:
    """The latest imported week, its quota lines and its team lines (empty before an import):
    the ledger's counts (``usecases.ledger``), open offers' holds counted as taken."""
    record = session.exec(select(WeekPolicy).order_by(col(WeekPolicy.week).desc()).limit(1)).first()
    if record is None:
        return None, [], []
    policy = stored_policy(record)
    groups = ledger.groups(session, policy)
    quotas = [
        QuotaLine(
            organisation=g.organisation,
            dwelling_type=g.dwelling_type,
            vacancies=g.vacancies,
            rate=f"{g.rate.numerator}/{g.rate.denominator}",
            rate_default=g.rate_default,
            limit=g.allowed,
            claimed=g.claimed,
            held=g.held,
            remaining=g.remaining,
            as_of=g.as_of,
        )
        for _, g in sorted(groups.items())
    ]
    teams = [
        TeamLine(
            team=t.team,
            method=t.method,
            workers=t.workers,
            cap=t.cap,
            caseload=t.caseload,
            held=t.held,
            free=t.free,
        )
        for t in ledger.teams(session, policy).values()
    ]
    return record.week, quotas, teams
