"""The HTTP API under ``/api/v1``: thin routes over ``service.usecases`` (validation of the
request's shape, the authorised user, the answer's shape). Never imports ``service.web``.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    aggregates,
    audit,
    claims,
    dwellings,
    imports,
    login,
    offers,
    runs,
    scenarios,
    schemas,
    users,
    weeks,
    youths,
)

router = APIRouter(prefix="/api/v1")
_MODULES = (
    login,
    users,
    imports,
    runs,
    weeks,
    dwellings,
    offers,
    youths,
    aggregates,
    claims,
    audit,
    scenarios,
    schemas,
)
for _module in _MODULES:
    router.include_router(_module.router)
router.include_router(youths.missing_router)

__all__ = ["router"]
