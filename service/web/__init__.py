"""Web pages in Danish for each role, served by the same app (``docs/web.md``).

``router`` holds every page; ``STATIC_DIR`` is mounted at ``/static`` by ``service.app``.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import allocator, capacity, decisions, find, lifecycle, meeting, pages, planner, youths
from .render import STATIC_DIR

router = APIRouter(include_in_schema=False)
# lifecycle first: its /unge/ny, /boliger/ny and /anvisning/tilbud/{id}/samtykke come before
# the other modules' /unge/{ref}, /boliger/{ref} and /anvisning/tilbud/{id}/{action}.
for _module in (pages, lifecycle, allocator, capacity, decisions, meeting, find, youths, planner):
    router.include_router(_module.router)

__all__ = ["STATIC_DIR", "router"]
