"""The FastAPI application: ``create_app()``; served by ``boligmatch serve``.

It wires the parts together and holds no logic of its own: the API (``service.api``) and the
pages (``service.web``) over the use cases, the error answers, the static files, ``/health``,
and the background work (``service.jobs``, stopped with the app).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from . import api, web
from .api import errors
from .db import get_engine
from .jobs import Jobs
from .limits import BodyLimit
from .logs import configure_logging
from .settings import get_settings

log = logging.getLogger(__name__)


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging()
    if settings.ephemeral_key:
        log.warning("no BOLIGMATCH_SECRET_KEY: using an ephemeral key (tokens end on restart)")

    jobs = Jobs(get_engine, run_workers=settings.run_workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.start()
        yield
        jobs.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Boligmatch",
        version="0.1.0",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        description="Weekly youth-housing allocation: imports, runs, offers, queue positions.",
    )
    app.state.jobs = jobs
    app.include_router(api.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit)  # outermost: a body over the limit reaches nothing

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app
