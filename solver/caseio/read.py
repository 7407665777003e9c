"""Read and validate case folders (``../shared/case-format.md``).

A case folder holds ``youths.csv`` and ``units.csv`` (required), ``support.csv`` and
``quotas.csv`` (optional: absent = no rows) and ``policy.toml`` (optional: every key has a
default). :func:`read_case` loads the files and calls :func:`read_case_files`, which the service
calls with uploaded contents: one code path.

Every problem found is collected across all files, then raised once as a
:class:`~solver.caseio.issues.CaseError`; nothing is returned when any cell is bad. Issues are
listed in file order, then by row, then by column.

Decisions where the format leaves room:

- **Row numbers** are as a spreadsheet shows them: the header is row 1, the first data row is
  row 2. Blank rows (every cell empty, as Excel leaves below a table) are skipped but still
  counted, so the numbers stay those of the spreadsheet.
- **Encoding**: UTF-8, with or without a byte-order mark. A file that is not valid UTF-8 is
  read as Windows-1252, which is what Danish Excel writes for "CSV (semikolonsepareret)".
- **Delimiter and dialect**: the header line decides: ``;`` when it has semicolons and no
  commas (Danish Excel's default), else ``,``. A ``;`` file is a Danish spreadsheet and its
  cells may be written the Danish way (:mod:`solver.caseio.cells`). A row with more cells than
  the header is an error; missing trailing cells are empty.
- **Cells** are trimmed of surrounding spaces; a cell written ``'=…`` (a spreadsheet's text
  marker before a formula character, as :mod:`solver.caseio.write` escapes it) loses the quote.
  Column names are exact (lower case, as in the format) or the column's Danish heading
  (:data:`solver.caseio.schema.DANISH_HEADINGS`, any case); a known column given twice is an
  error; extra columns are ignored.
- **Domain sanity** beyond the format: counts and money are never negative, household size,
  rooms and size_m2 at least 1, a birth date not after the referral date, the youth age band
  in order, persons per room at least 1.

Cells are checked a column at a time with pandas (masks over the whole column); only the
conversion of valid cells into Python values runs per cell.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solver.caseio.cells import LIST
from solver.caseio.issues import CaseError, CaseIssue
from solver.caseio.policy import read_policy
from solver.caseio.privacy import cpr_cells, cpr_texts
from solver.caseio.schema import (
    COLUMNS,
    FILES,
    REQUIRED_FILES,
    Column,
    column_name,
)
from solver.caseio.weeks import office_today
from solver.domain import (
    Case,
    Decision,
    DecisionKind,
    QuotaGroup,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)

_ESCAPED_FORMULA = re.compile(r"^'(?='*[=+\-@\t\r])")


def _decode(name: str, data: bytes, issues: list[CaseIssue]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Danish Excel's "CSV (semikolonsepareret)"
    except UnicodeDecodeError:
        issues.append(CaseIssue(name, None, None, "encoding"))
        return None


def _frame(
    name: str, data: bytes, columns: tuple[Column, ...], issues: list[CaseIssue]
) -> tuple[pd.DataFrame, bool] | None:
    """The file as a frame of trimmed strings indexed by spreadsheet row, blank rows dropped,
    and whether it is a Danish spreadsheet; ``None`` (with issues) when it cannot be used."""
    text = _decode(name, data, issues)
    if text is None:
        return None
    header = text.split("\n", 1)[0]
    if not header.strip():
        issues.append(CaseIssue(name, 1, None, "header_missing"))
        return None
    danish = ";" in header and "," not in header
    try:
        # The header is read as a data row (line 1): then a row with more cells than the header
        # is always a tokenizer error naming its line, never silently an index column.
        raw = pd.read_csv(
            io.StringIO(text),
            sep=";" if danish else ",",
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # keep blank rows so row numbers match the spreadsheet
        )
    except pd.errors.ParserError as exc:
        shape = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if shape:
            expected, line, saw = (int(x) for x in shape.groups())
            params = {"saw": saw, "expected": expected}
            issues.append(CaseIssue(name, line, None, "cell_count", params))
        else:
            issues.append(CaseIssue(name, None, None, "unreadable_csv", {"error": str(exc)}))
        return None
    names = [column_name(name, str(n).strip()) for n in raw.iloc[0]]  # Danish headings too
    known = {c.name for c in columns}
    twice = sorted({n for n in names if n in known and names.count(n) > 1})
    for col in twice:
        issues.append(CaseIssue(name, 1, col, "column_twice"))
    missing = [c.name for c in columns if c.required and c.name not in names]
    for col in missing:
        issues.append(CaseIssue(name, 1, col, "column_missing"))
    if twice or missing:
        return None
    keep = [i for i, n in enumerate(names) if n in known]  # extra columns are ignored
    frame = raw.iloc[1:, keep].set_axis([names[i] for i in keep], axis=1)
    if len(frame):
        frame = frame.apply(_clean)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame[~(frame == "").all(axis=1)], danish


# In a column's cells joined by NUL (and wrapped in NULs): a cell that starts with white space
# or a quote, and (searched in the reversed text) one that ends with white space. No match
# means no cell needs trimming or unescaping; a NUL inside a cell can only add matches, never
# hide one. Each pattern starts with a literal, so the search skips ahead at C speed.
_STARTS_SPACED = re.compile(r"\x00[\s']")
_ENDS_SPACED = re.compile(r"\x00\s")  # reversed text


def _clean(col: pd.Series) -> pd.Series:
    """Trim a column's cells and unescape ``'=…``. Most columns need neither, and two searches
    over the joined column say so (the per-cell string methods were half the time of reading a
    national case)."""
    joined = "\x00" + "\x00".join(col.tolist()) + "\x00"
    if _STARTS_SPACED.search(joined) is None and _ENDS_SPACED.search(joined[::-1]) is None:
        return col
    return col.str.strip().str.replace(_ESCAPED_FORMULA, "", regex=True)


def _table(
    name: str, data: bytes | None, columns: tuple[Column, ...], issues: list[CaseIssue]
) -> Table | None:
    """Check and convert one CSV into its columns of values; problems go to ``issues``.

    An absent file is no rows; a file that cannot be read at all (encoding, header, shape) is
    ``None``, so checks that refer to it are skipped instead of piling up.
    """
    if data is None:
        return _no_rows(columns)
    read = _frame(name, data, columns, issues)
    if read is None:
        return None
    frame, danish = read
    rows = frame.index.to_numpy()
    values: dict[str, list[Any]] = {}
    for spec in columns:
        cells = frame[spec.name] if spec.name in frame else pd.Series("", index=frame.index)
        given = (cells != "").to_numpy()
        if spec.required:
            for row in rows[~given]:
                issues.append(CaseIssue(name, int(row), spec.name, "required_value"))
        written = cells[given]
        usable = spec.kind.danish(written) if danish and spec.kind.danish else written
        problems = spec.kind.check(usable).to_numpy()
        bad = np.array([p is not None for p in problems], dtype=bool)
        for row, cell, (code, params) in zip(
            rows[given][bad], written.to_numpy()[bad], problems[bad], strict=True
        ):
            issues.append(CaseIssue(name, int(row), spec.name, code, {"cell": cell, **params}))
        ok = given.copy()
        ok[given] = ~bad
        if ok.all():  # every cell given and fine (most columns): a column at a time
            values[spec.name] = _converted(spec.kind.convert, usable.to_numpy().tolist())
            continue
        column = [spec.default] * len(cells)
        for pos, cell in zip(np.flatnonzero(ok), usable.to_numpy()[~bad], strict=True):
            column[pos] = spec.kind.convert(cell)
        values[spec.name] = column
    values["_row"] = rows.tolist()
    return values


# A table as columns: each column's values in row order (the column's default where a cell is
# empty or bad), and under ``_row`` each row's number as a spreadsheet shows it. Built and
# checked a column at a time; no dict per row (a national week's 25,000 rows, issue 15).
Table = dict[str, list[Any]]


def _no_rows(columns: tuple[Column, ...]) -> Table:
    return {"_row": [], **{c.name: [] for c in columns}}


def _duplicates(name: str, numbers: list[int], keys: Sequence[Any], column: str) -> list[CaseIssue]:
    """A key seen before (bad cells, which hold None, are not compared)."""
    seen: dict[Any, int] = {}
    out = []
    for number, k in zip(numbers, keys, strict=True):
        if k is None or (isinstance(k, tuple) and None in k):
            continue
        if k in seen:
            shown = k if isinstance(k, str) else "/".join(str(x) for x in k)
            params = {"key": shown, "first": seen[k]}
            out.append(CaseIssue(name, number, column, "duplicate", params))
        else:
            seen[k] = number
    return out


def _team_issues(
    number: int,
    method: SupportMethod | None,
    team: str | None,
    methods: Mapping[str, SupportMethod | None] | None,
) -> list[CaseIssue]:
    """A youth's support_team against its support_method and support.csv (``methods``: team
    -> method, or None when support.csv could not be read, in which case references are not
    checked)."""

    def here(code: str, **params: Any) -> list[CaseIssue]:
        return [CaseIssue("youths.csv", number, "support_team", code, params)]

    if method is None:
        return []
    if method is SupportMethod.NONE:
        return here("team_not_allowed") if team else []
    if team is None:
        if method in (SupportMethod.CTI, SupportMethod.ACT):
            return here("team_required", method=method.value)
        return []  # ICM without a team: support not in place (not eligible), not an error
    if methods is None:
        return []
    if team not in methods:
        return here("team_unknown", team=team)
    found = methods[team]  # None when the team's own method cell is bad (reported there)
    if found is not None and found is not method:
        return here("team_method", team=team, found=found.value, method=method.value)
    return []


def check_decisions(
    decisions: Sequence[Decision], youth_refs: set[str], unit_refs: set[str]
) -> list[CaseIssue]:
    """decisions.csv against the case: a reference on every row (both for a pin), refs that
    exist, at most one pin per youth and per dwelling, and no ban that contradicts a pin."""
    name = "decisions.csv"
    out: list[CaseIssue] = []
    first_pin: dict[tuple[str, str | None], int | None] = {}
    for d in decisions:
        youth, unit, row = d.youth_ref, d.unit_ref, d.row
        if youth is None and unit is None:
            out.append(CaseIssue(name, row, "youth_ref", "decision_needs_ref"))
            continue
        if d.kind is DecisionKind.PIN and (youth is None or unit is None):
            column = "unit_ref" if unit is None else "youth_ref"
            out.append(CaseIssue(name, row, column, "pin_needs_both"))
            continue
        if youth is not None and youth not in youth_refs:
            out.append(CaseIssue(name, row, "youth_ref", "decision_unknown_youth", {"ref": youth}))
        if unit is not None and unit not in unit_refs:
            out.append(CaseIssue(name, row, "unit_ref", "decision_unknown_unit", {"ref": unit}))
        if d.kind is not DecisionKind.PIN:
            continue
        for column, key in (("youth_ref", youth), ("unit_ref", unit)):
            seen = first_pin.setdefault((column, key), row)
            if seen != row:
                params = {"ref": key, "first": seen}
                out.append(CaseIssue(name, row, column, "pin_twice", params))
    pins = [d for d in decisions if d.kind is DecisionKind.PIN and d.youth_ref and d.unit_ref]
    for ban in decisions:
        if ban.kind is not DecisionKind.BAN:
            continue
        for pin in pins:
            if ban.youth_ref in (None, pin.youth_ref) and ban.unit_ref in (None, pin.unit_ref):
                column = "youth_ref" if ban.youth_ref is not None else "unit_ref"
                params = {"row": pin.row}
                out.append(CaseIssue(name, ban.row, column, "ban_contradicts_pin", params))
    return out


def read_case(folder: Path, *, today: date | None = None) -> Case:
    """Read and validate a case folder.

    Parameters
    ----------
    folder
        The folder with ``youths.csv``, ``units.csv`` and optionally ``support.csv``,
        ``quotas.csv`` and ``policy.toml``; other files are ignored.
    today
        The run date when ``policy.toml`` gives neither ``run_date`` nor ``week``
        (default: the current date).

    Raises
    ------
    CaseError
        Listing every problem in every file.
    """
    folder = Path(folder)
    files = {name: (folder / name).read_bytes() for name in FILES if (folder / name).is_file()}
    return read_case_files(files, today=today)


def read_case_files(files: Mapping[str, bytes], *, today: date | None = None) -> Case:
    """The same as :func:`read_case`, from file contents keyed by file name
    (``"youths.csv"``, …); names outside the format are ignored."""
    issues: list[CaseIssue] = []
    for name in REQUIRED_FILES:
        if name not in files:
            issues.append(CaseIssue(name, None, None, "file_missing"))
    tables = {name: _table(name, files.get(name), cols, issues) for name, cols in COLUMNS.items()}
    policy = read_policy(files.get("policy.toml"), today or office_today(), issues)
    return _case(tables, policy, issues)


class _NotAsWritten(Exception):
    """A cell that is not as the service's own writer writes a valid value."""


