"""The quota report: per housing organisation × dwelling type × year, the vacancies reported,
the municipality's claims, the agreement's rate and what it allowed, and the share used — what
the municipality sends each organisation in the yearly follow-up of the allocation agreement
(almenboligloven § 59).

Derived from the ledger's rows only (``quota_report``, ``vacancy``, ``claim``,
``agreement_rate``): the vacancies of a year are the organisation's own count in its latest
report dated in the year (quotas.csv counts every vacancy in the counting window, also those
never shown to the municipality), or the dwellings it reported to us one by one for the year's
weeks when that is more; a claim counts in the year it was made; the rate is the one in force
at the year's end (its history kept by every import). Aggregates only
(no person), for the allocation office and planners.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from solver.caseio.weeks import parse_week

from ..models import AgreementRate, ClaimRecord, QuotaReport, VacancyRecord, local_today

COLUMNS = ("organisation", "dwelling_type", "period", "vacancies", "claimed", "rate", "allowed",
           "share_used")  # fmt: skip


@dataclass(frozen=True)
class QuotaReportLine:
    organisation: str
    dwelling_type: str
    period: str  # the year, "2026"
    vacancies: int  # vacancies reported for weeks of the year
    claimed: int  # claims made in the year
    rate: str | None  # the agreement's rate at the year's end ("1/4"); None: no agreement
    allowed: int | None  # ⌊rate × vacancies⌋; None: no agreement (no limit)
    share_used: float | None  # claimed ÷ allowed (1.0: the right fully used); None: none allowed

    def row(self) -> list[object]:
        return [getattr(self, c) for c in COLUMNS]


def years(session: Session) -> list[int]:
    """The years the ledger has rows for, newest first (this year when it has none)."""
    found = {parse_week(w).year for w in session.exec(select(VacancyRecord.week).distinct()).all()}
    claimed_on = session.execute(sa_select(col(ClaimRecord.claimed_on)).distinct()).scalars()
    found |= {d.year for d in claimed_on}
    return sorted(found or {local_today().year}, reverse=True)


def quota_report(session: Session, year: int) -> list[QuotaReportLine]:
    """One line per organisation × dwelling type with a vacancy, a claim or an agreed rate in
    ``year``, sorted by organisation and type."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    vacancies: dict[tuple[str, str], int] = {}
    for v in session.exec(select(VacancyRecord)).all():
        if start <= parse_week(v.week) <= end:
            key = (v.organisation, v.dwelling_type)
            vacancies[key] = vacancies.get(key, 0) + 1
    reports = session.exec(
        select(QuotaReport)
        .where(col(QuotaReport.as_of) >= start, col(QuotaReport.as_of) <= end)
        .order_by(col(QuotaReport.as_of), col(QuotaReport.id))
    ).all()
    counted: dict[tuple[str, str], int] = {}
    for r in reports:  # the organisation's own count, its latest report of the year
        counted[(r.organisation, r.dwelling_type)] = r.vacancies
    for key, n in counted.items():
        vacancies[key] = max(n, vacancies.get(key, 0))
    claims: dict[tuple[str, str], int] = {}
    claim_rows = session.exec(
        select(ClaimRecord).where(
            col(ClaimRecord.claimed_on) >= start,
            col(ClaimRecord.claimed_on) <= end,
            col(ClaimRecord.withdrawn_at).is_(None),  # recorded by mistake: counts nowhere
        )
    ).all()
    for c in claim_rows:
        key = (c.organisation, c.dwelling_type)
        claims[key] = claims.get(key, 0) + 1
    rates: dict[tuple[str, str], str] = {}
    history = session.exec(
        select(AgreementRate)
        .where(col(AgreementRate.valid_from) <= end)
        .order_by(col(AgreementRate.valid_from), col(AgreementRate.id))
    ).all()
    for rate_row in history:
        # the latest in force wins
        rates[(rate_row.organisation, rate_row.dwelling_type)] = rate_row.rate
    lines = []
    for key in sorted(set(vacancies) | set(claims) | set(rates)):
        n, claimed, rate = vacancies.get(key, 0), claims.get(key, 0), rates.get(key)
        allowed = math.floor(Fraction(rate) * n) if rate is not None else None
        share = claimed / allowed if allowed else None
        lines.append(QuotaReportLine(key[0], key[1], str(year), n, claimed, rate, allowed, share))
    return lines
