"""The quota report: per housing organisation × dwelling type × year, the vacancies reported,
the municipality's claims, the agreement's rate and what it allowed, and the share used — what
the municipality sends each organisation in the yearly follow-up of the allocation agreement
(almenboligloven § 59).

Derived from the ledger's rows only (``quota_report``, ``vacancy``, ``claim``,
``agreement_rate``): the vacancies of a year are the organisation's own count in its latest
report dated in the year (quotas.csv counts every vacancy in the counting window, also those
never shown to the municipality), or the dwellings it reported to us one by one for the year's
weeks when that is more; the claims are, as on the quota page (``usecases.ledger``), that
report's own count of the municipality's claims plus the claims recorded here that it does not
count yet (made after its ``as_of``, or recorded after the import that brought it), up to the
year's end — a group with no report in the year counts the claims recorded here in the year;
the rate is the one in force at the year's end (its history kept by every import). Aggregates
only (no person), for the allocation office and planners.

The claims once counted only the rows recorded here: a group whose organisation reported 25
claims showed "Anvist 1" beside the quota page's 25 + 1 (a walk-through found it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
    latest: dict[tuple[str, str], QuotaReport] = {}
    for r in reports:  # the organisation's own count, its latest report of the year
        latest[(r.organisation, r.dwelling_type)] = r
    for key, r in latest.items():
        vacancies[key] = max(r.vacancies, vacancies.get(key, 0))
    claims = {key: r.claimed for key, r in latest.items()}
    claim_rows = session.exec(
        select(ClaimRecord).where(
            col(ClaimRecord.claimed_on) >= start,
            col(ClaimRecord.claimed_on) <= end,
            col(ClaimRecord.withdrawn_at).is_(None),  # recorded by mistake: counts nowhere
        )
    ).all()
    for c in claim_rows:
        key = (c.organisation, c.dwelling_type)
        report = latest.get(key)
        if report is None or c.claimed_on > report.as_of or _after(c.created_at, report):
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


def _after(recorded: datetime, report: QuotaReport) -> bool:
    """Whether a claim was recorded after the import that brought ``report`` (the ledger's
    rule: such a claim is not in the report's count even when dated on its ``as_of``)."""
    return _aware(recorded) > _aware(report.reported_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