def _cell_rows(columns: tuple[Column, ...], rows: Sequence[Sequence[str]]) -> Table:
    """Rows of cells (in the columns' order) converted as :func:`_table` converts them: trimmed
    and unescaped, an empty cell the column's default. A column at a time, as :func:`_clean`
    does: two searches over the joined column say whether any cell needs trimming, one whether
    any is empty, and the kind's ``shape`` whether every cell is as ``check`` allows. A cell the
    reader would refuse raises :class:`_NotAsWritten`."""
    if not rows:
        return _no_rows(columns)
    if any(len(cells) != len(columns) for cells in rows):
        raise _NotAsWritten
    values: list[list[Any]] = []
    for spec, column in zip(columns, zip(*rows, strict=True), strict=True):
        cells: Sequence[str] = column
        joined = "\x00" + "\x00".join(cells) + "\x00"
        if _STARTS_SPACED.search(joined) or _ENDS_SPACED.search(joined[::-1]):
            cells = [_ESCAPED_FORMULA.sub("", c.strip()) for c in cells]
            joined = "\x00" + "\x00".join(cells) + "\x00"
        kind = spec.kind
        if kind.shape is not None and not _column_shape(kind.shape).fullmatch(joined):
            raise _NotAsWritten
        converted: list[Any]
        try:
            converted = _converted(kind.convert, cells)
            if "\x00\x00" in joined:  # an empty cell
                if spec.required:
                    raise _NotAsWritten
                converted = [
                    v if c else spec.default for c, v in zip(cells, converted, strict=True)
                ]
        except (ValueError, KeyError):
            raise _NotAsWritten from None
        if kind.minimum is not None and any(v < kind.minimum for v in converted if v is not None):
            raise _NotAsWritten
        values.append(converted)
    table: Table = {"_row": list(range(2, 2 + len(rows)))}
    table.update((c.name, v) for c, v in zip(columns, values, strict=True))
    return table


