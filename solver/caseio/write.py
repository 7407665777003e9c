"""The one CSV writer and the one cell formatter: case folders, run outputs, exports.

Two dialects:

- **machine** (default): UTF-8, ``,``-separated, ISO dates, ``true``/``false``, ``.`` as the
  decimal point; what :mod:`solver.caseio.read` reads back exactly;
- **Danish** (``danish=True``): what Danish Excel writes and reads — UTF-8 with a byte-order mark,
  ``;``-separated, dates ``dd-mm-åååå``, ``ja``/``nej``, thousands ``.`` and decimal comma; the
  reader reads it back exactly too (case-format, "Danish spreadsheets").

Every text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return, after any quotes) is written with one more leading ``'``, which
spreadsheets show as text; the reader removes that one quote again, so nothing changes for a
round trip.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from solver.caseio.policy import policy_toml
from solver.caseio.schema import (
    DECISION_COLUMNS,
    QUOTA_COLUMNS,
    SUPPORT_COLUMNS,
    UNIT_COLUMNS,
    YOUTH_COLUMNS,
    Column,
)
from solver.domain import Case, Pet, PetPolicy

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: a leading ``'`` before a formula start.

    Text that already starts with quotes before a formula character gets one more, so the
    reader, which removes exactly one, always gives back the text as it was."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def _number(value: float, decimals: int, danish: bool) -> str:
    text = f"{value:.{decimals}f}" if decimals else str(int(value))
    return text.replace(".", ",") if danish else text


def cell(value: Any, *, danish: bool = False, decimals: int = 4) -> str:
    """One value as a CSV cell in the machine or Danish dialect (see the module docstring).

    Whole numbers are written as digits (``2450``; Danish Excel reads that as a number, and no
    separator can be misread); other numbers with ``decimals`` places.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("ja" if value else "nej") if danish else ("true" if value else "false")
    if isinstance(value, Pet | PetPolicy):
        return value.label
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple | list):
        return safe_text((", " if danish else ";").join(str(v) for v in value))
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M") if danish else value.isoformat()
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y") if danish else value.isoformat()
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN: not given
            return ""
        return _number(value, decimals, danish)
    return safe_text(str(value))


def write_csv(
    target: Path | IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    danish: bool = False,
) -> None:
    """Write ``header`` and ``rows`` (values, formatted by :func:`cell`) as CSV to a path or an
    open text stream."""
    if isinstance(target, Path | str):
        with Path(target).open("w", newline="", encoding="utf-8") as fh:
            write_csv(fh, header, rows, danish=danish)
        return
    if danish:
        target.write(BOM)
    writer = csv.writer(target, delimiter=";" if danish else ",", lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow([cell(v, danish=danish) for v in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, danish: bool = False) -> str:
    """The same as :func:`write_csv`, as a string."""
    buf = io.StringIO()
    write_csv(buf, header, rows, danish=danish)
    return buf.getvalue()


def table_csv(columns: Sequence[Column], records: Iterable[Any]) -> str:
    """Records (objects or mappings with the columns as attributes/keys) as a case-format CSV."""

    def get(rec: Any, name: str) -> Any:
        return rec[name] if isinstance(rec, dict) else getattr(rec, name)

    return csv_text([c.name for c in columns], ([get(r, c.name) for c in columns] for r in records))


def write_case(case: Case, folder: Path) -> None:
    """Write ``case`` as a case folder (machine dialect, every column and policy key explicit)
    that :func:`solver.caseio.read.read_case` reads back to an equal :class:`~solver.domain.Case`.

    Text is written as given, so text with surrounding spaces, or a list item containing
    ``;``, does not survive the round trip (the reader trims and splits).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, records in (
        ("youths.csv", YOUTH_COLUMNS, case.youths),
        ("units.csv", UNIT_COLUMNS, case.units),
        ("support.csv", SUPPORT_COLUMNS, case.teams),
        ("quotas.csv", QUOTA_COLUMNS, case.quotas),
    ):
        (folder / name).write_text(table_csv(columns, records), encoding="utf-8", newline="")
    if case.decisions:
        text = table_csv(DECISION_COLUMNS, case.decisions)
        (folder / "decisions.csv").write_text(text, encoding="utf-8", newline="")
    (folder / "policy.toml").write_text(policy_toml(case.policy), encoding="utf-8")
