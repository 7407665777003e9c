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
import re
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
_FIRST = frozenset(("'", *FORMULA_START))
BOM = "\ufeff"


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: a leading ``'`` before a formula start.

    Text that already starts with quotes before a formula character gets one more, so the
    reader, which removes exactly one, always gives back the text as it was."""
    if not text or text[0] not in _FIRST:  # most text: no quote, no formula start
        return text
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def _number(value: float, decimals: int, danish: bool) -> str:
    text = f"{value:.{decimals}f}" if decimals else str(int(value))
    return text.replace(".", ",") if danish else text


def cell(value: Any, *, danish: bool = False, decimals: int = 4) -> str:
    """One value as a CSV cell in the machine or Danish dialect (see the module docstring).

    Whole numbers are written as digits (``2450``; Danish Excel reads that as a number, and no
    separator can be misread); other numbers with ``decimals`` places.
    """
    kind = type(value)  # the two commonest first (exact types: not bool, not a StrEnum)
    if kind is str:
        return safe_text(value)
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if kind is date and not danish:
        return value.isoformat()
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
    decimals: int = 4,
) -> None:
    """Write ``header`` and ``rows`` (values, formatted by :func:`cell` with ``decimals``
    places for numbers that are not whole) as CSV to a path or an open text stream."""
    if isinstance(target, Path | str):
        with Path(target).open("w", newline="", encoding="utf-8") as fh:
            write_csv(fh, header, rows, danish=danish, decimals=decimals)
        return
    if danish:
        target.write(BOM)
    writer = csv.writer(target, delimiter=";" if danish else ",", lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow([cell(v, danish=danish, decimals=decimals) for v in row])


_NEEDS_QUOTE = re.compile(r"\x00['=+\-@\t\r]")  # a cell (after a NUL) safe_text may change


def _column_cells(values: Sequence[Any]) -> list[str]:
    """One column's values as cells: :func:`cell` of each, a column of one type (and None) at a
    time (a city's week is ~20,000 cells, written for every run: issue 15)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    texts: list[str]
    if kinds <= {str}:
        texts = ["" if v is None else v for v in values]
    elif kinds <= {list, tuple}:
        texts = ["" if v is None else ";".join(map(str, v)) for v in values]
    elif kinds <= {int}:
        return ["" if v is None else str(v) for v in values]
    elif kinds <= {date}:
        return ["" if v is None else v.isoformat() for v in values]
    elif kinds <= {bool}:
        return ["" if v is None else ("true" if v else "false") for v in values]
    else:
        return [cell(v) for v in values]
    if _NEEDS_QUOTE.search("\x00" + "\x00".join(texts)) is None:
        return texts  # no text a spreadsheet would run as a formula
    return list(map(safe_text, texts))


def cells_of(rows: Iterable[Sequence[Any]]) -> list[list[str]]:
    """Rows of values as the machine dialect's cells (what :func:`csv_text` writes for them)."""
    columns = [_column_cells(values) for values in zip(*rows, strict=True)]
    return [list(cells) for cells in zip(*columns, strict=True)]


def cells_csv(header: Sequence[str], cells: Iterable[Sequence[str]]) -> str:
    """A machine-dialect CSV of cells already formatted by :func:`cells_of`: the same text as
    :func:`csv_text` of their values.

    When no cell holds a character the csv writer would quote (a comma, a quote, a line break)
    and no row is a single cell, the rows are joined directly: that is the writer's text, and a
    national week's 10 MB of youths is written in a sixth of the time (issue 15)."""
    rows = cells if isinstance(cells, list) else list(cells)
    head = [safe_text(h) for h in header]
    if rows and min(map(len, rows)) > 1:
        text = "\r\n".join([",".join(row) for row in rows])
        breaks = len(rows) - 1  # the line breaks between the rows, and no other
        if (
            text.count(",") == sum(map(len, rows)) - len(rows)  # the separators, and no other
            and text.count("\r") == breaks
            and text.count("\n") == breaks
            and '"' not in text
        ):
            return _csv_line(head) + text + "\r\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows(rows)
    return buf.getvalue()


def _csv_line(cells: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    danish: bool = False,
    decimals: int = 4,
) -> str:
    """The same as :func:`write_csv`, as a string."""
    buf = io.StringIO()
    write_csv(buf, header, rows, danish=danish, decimals=decimals)
    return buf.getvalue()


def record_values(columns: Sequence[Column], records: Iterable[Any]) -> list[list[Any]]:
    """Records (objects or mappings with the columns as attributes/keys) as rows of values in
    the columns' order."""
    names = [c.name for c in columns]
    return [
        [r[n] for n in names] if isinstance(r, dict) else [getattr(r, n) for n in names]
        for r in records
    ]


def table_csv(columns: Sequence[Column], records: Iterable[Any]) -> str:
    """Records (objects or mappings with the columns as attributes/keys) as a case-format CSV."""
    return csv_text([c.name for c in columns], record_values(columns, records))


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


# --------------------------------------------------------------------------- template workbook
# The catalogue namespace whose words explain an enumeration's values in the guide sheet.
_VALUE_WORDS = {"situation": "situation", "income_type": "income_type", "pet": "pet",
                "support_method": "support_method", "method": "support_method",
                "gender": "gender", "dwelling_type": "dwelling_type", "pets": "pet_policy",
                "kind": "decision_kind"}  # fmt: skip
_TEMPLATE_ROWS = 500  # rows prepared with drop-down lists and formats


def _kind_word(column: Column) -> str:
    from solver.caseio import cells

    kinds = {id(cells.TEXT): "text", id(cells.DATE): "date", id(cells.MONEY): "money",
             id(cells.COUNT): "count", id(cells.POSITIVE): "positive", id(cells.BOOL): "bool",
             id(cells.LIST): "list", id(cells.RATE): "rate"}  # fmt: skip
    return kinds.get(id(column.kind), "enum" if column.kind.values else "text")


def template_workbook(lang: str = "da") -> bytes:
    """An empty case as an Excel workbook for people to fill in: one sheet per case file,
    named and headed in ``lang`` (:data:`~solver.caseio.schema.DANISH_HEADINGS`, read back by
    :mod:`solver.caseio.uploads` and :mod:`solver.caseio.read`), every enumeration and yes/no
    column a drop-down list of the values the format accepts, date and kroner columns
    formatted the Danish way, and a guide sheet that names each column, whether it is
    required, what it holds and what each value means. The policy is not in the workbook: the
    import asks for the week and the policy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from solver.caseio.schema import COLUMNS, DANISH_HEADINGS
    from solver.i18n.render import label, text

    def word(namespace: str, code: str) -> str:
        return label(namespace, code, lang)

    book = Workbook()
    guide = book.active
    guide.title = word("template_sheet", "guide")
    guide.append([text("template.title", lang)])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([text("template.intro", lang)])
    guide.append([])
    heads = ("sheet", "heading", "column", "required", "kind", "values")
    guide.append([word("template_head", h) for h in heads])
    for cell in guide[4]:
        cell.font = Font(bold=True)
    bools = [word("template_head", "yes"), word("template_head", "no")]
    for file, columns in COLUMNS.items():
        stem = file.removesuffix(".csv")
        sheet = book.create_sheet(word("template_sheet", stem))
        headings = DANISH_HEADINGS.get(file, {}) if lang == "da" else {}
        sheet.append([headings.get(c.name, c.name) for c in columns])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns, start=1):
            letter = get_column_letter(i)
            head = sheet.cell(row=1, column=i)
            head.font = Font(bold=True)
            sheet.column_dimensions[letter].width = max(12, len(str(head.value)) + 3)
            kind = _kind_word(column)
            cells_range = f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}"
            values: list[str] = []
            if kind == "enum" and column.kind.values:
                values = list(column.kind.values)
            elif kind == "bool":
                values = bools
            if values:
                check = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                                       allow_blank=not column.required)  # fmt: skip
                check.add(cells_range)
                sheet.add_data_validation(check)
            fmt = {"date": "DD-MM-YYYY", "money": "#,##0"}.get(kind)
            if fmt is not None:
                for row in range(2, _TEMPLATE_ROWS + 2):
                    sheet.cell(row=row, column=i).number_format = fmt
            namespace = _VALUE_WORDS.get(column.name)
            meaning = ", ".join(
                f"{v} = {word(namespace, v)}" if namespace else v for v in values
            ) if kind == "enum" else ""  # fmt: skip
            guide.append([
                sheet.title, headings.get(column.name, column.name), column.name,
                word("template_head", "yes" if column.required else "no"),
                word("cell_kind", kind), meaning,
            ])  # fmt: skip
    for letter, width in zip("ABCDEF", (14, 28, 22, 10, 36, 90), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- workbooks for people
def xlsx_table(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    kroner: Sequence[int] = (),
) -> bytes:
    """One table as an Excel workbook for people: a bold, frozen header row, dates as Danish
    date cells (``DD-MM-YYYY``), whole numbers as numbers (columns ``kroner`` with thousands
    and ``kr``), booleans ``ja``/``nej``, lists joined by ``, ``, text always as text (never a
    formula), column widths fitted to the content."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    widths = [len(str(h)) for h in header]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if isinstance(value, bool):
                value = "ja" if value else "nej"
            elif isinstance(value, Enum):
                value = str(value.value)
            elif isinstance(value, tuple | list):
                value = ", ".join(str(v) for v in value)
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even "=…"
            elif isinstance(value, date):
                cell.number_format = "DD-MM-YYYY"
            elif isinstance(value, int):
                cell.number_format = '#,##0" kr"' if c - 1 in kroner else "#,##0"
            shown = len(str(value)) if value is not None else 0
            widths[c - 1] = max(widths[c - 1], min(shown, 60))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = max(8, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