def _converted(convert: Callable[[str], Any], cells: Sequence[str]) -> list[Any]:
    """A column's cells converted, each distinct cell once (a national week's 20,000 lists of
    excluded areas are 48 distinct texts, its dates a few thousand); text as it is. An empty
    cell gives None."""
    if convert is str:
        return list(cells)
    values_of = {c: convert(c) for c in set(cells) if c}
    return list(map(values_of.get, cells))


@functools.cache
def _column_shape(shape: str) -> re.Pattern[str]:
    """A joined column (cells between NULs) whose every cell is empty or of ``shape``."""
    return re.compile(f"(?:\\x00(?:{shape})?)*\\x00")


def read_cells(
    cells: Mapping[str, Sequence[Sequence[str]]],
    files: Mapping[str, bytes],
    *,
    today: date | None = None,
) -> Case:
    """The case :func:`read_case_files` reads from ``files``, built from their cells without
    parsing the CSV text: ``cells`` holds, per CSV file of ``files``, its data rows as the cell
    texts written into it (every column of the format, in the format's order; what
    :func:`solver.caseio.write.csv_text` writes for them). A run's snapshot is written by the
    service from values that were validated when they were stored; parsing its text back cost
    more than the engine on a city's week (issue 15).

    The cross-row checks are :func:`read_case_files`' own. A cell that is not a valid value
    as written makes this read ``files`` the ordinary way (which names the file, row and
    column), so the result and every error are exactly :func:`read_case_files`'."""
    issues: list[CaseIssue] = []
    try:
        tables: dict[str, Table | None] = {
            name: _cell_rows(cols, cells[name]) if name in files else _no_rows(cols)
            for name, cols in COLUMNS.items()
        }
    except (_NotAsWritten, KeyError):
        return read_case_files(files, today=today)
    if any(name not in files for name in REQUIRED_FILES):
        return read_case_files(files, today=today)
    policy = read_policy(files.get("policy.toml"), today or office_today(), issues)
    return _case(tables, policy, issues)


