"""The API's answers to errors: the use cases' errors, bad case files and unstorable values.

Every error body is ``{"detail": "..."}``, plus ``"issues"`` where a request had several
problems (a case file: file, row, column and message each; a planning request: one line each).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from solver.caseio.issues import CaseError

from ..usecases.errors import (
    ConflictError,
    Forbidden,
    InvalidRequest,
    NotFoundError,
    TooManyAttempts,
    Unauthenticated,
)

log = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(CaseError)
    def case_error(_: Request, exc: CaseError) -> JSONResponse:
        issues = [
            {"file": i.file, "row": i.row, "column": i.column, "message": i.message}
            for i in exc.issues
        ]
        return JSONResponse(status_code=422, content={"detail": str(exc), "issues": issues})

    @app.exception_handler(InvalidRequest)
    def invalid_request(_: Request, exc: InvalidRequest) -> JSONResponse:
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

    @app.exception_handler(Unauthenticated)
    def unauthenticated(_: Request, exc: Unauthenticated) -> JSONResponse:
        return JSONResponse(
            status_code=status.HTTP_401_UNAUTHORIZED,
            content={"detail": str(exc)},
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(TooManyAttempts)
    def too_many(_: Request, exc: TooManyAttempts) -> JSONResponse:
        return JSONResponse(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            content={"detail": str(exc)},
            headers={"Retry-After": str(exc.retry_after)},
        )

    @app.exception_handler(Forbidden)
    def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_403_FORBIDDEN, content={"detail": str(exc)})
