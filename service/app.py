"""The FastAPI application: ``create_app()``; served by ``boligmatch serve``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DataError

from solver.caseio.issues import CaseError

from . import waitcache
from .db import get_engine
from .logs import configure_logging
from .offers import ConflictError, NotFoundError
from .runs import execute_run
from .scenarios import JobRequestError, interrupt_pending
from .scenarios import execute as execute_scenarios
from .settings import get_settings

log = logging.getLogger(__name__)


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging()
    if settings.ephemeral_key:
        log.warning("no BOLIGMATCH_SECRET_KEY: using an ephemeral key (tokens end on restart)")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # Stopping: queued planning jobs will not run here (marked failed, so nobody waits for
        # them); the running one finishes; the expected-wait process ends with the server.
        app.state.scenario_executor.shutdown(wait=False, cancel_futures=True)
        interrupt_pending(get_engine())
        waitcache.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="Boligmatch",
        version="0.1.0",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        description="Weekly youth-housing allocation: imports, runs, offers, queue positions.",
    )
    # Runs execute in a worker thread of this process (documented in docs/service.md).
    executor = ThreadPoolExecutor(max_workers=settings.run_workers, thread_name_prefix="run")
    app.state.executor = executor

    def start_run(run_id: int) -> Any:
        return executor.submit(execute_run, get_engine(), run_id)

    app.state.start_run = start_run

    # Planning jobs get their own thread, so a long simulation never delays a weekly run; the
    # replications themselves run in processes or on Dask (service/scenarios.py).
    scenario_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scenario")
    app.state.scenario_executor = scenario_executor

    def start_scenario(job_id: int) -> Any:
        return scenario_executor.submit(execute_scenarios, get_engine(), job_id)

    app.state.start_scenario = start_scenario

    from .api import router
    from .api_scenarios import router as scenario_router

    app.include_router(router)
    app.include_router(scenario_router)

    from fastapi.staticfiles import StaticFiles

    from .web import STATIC_DIR
    from .web import router as web_router

    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.exception_handler(CaseError)
    def case_error(_: Request, exc: CaseError) -> JSONResponse:
        issues = [
            {"file": i.file, "row": i.row, "column": i.column, "message": i.message}
            for i in exc.issues
        ]
        return JSONResponse(status_code=422, content={"detail": str(exc), "issues": issues})

    @app.exception_handler(JobRequestError)
    def job_request_error(_: Request, exc: JobRequestError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc), "issues": exc.issues})

    @app.exception_handler(DataError)
    def data_error(_: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot store (e.g. a NUL character, which PostgreSQL refuses in
        # text): the request's fault, and the transaction is rolled back with the session.
        log.warning(
            "request value refused by the database", extra={"error": type(exc.orig).__name__}
        )
        detail = (
            "text may not contain NUL (0x00) characters"
            if "NUL" in str(exc.orig)
            else "a value in the request cannot be stored"
        )
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.exception_handler(ConflictError)
    def conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)})

    @app.exception_handler(NotFoundError)
    def not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(exc)})

    return app