def _case(tables: Mapping[str, Table | None], policy: Any, issues: list[CaseIssue]) -> Case:
    """The cross-row checks over the converted tables, then the case (or every issue raised
    at once)."""
    youth = tables["youths.csv"] or _no_rows(COLUMNS["youths.csv"])
    unit = tables["units.csv"] or _no_rows(COLUMNS["units.csv"])
    team = tables["support.csv"]
    quota = tables["quotas.csv"] or _no_rows(COLUMNS["quotas.csv"])
    decision = tables["decisions.csv"] or _no_rows(COLUMNS["decisions.csv"])

    issues += _duplicates("youths.csv", youth["_row"], youth["ref"], "ref")
    issues += _duplicates("units.csv", unit["_row"], unit["ref"], "ref")
    if team is not None:
        issues += _duplicates("support.csv", team["_row"], team["team"], "team")
    groups = list(zip(quota["organisation"], quota["dwelling_type"], strict=True))
    issues += _duplicates("quotas.csv", quota["_row"], groups, "dwelling_type")
    methods = None if team is None else dict(zip(team["team"], team["method"], strict=True))
    for number, method, team_ref, born, referred in zip(
        youth["_row"], youth["support_method"], youth["support_team"], youth["birth_date"],
        youth["referred_on"], strict=True,
    ):  # fmt: skip
        issues += _team_issues(number, method, team_ref, methods)
        if born is not None and referred is not None and born > referred:
            params = {"born": born.isoformat()}
            issues.append(CaseIssue("youths.csv", number, "birth_date", "born_after_referral",
                                    params))  # fmt: skip
    decisions = tuple(
        Decision(kind, reason, youth_ref, unit_ref, number)
        for kind, reason, youth_ref, unit_ref, number in zip(
            decision["kind"],
            decision["reason"],
            decision["youth_ref"],
            decision["unit_ref"],
            decision["_row"],
            strict=True,
        )
        if kind is not None and reason is not None
    )
    issues += check_decisions(decisions, set(youth["ref"]), set(unit["ref"]))
    issues = _without_cpr(issues, youth, decision)
    if issues:
        raise CaseError(sorted(issues, key=_reading_order))

    unit["department"] = [
        department or organisation
        for department, organisation in zip(unit["department"], unit["organisation"], strict=True)
    ]
    youths = _objects(Youth, youth)
    units = _objects(Unit, unit)
    teams = _objects(SupportTeam, team) if team is not None else ()
    quotas = _objects(QuotaGroup, quota)
    rows = tuple(int(r) for r in youth["_row"])
    return Case(youths, units, teams, quotas, policy, decisions, youth_rows=rows)


