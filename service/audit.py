"""Audit events: who did or read what, when and why. Never personal field values."""

from __future__ import annotations

from sqlmodel import Session

from .models import AuditEvent


def audit(
    session: Session, actor: str, action: str, object_type: str, ref: str, detail: str = ""
) -> None:
    """Record an event in the caller's transaction."""
    session.add(
        AuditEvent(
            actor=actor, action=action, object_type=object_type, object_ref=ref, detail=detail
        )
    )
