"""``POST /imports``: a week's case files (loose, one zip, or one workbook), all or nothing."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from ..db import get_engine
from ..jobs import run_import
from .deps import Allocator
from .errors import responses

router = APIRouter(tags=["imports"])


class ImportResult(BaseModel):
    week: str
    youths_created: int
    youths_updated: int
    dwellings: int
    missing_youths: list[str] = Field(
        default=[],
        description="Waiting youths this import no longer lists: confirm each (keep waiting or "
        "withdraw) through /missing-youths.",
    )


@router.post("/imports", status_code=201, responses=responses())
async def create_import(
    user: Allocator,
    files: Annotated[list[UploadFile], File(description="Case files, one zip, or one workbook")],
) -> ImportResult:
    """Import a week: all or nothing. A bad row answers 422 with every issue; a body over the
    upload limit 413 (``service.limits``)."""
    uploads = [(f.filename or "upload", await f.read()) for f in files]
    # Reading and writing a large case takes a minute of CPU: in the import process.
    url = get_engine().url.render_as_string(hide_password=False)
    done: Any = await asyncio.wrap_future(run_import(url, uploads, user.username))
    week, counts = done
    return ImportResult(week=week, **counts)