# The text a youth is known by, and the decisions' free text: never a CPR number
# (domain.md: "pseudonymous case reference (never a CPR number)"; case-format.md youths.csv).
CPR_COLUMNS = {
    "youths.csv": ("ref", "support_team", "case_worker", "preferred_areas", "excluded_areas"),
    "decisions.csv": ("youth_ref", "reason"),
}


def _without_cpr(issues: list[CaseIssue], youth: Table, decision: Table) -> list[CaseIssue]:
    """``issues`` and one ``cpr_number`` issue per cell that looks like a CPR number
    (:mod:`solver.caseio.privacy`); any other issue on such a cell is left out, since its message
    would quote the cell."""
    found = [
        CaseIssue(name, table["_row"][at], column, "cpr_number")
        for name, table in (("youths.csv", youth), ("decisions.csv", decision))
        for column in CPR_COLUMNS[name]
        for at in _cpr_rows(table[column], column in LIST_COLUMNS[name])
    ]
    if not found:
        return issues
    cells = {(i.file, i.row, i.column) for i in found}
    return [i for i in issues if (i.file, i.row, i.column) not in cells] + found


LIST_COLUMNS = {name: {c.name for c in COLUMNS[name] if c.kind is LIST} for name in CPR_COLUMNS}


def _cpr_rows(values: list[Any], lists: bool) -> list[int]:
    """The positions of a column's cells that look like a CPR number; in a column of
    ``lists`` (areas), the cells with an item that does (the distinct items searched once)."""
    if not lists:
        return cpr_cells(values)
    distinct = {id(v): v for v in values}  # a national week's 20,000 lists: a few dozen objects
    found = cpr_texts(item for items in distinct.values() for item in items)
    if not found:
        return []
    return [at for at, v in enumerate(values) if v and not found.isdisjoint(v)]


def _objects(kind: Any, table: Table) -> tuple[Any, ...]:
    """Domain objects of a table whose columns are the dataclass's fields (by name; positional
    in the fields' order, which differs from the columns')."""
    return tuple(map(kind, *(table[f.name] for f in dataclasses.fields(kind))))


def _reading_order(issue: CaseIssue) -> tuple[int, int, int]:
    """File order, then row (whole-file issues first), then column order in the format."""
    names = [c.name for c in COLUMNS.get(issue.file, ())]
    column = names.index(issue.column) if issue.column in names else -1
    return (FILES.index(issue.file) if issue.file in FILES else len(FILES), issue.row or 0, column)
