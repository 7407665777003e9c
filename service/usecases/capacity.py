"""Capacity as the week's run sees it: the § 59 quota ledger and the CTI/ACT teams' free slots.

Aggregates only (no person), for allocators and planners.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlmodel import Session, select

from solver.caseio.weeks import week_of

from ..models import QuotaRecord, TeamRecord
from .data import live_case


def quota_rows(session: Session) -> list[QuotaRecord]:
    return list(session.exec(select(QuotaRecord)).all())


def team_rows(session: Session) -> list[TeamRecord]:
    return list(session.exec(select(TeamRecord)).all())


@dataclass(frozen=True)
class QuotaLine:
    organisation: str
    dwelling_type: str
    vacancies: int
    rate: str  # exact fraction, "1/4"
    rate_default: bool  # the policy's rate (quotas.csv gave none)
    limit: int  # ⌊rate × vacancies⌋ (almenboligloven § 59 stk. 3 [003:463])
    claimed: int
    remaining: int


@dataclass(frozen=True)
class TeamLine:
    team: str
    method: str
    workers: int
    cap: int | None  # per worker
    caseload: int
    free: int | None  # new move-ins this run; None = not limited (ICM)


def capacity(session: Session) -> tuple[str | None, list[QuotaLine], list[TeamLine]]:
    """The latest imported week, its quota lines and its team lines (empty before an import)."""
    try:
        case = live_case(session)
    except LookupError:
        return None, [], []
    policy = case.policy
    quotas = []
    for q in sorted(case.quotas, key=lambda q: (q.organisation, q.dwelling_type.value)):
        rate = q.rate if q.rate is not None else policy.default_quota_rate
        quotas.append(
            QuotaLine(
                organisation=q.organisation,
                dwelling_type=q.dwelling_type.value,
                vacancies=q.vacancies,
                rate=f"{rate.numerator}/{rate.denominator}",
                rate_default=q.rate is None,
                limit=math.floor(rate * q.vacancies),
                claimed=q.claimed,
                remaining=q.remaining(policy.default_quota_rate),
            )
        )
    teams = [
        TeamLine(
            team=t.team,
            method=t.method.value,
            workers=t.workers,
            cap=t.caseload_cap if t.caseload_cap is not None else policy.caseload_cap.get(t.method),
            caseload=t.current_caseload,
            free=policy.free_slots(t),
        )
        for t in case.teams
    ]
    return week_of(policy.run_date), quotas, teams
