"""``GET /audit``: the audit log, for admins (newest first, filtered)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..usecases.audit import AuditFilter, search
from .deps import Admin, SessionDep
from .errors import responses

router = APIRouter(tags=["audit"])

# Any text but control characters (PostgreSQL refuses NUL; no actor, action or ref holds one).
Text = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f]*$")]


@router.get("/audit", responses=responses())
def list_audit(
    session: SessionDep,
    admin: Admin,
    actor: Text = None,
    action: Text = None,
    object_ref: Text = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    f = AuditFilter(actor=actor or "", action=action or "", object_ref=object_ref or "",
                    limit=limit)  # fmt: skip
    return [e.model_dump(mode="json") for e in search(session, f)]
