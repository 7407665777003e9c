"""Aggregates (no person): the quota ledger and the support teams, for allocators and planners."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from solver.caseio.write import csv_text, xlsx_table

from ..models import local_today
from ..usecases.capacity import quota_ledger, team_rows
from ..usecases.quota_report import COLUMNS, QuotaReportLine, quota_report
from .deps import AggregateReader, SessionDep
from .errors import responses

router = APIRouter(tags=["aggregates"])


@router.get("/quotas", responses=responses())
def list_quotas(session: SessionDep, user: AggregateReader) -> list[dict[str, Any]]:
    """The § 59 quota groups: each organisation's report and the ledger's counts (``claimed``
    counts the claims since the report; ``held``: open offers; ``remaining``: what is left)."""
    return quota_ledger(session)


@router.get("/teams", responses=responses())
def list_teams(session: SessionDep, user: AggregateReader) -> list[dict[str, Any]]:
    return [t.model_dump() for t in team_rows(session)]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Year = Annotated[int | None, Query(ge=2000, le=2100, description="the year; default this year")]


def _report(session: Any, year: int | None) -> list[QuotaReportLine]:
    return quota_report(session, year or local_today().year)


@router.get("/reports/quotas", responses=responses(422))
def read_quota_report(
    session: SessionDep, user: AggregateReader, year: Year = None
) -> list[dict[str, Any]]:
    """The quota report per organisation × dwelling type for a year: vacancies reported,
    claimed, the agreed rate (at the year's end), allowed and the share used (claimed ÷
    allowed)."""
    return [dict(zip(COLUMNS, line.row(), strict=True)) for line in _report(session, year)]


@router.get(
    "/reports/quotas.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The table"},
        **responses(422),
    },
)
def quota_report_csv(session: SessionDep, user: AggregateReader, year: Year = None) -> Response:
    """The quota report as CSV (the case format's dialect: comma, UTF-8, the columns' codes)."""
    body = csv_text(list(COLUMNS), (line.row() for line in _report(session, year)))
    return Response(body, media_type="text/csv; charset=utf-8")


@router.get(
    "/reports/quotas.xlsx",
    response_class=Response,
    responses={
        200: {
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The table as a workbook",
        },
        **responses(422),
    },
)
def quota_report_xlsx(session: SessionDep, user: AggregateReader, year: Year = None) -> Response:
    """The quota report as an Excel workbook (the columns' codes as headings)."""
    data = xlsx_table("quota report", list(COLUMNS),
                      (line.row() for line in _report(session, year)))  # fmt: skip
    return Response(data, media_type=XLSX)
