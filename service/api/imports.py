"""``POST /imports``: a week's case files (loose, one zip, or one workbook), all or nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..usecases.imports import import_uploads
from .deps import Allocator, SessionDep
from .errors import responses

router = APIRouter(tags=["imports"])


class ImportResult(BaseModel):
    week: str
    youths_created: int
    youths_updated: int
    dwellings: int


@router.post("/imports", status_code=201, responses=responses())
async def create_import(
    session: SessionDep,
    user: Allocator,
    files: Annotated[list[UploadFile], File(description="Case files, one zip, or one workbook")],
) -> ImportResult:
    """Import a week: all or nothing. A bad row answers 422 with every issue; a body over the
    upload limit 413 (``service.limits``)."""
    uploads = [(f.filename or "upload", await f.read()) for f in files]
    # Reading and writing a large case takes seconds of CPU: off the event loop.
    week, counts = await run_in_threadpool(import_uploads, session, uploads, user.username)
    return ImportResult(week=week, **counts)
