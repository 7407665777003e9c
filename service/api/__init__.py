"""The HTTP API under ``/api/v1``: thin routes over ``service.usecases`` (validation of the
request's shape, the authorised user, the answer's shape). Never imports ``service.web``.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import aggregates, audit, imports, login, offers, runs, scenarios, users, youths

router = APIRouter(prefix="/api/v1")
for _module in (login, users, imports, runs, offers, youths, aggregates, audit, scenarios):
    router.include_router(_module.router)

__all__ = ["router"]
