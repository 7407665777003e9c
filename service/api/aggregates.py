"""Aggregates (no person): the quota ledger and the support teams, for allocators and planners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..usecases.capacity import quota_ledger, team_rows
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
