"""The API's answers to errors: the use cases' errors, bad case files and unstorable values.

Every error body is ``{"detail": "..."}`` (:class:`ErrorBody`); a 422 adds ``"issues"`` when a
request had several problems (:class:`ProblemBody`: a case file's file, row, column and message
each; any other request one line each, a request's shape included: ``"body.week: ..."``).
:func:`responses` documents, per route, every status it answers besides its success, so the
OpenAPI document describes every answer (schemathesis checks it, tests/service).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
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


class ErrorBody(BaseModel):
    detail: str


class CaseIssueBody(BaseModel):
    file: str
    row: int | None
    column: str | None
    message: str


class ProblemBody(BaseModel):
    detail: str
    issues: list[CaseIssueBody | str] = []


_WHAT = {
    400: "Wrong user name or password",
    401: "Not signed in (no valid bearer token)",
    403: "Not allowed for this role",
    404: "Not found (or not visible to this user: the same answer)",
    409: "The request does not fit the current state",
    413: "The request body is larger than the limit",
    422: "A value of the request is wrong; each problem is named",
    429: "Too many failed sign-ins: try again after Retry-After seconds",
}


def responses(*codes: int, auth: bool = True) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route for its OpenAPI operation: 401 and 403 when it needs a
    signed-in user (``auth``), 413 and 422 always (a body or parameter can be wrong), and
    ``codes``."""
    wanted = sorted({*codes, 413, 422, *((401, 403) if auth else ())})
    out: dict[int | str, dict[str, Any]] = {}
    for code in wanted:
        entry: dict[str, Any] = {"model": ProblemBody if code == 422 else ErrorBody,
                                 "description": _WHAT[code]}  # fmt: skip
        if code == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                "description": "Seconds to wait"}}  # fmt: skip
        out[code] = entry
    return out


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    def request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = [
            ".".join(str(part) for part in error.get("loc", ())) + f": {error.get('msg', '')}"
            for error in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": "; ".join(issues),
                                                      "issues": issues})  # fmt: skip

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
