"""A case as people send it: loose files, one zip, or one Excel workbook → case-folder files.

The result is the ``{file name: bytes}`` that :func:`solver.caseio.read.read_case_files` reads.
A workbook's sheets named ``youths``, ``units``, ``support`` and ``quotas`` become those CSV
files, each cell written the way the case format writes it (date cells as ``YYYY-MM-DD``, whole
numbers without a decimal part, booleans ``true``/``false``).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

import pandas as pd

from solver.caseio.issues import CaseError, CaseIssue
from solver.caseio.write import csv_text

SHEETS = ("youths", "units", "support", "quotas")


def excel_cell(value: Any) -> Any:
    """A workbook cell as the case format writes it (a value for :func:`csv_text`)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date | bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else str(value)


def _workbook(name: str, data: bytes) -> dict[str, bytes]:
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise CaseError([CaseIssue(name, None, None, "workbook_unreadable",
                                   {"error": str(exc)})]) from None  # fmt: skip
    files = {}
    for sheet, frame in sheets.items():
        key = str(sheet).strip().lower()
        if key in SHEETS:
            rows = ([excel_cell(v) for v in row] for row in frame.itertuples(index=False))
            files[f"{key}.csv"] = csv_text([str(c) for c in frame.columns], rows).encode()
    return files


def _zip(name: str, data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {
                member.rsplit("/", 1)[-1].lower(): zf.read(member)
                for member in zf.namelist()
                if member.rsplit("/", 1)[-1].lower().endswith((".csv", ".toml"))
            }
    except zipfile.BadZipFile:
        raise CaseError([CaseIssue(name, None, None, "zip_unreadable")]) from None


def upload_files(uploads: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Case-folder files from uploaded ``(file name, contents)``: loose files, one zip, or an
    Excel workbook (``.xlsx``/``.xlsm``). Raises CaseError for an unreadable zip or workbook."""
    files: dict[str, bytes] = {}
    for name, data in uploads:
        base = name.rsplit("/", 1)[-1].lower()
        if base.endswith(".zip"):
            files.update(_zip(name, data))
        elif base.endswith((".xlsx", ".xlsm")):
            files.update(_workbook(name, data))
        else:
            files[base] = data
    return files
