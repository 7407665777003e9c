"""Read, validate and write case folders (``../shared/case-format.md``).

A case folder holds ``youths.csv`` and ``units.csv`` (required), ``support.csv`` and
``quotas.csv`` (optional: absent = no rows) and ``policy.toml`` (optional: every key has a
default). :func:`read_case` loads the files and calls :func:`read_case_files`, which the web
service calls with uploaded contents: one code path.

Every problem found is collected across all files, then raised once as a :class:`CaseError`;
nothing is returned when any cell is bad. Issues are listed in file order, then by row, then
by column. Messages quote the offending cell and nothing else of the row (no personal data).

Decisions where the format leaves room:

- **Row numbers** are as a spreadsheet shows them: the header is row 1, the first data row is
  row 2. Blank rows (every cell empty, as Excel leaves below a table) are skipped but still
  counted, so the numbers stay those of the spreadsheet.
- **Encoding**: UTF-8, with or without a byte-order mark. A file that is not valid UTF-8 is
  read as Windows-1252, which is what Danish Excel writes for "CSV (semikolonsepareret)".
- **Delimiter**: the header line decides: ``;`` when it has semicolons and no commas (Danish
  Excel's default), else ``,``. A row with more cells than the header is an error; missing
  trailing cells are empty.
- **Cells** are trimmed of surrounding spaces. Column names are exact (lower case, as in the
  format); a known column given twice is an error; extra columns are ignored.
- **Values**: booleans ``true/false``, ``1/0``, ``ja/nej`` (also ``yes/no``), any case; enums
  exactly as written in the format; whole numbers are plain ASCII digits (no ``+``, ``_``,
  thousands separators or decimals); dates exactly ``YYYY-MM-DD``; a quota ``rate`` is a
  decimal (``0.25``, or ``0,25`` as Danish Excel writes it) or a fraction (``1/3``), kept
  exact as :class:`~fractions.Fraction`.
- **Domain sanity** beyond the format: counts and money are never negative, household size,
  rooms and size_m2 at least 1, a birth date not after the referral date, the youth age band
  in order, persons per room at least 1.

Cells are checked a column at a time with pandas (masks over the whole column); only the
conversion of valid cells into Python values runs per cell.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solver.domain import (
    Case,
    DwellingType,
    FitWeights,
    Gender,
    IncomeType,
    Pet,
    PetPolicy,
    Policy,
    QuotaGroup,
    Situation,
    SupportMethod,
    SupportTeam,
    Unit,
    Youth,
)

FILES = ("youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml")
REQUIRED_FILES = ("youths.csv", "units.csv")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class CaseIssue:
    """One problem in a case folder: where it is and what is wrong.

    ``row`` counts the header as row 1 (``None`` = the whole file); ``column`` is a CSV column
    or a policy key (``None`` = the whole row or file).
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column {self.column}" if self.row is not None else f", {self.column}"
        return f"{where}: {self.message}"


class CaseError(ValueError):
    """A case folder with one or more problems; ``issues`` lists them all.

    ``str(error)`` is the first issue on one line, plus ``(and N more)``.
    """

    def __init__(self, issues: list[CaseIssue]) -> None:
        if not issues:
            raise ValueError("CaseError needs at least one issue.")
        self.issues = issues
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"{issues[0]}{more}")


# --------------------------------------------------------------------------- cell kinds
# A kind checks a whole column of trimmed, non-empty cells at once and returns, per cell, the
# message shown to the user ("" = fine); ``convert`` turns one valid cell into its value.

Check = Callable[[pd.Series], pd.Series]


@dataclass(frozen=True)
class Kind:
    check: Check
    convert: Callable[[str], Any]


def _flag(cells: pd.Series, *cases: tuple[pd.Series, str]) -> pd.Series:
    """Per cell, the message of the first ``(mask, template)`` case whose mask holds, "" when
    none does; ``{cell}`` in a template is the cell, quoted."""
    out = pd.Series("", index=cells.index, dtype=object)
    for bad, template in reversed(cases):
        if bad.any():
            texts = [template.format(cell=repr(cell)) for cell in cells[bad]]
            out[bad] = pd.Series(texts, index=cells.index[bad], dtype=object)
    return out


def _fine(cells: pd.Series) -> pd.Series:
    return _flag(cells)  # any text is fine


_BOOLS = {"true": True, "1": True, "ja": True, "yes": True}
_BOOLS |= {"false": False, "0": False, "nej": False, "no": False}


def _enum(values: Mapping[str, Any]) -> Kind:
    def check(cells: pd.Series) -> pd.Series:
        return _flag(
            cells, (~cells.isin(list(values)), f"{{cell}} is not one of {', '.join(values)}")
        )

    return Kind(check, values.__getitem__)


def _whole(minimum: int, what: str) -> Kind:
    def check(cells: pd.Series) -> pd.Series:
        digits = cells.str.fullmatch(r"-?[0-9]+")
        huge = digits & (cells.str.lstrip("-").str.len() > 15)  # beyond any kroner amount
        number = digits & ~huge
        low = number & (pd.to_numeric(cells.where(number, "0")) < minimum)
        return _flag(
            cells,
            (~digits, "{cell} is not a whole number"),
            (huge, "{cell} is too large"),
            (low, f"{{cell}}: {what} must be at least {minimum}"),
        )

    return Kind(check, int)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_date(cells: pd.Series) -> pd.Series:
    # The shape first (Python would also accept 20260101 and 2026-W48-1), then the calendar.
    shaped = cells.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    real = shaped & cells.where(shaped, "").map(_is_date).astype(bool)
    return _flag(cells, (~real, "{cell} is not a date (YYYY-MM-DD)"))


def _parse_date(text: str) -> date:
    """One ``YYYY-MM-DD`` text, or ValueError with the user's message."""
    problem = _check_date(pd.Series([text], dtype=object)).iloc[0]
    if problem:
        raise ValueError(problem)
    return date.fromisoformat(text)


def _list(text: str) -> tuple[str, ...]:
    return tuple(filter(None, map(str.strip, text.split(";"))))  # empty items dropped


def parse_rate(text: str) -> Fraction:
    """``0.25`` (or Danish ``0,25``) or ``1/4`` → an exact :class:`~fractions.Fraction` between
    0 and 1, read from the text (never through a float)."""
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a rate (0.25 or 1/4)") from None
    if not 0 <= value <= 1:
        raise ValueError(f"{text!r} is not between 0 and 1")
    return value


def _rate_problem(text: str) -> str:
    try:
        parse_rate(text)
    except ValueError as exc:
        return str(exc)
    return ""


def _check_rate(cells: pd.Series) -> pd.Series:
    return cells.map(_rate_problem).astype(object)  # per cell: quotas.csv is a few rows


def _check_bool(cells: pd.Series) -> pd.Series:
    bad = ~cells.str.lower().isin(list(_BOOLS))
    return _flag(cells, (bad, "{cell} is not a boolean (true/false, 1/0, ja/nej)"))


TEXT = Kind(_fine, str)
LIST = Kind(_fine, _list)
DATE = Kind(_check_date, date.fromisoformat)
BOOL = Kind(_check_bool, lambda text: _BOOLS[text.lower()])
RATE = Kind(_check_rate, parse_rate)
MONEY = _whole(0, "an amount")  # whole kroner, never negative
COUNT = _whole(0, "a count")
POSITIVE = _whole(1, "the value")


@dataclass(frozen=True)
class Column:
    """One column of a case CSV: its name, kind, whether required, and the empty-cell value."""

    name: str
    kind: Kind
    required: bool = True
    default: Any = None


_SITUATIONS = {s.value: s for s in Situation}
_INCOMES = {s.value: s for s in IncomeType}
_METHODS = {s.value: s for s in SupportMethod}
_TEAM_METHODS = {s.value: s for s in SupportMethod if s is not SupportMethod.NONE}
_TYPES = {s.value: s for s in DwellingType}
_GENDERS = {s.value: s for s in Gender}
_PETS = {p.label: p for p in Pet}
_PET_POLICIES = {p.label: p for p in PetPolicy}

# The order of each tuple is the order write_case writes the columns in.
YOUTH_COLUMNS = (
    Column("ref", TEXT),
    Column("birth_date", DATE),
    Column("referred_on", DATE),
    Column("situation", _enum(_SITUATIONS)),
    Column("income_type", _enum(_INCOMES)),
    Column("monthly_income", MONEY, False),
    Column("rent_ceiling", MONEY, False),
    Column("pet", _enum(_PETS), False, Pet.NONE),
    Column("household_size", POSITIVE, False, 1),
    Column("needs_accessible", BOOL, False, False),
    Column("support_method", _enum(_METHODS)),
    Column("support_team", TEXT, False),
    Column("urgent_by", DATE, False),
    Column("preferred_areas", LIST, False, ()),
    Column("excluded_areas", LIST, False, ()),
    Column("gender", _enum(_GENDERS), False),
    Column("greenlandic", BOOL, False),
)
UNIT_COLUMNS = (
    Column("ref", TEXT),
    Column("organisation", TEXT),
    Column("department", TEXT, False),  # default: the organisation
    Column("area", TEXT),
    Column("dwelling_type", _enum(_TYPES)),
    Column("rooms", POSITIVE),
    Column("size_m2", POSITIVE, False),
    Column("rent", MONEY),
    Column("utilities", MONEY, False, 0),
    Column("deposit", MONEY, False),
    Column("pets", _enum(_PET_POLICIES), False, PetPolicy.NONE),
    Column("accessible", BOOL, False, False),
    Column("available_from", DATE),
    Column("benefit_restricted", BOOL, False, False),
)
SUPPORT_COLUMNS = (
    Column("team", TEXT),
    Column("method", _enum(_TEAM_METHODS)),
    Column("workers", COUNT),
    Column("caseload_cap", COUNT, False),  # default: the policy's cap for the method
    Column("current_caseload", COUNT),
)
QUOTA_COLUMNS = (
    Column("organisation", TEXT),
    Column("dwelling_type", _enum(_TYPES)),
    Column("vacancies", COUNT),
    Column("claimed", COUNT),
    Column("rate", RATE, False),  # default: policy.default_quota_rate
)
COLUMNS = {
    "youths.csv": YOUTH_COLUMNS,
    "units.csv": UNIT_COLUMNS,
    "support.csv": SUPPORT_COLUMNS,
    "quotas.csv": QUOTA_COLUMNS,
}

Row = dict[str, Any]  # column name -> value (default where empty or bad), plus "_row"


# --------------------------------------------------------------------------- CSV tables


def _decode(name: str, data: bytes, issues: list[CaseIssue]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Danish Excel's "CSV (semikolonsepareret)"
    except UnicodeDecodeError:
        issues.append(CaseIssue(name, None, None, "is neither UTF-8 nor Windows-1252 text"))
        return None


def _frame(
    name: str, data: bytes, columns: tuple[Column, ...], issues: list[CaseIssue]
) -> pd.DataFrame | None:
    """The file as a frame of trimmed strings indexed by spreadsheet row, blank rows dropped;
    ``None`` (with issues) when the file cannot be used at all."""
    text = _decode(name, data, issues)
    if text is None:
        return None
    header = text.split("\n", 1)[0]
    if not header.strip():
        issues.append(CaseIssue(name, 1, None, "the header row is missing"))
        return None
    sep = ";" if ";" in header and "," not in header else ","
    try:
        # The header is read as a data row (line 1): then a row with more cells than the header
        # is always a tokenizer error naming its line, never silently an index column.
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # keep blank rows so row numbers match the spreadsheet
        )
    except pd.errors.ParserError as exc:
        shape = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if shape:
            expected, line, saw = shape.groups()
            message = f"has {saw} cells but the header has {expected}"
            issues.append(CaseIssue(name, int(line), None, message))
        else:
            issues.append(CaseIssue(name, None, None, f"is not a readable CSV file ({exc})"))
        return None
    names = [str(n).strip() for n in raw.iloc[0]]
    known = {c.name for c in columns}
    twice = sorted({n for n in names if n in known and names.count(n) > 1})
    for col in twice:
        issues.append(CaseIssue(name, 1, col, "column appears more than once"))
    missing = [c.name for c in columns if c.required and c.name not in names]
    for col in missing:
        issues.append(CaseIssue(name, 1, col, "required column is missing"))
    if twice or missing:
        return None
    keep = [i for i, n in enumerate(names) if n in known]  # extra columns are ignored
    frame = raw.iloc[1:, keep].set_axis([names[i] for i in keep], axis=1)
    frame = frame.apply(lambda col: col.str.strip()) if len(frame) else frame
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame[~(frame == "").all(axis=1)]


def _table(
    name: str, data: bytes | None, columns: tuple[Column, ...], issues: list[CaseIssue]
) -> list[Row] | None:
    """Check and convert one CSV into row dicts; problems go to ``issues``.

    An absent file is no rows (``[]``); a file that cannot be read at all (encoding, header,
    shape) is ``None``, so checks that refer to it are skipped instead of piling up.
    """
    if data is None:
        return []
    frame = _frame(name, data, columns, issues)
    if frame is None:
        return None
    rows = frame.index.to_numpy()
    values: dict[str, list[Any]] = {}
    for spec in columns:
        cells = frame[spec.name] if spec.name in frame else pd.Series("", index=frame.index)
        given = (cells != "").to_numpy()
        if spec.required:
            for row in rows[~given]:
                issues.append(CaseIssue(name, int(row), spec.name, "required value is empty"))
        problems = spec.kind.check(cells[given]).to_numpy()
        for row, message in zip(rows[given][problems != ""], problems[problems != ""], strict=True):
            issues.append(CaseIssue(name, int(row), spec.name, message))
        ok = given.copy()
        ok[given] = problems == ""
        column = [spec.default] * len(cells)
        for pos, cell in zip(np.flatnonzero(ok), cells.to_numpy()[ok], strict=True):
            column[pos] = spec.kind.convert(cell)
        values[spec.name] = column
    names = [c.name for c in columns]
    return [
        {"_row": int(row), **dict(zip(names, cells, strict=True))}
        for row, *cells in zip(rows, *(values[n] for n in names), strict=True)
    ]


def _duplicates(
    name: str, rows: list[Row], key: Callable[[Row], Any], column: str
) -> list[CaseIssue]:
    """A key seen before (bad cells, which hold None, are not compared)."""
    seen: dict[Any, int] = {}
    out = []
    for row in rows:
        k = key(row)
        if k is None or (isinstance(k, tuple) and None in k):
            continue
        if k in seen:
            shown = k if isinstance(k, str) else "/".join(str(x) for x in k)
            out.append(
                CaseIssue(
                    name, row["_row"], column, f"duplicate {shown!r} (first on row {seen[k]})"
                )
            )
        else:
            seen[k] = row["_row"]
    return out


def _team_issues(row: Row, methods: Mapping[str, SupportMethod | None] | None) -> list[CaseIssue]:
    """support_team against support_method and support.csv (``methods``: team -> method, or
    None when support.csv could not be read, in which case references are not checked)."""
    method, team = row["support_method"], row["support_team"]
    here = ("youths.csv", row["_row"], "support_team")
    if method is None:
        return []
    if method is SupportMethod.NONE:
        return [CaseIssue(*here, "must be empty when support_method is none")] if team else []
    if team is None:
        if method in (SupportMethod.CTI, SupportMethod.ACT):
            return [CaseIssue(*here, f"required for {method.value} youths")]
        return []  # ICM without a team: support not in place (not eligible), not an error
    if methods is None:
        return []
    if team not in methods:
        return [CaseIssue(*here, f"{team!r} is not a team in support.csv")]
    found = methods[team]  # None when the team's own method cell is bad (reported there)
    if found is not None and found is not method:
        return [CaseIssue(*here, f"{team!r} is a {found.value} team, not {method.value}")]
    return []


# --------------------------------------------------------------------------- policy

_POLICY_SCALARS = {  # key -> smallest allowed value
    "urgent_within_days": 0,
    "availability_horizon_days": 0,
    "persons_per_room": 1,
}
_POLICY_KEYS = (
    "run_date",
    "week",
    *_POLICY_SCALARS,
    "youth_dwelling_age",
    "default_quota_rate",
    "rent_ceiling",
    "caseload_cap",
    "limits",
    "weights",
)
_LIMITS = ("per_department", "new_moveins_per_worker")


def parse_week(text: str) -> date:
    """``2026-W48`` → the Monday of that ISO week."""
    match = re.fullmatch(r"([0-9]{4})-W([0-9]{2})", text.strip())
    try:
        if not match:
            raise ValueError
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week (YYYY-Www)") from None


def _policy(data: bytes | None, today: date, issues: list[CaseIssue]) -> Policy:
    name = "policy.toml"
    if data is None:
        return Policy(run_date=today)
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        issues.append(CaseIssue(name, None, None, f"is not valid TOML ({exc})"))
        return Policy(run_date=today)

    def bad(key: str, message: str) -> None:
        issues.append(CaseIssue(name, None, key, message))

    def integer(key: str, value: Any, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            bad(key, f"must be a whole number, not {value!r}")
            return None
        if value < minimum:
            bad(key, f"must be at least {minimum}, not {value}")
            return None
        return value

    def table(key: str, allowed: Mapping[str, Any], minimum: int) -> dict[Any, int]:
        value = raw[key]
        out: dict[Any, int] = {}
        if not isinstance(value, dict):
            bad(key, f"must be a table ([{key}])")
            return out
        for k, v in value.items():
            if k not in allowed:
                bad(f"{key}.{k}", f"unknown key (expected one of {', '.join(allowed)})")
                continue
            parsed = integer(f"{key}.{k}", v, minimum)
            if parsed is not None:
                out[allowed[k]] = parsed
        return out

    run_date = today
    if "run_date" in raw and "week" in raw:
        bad("week", "give run_date or week, not both")
    elif "run_date" in raw:
        value = raw["run_date"]
        if isinstance(value, datetime) or not isinstance(value, date | str):
            bad("run_date", f"must be a date like 2026-11-23, not {value!r}")
        elif isinstance(value, date):
            run_date = value
        else:
            try:
                run_date = _parse_date(value)
            except ValueError as exc:
                bad("run_date", str(exc))
    elif "week" in raw:
        try:
            if not isinstance(raw["week"], str):
                raise ValueError(f'must be a string like "2026-W48", not {raw["week"]!r}')
            run_date = parse_week(raw["week"])
        except ValueError as exc:
            bad("week", str(exc))

    defaults = Policy(run_date=today)
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("run_date", "week"):
            continue
        if key in _POLICY_SCALARS:
            parsed = integer(key, value, _POLICY_SCALARS[key])
            if parsed is not None:
                kwargs[key] = parsed
        elif key == "youth_dwelling_age":
            ok = (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                and 0 <= value[0] <= value[1]
            )
            if ok:
                kwargs[key] = (value[0], value[1])
            else:
                bad(key, f"must be [lowest, highest] ages, e.g. [17, 25], not {value!r}")
        elif key == "default_quota_rate":
            # A TOML float (0.25) is read from its shortest decimal text, a string as written
            # ("1/3"), so the rate is exact either way.
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                bad(key, f'must be a rate like 0.25 or "1/3", not {value!r}')
                continue
            try:
                kwargs[key] = parse_rate(str(value))
            except ValueError as exc:
                bad(key, str(exc))
        elif key == "rent_ceiling":
            kwargs[key] = {**defaults.rent_ceiling, **table(key, _INCOMES, 0)}
        elif key == "caseload_cap":
            kwargs[key] = {**defaults.caseload_cap, **table(key, _TEAM_METHODS, 0)}
        elif key == "limits":
            kwargs.update(table(key, {k: k for k in _LIMITS}, 0))
        elif key == "weights":
            names = {f.name: f.name for f in fields(FitWeights)}
            kwargs[key] = replace(FitWeights(), **table(key, names, 0))
        else:
            bad(key, f"unknown key (expected one of {', '.join(_POLICY_KEYS)})")
    return Policy(run_date=run_date, **kwargs)


# --------------------------------------------------------------------------- reading


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
            issues.append(CaseIssue(name, None, None, "required file is missing"))
    tables = {name: _table(name, files.get(name), cols, issues) for name, cols in COLUMNS.items()}
    policy = _policy(files.get("policy.toml"), today or date.today(), issues)
    youth_rows = tables["youths.csv"] or []
    unit_rows = tables["units.csv"] or []
    team_rows = tables["support.csv"]
    quota_rows = tables["quotas.csv"] or []

    issues += _duplicates("youths.csv", youth_rows, lambda r: r["ref"], "ref")
    issues += _duplicates("units.csv", unit_rows, lambda r: r["ref"], "ref")
    issues += _duplicates("support.csv", team_rows or [], lambda r: r["team"], "team")
    issues += _duplicates(
        "quotas.csv", quota_rows, lambda r: (r["organisation"], r["dwelling_type"]), "dwelling_type"
    )
    methods = None if team_rows is None else {r["team"]: r["method"] for r in team_rows}
    for r in youth_rows:
        issues += _team_issues(r, methods)
        born, referred = r["birth_date"], r["referred_on"]
        if born is not None and referred is not None and born > referred:
            message = f"{born.isoformat()!r} is after referred_on"
            issues.append(CaseIssue("youths.csv", r["_row"], "birth_date", message))
    if issues:
        raise CaseError(sorted(issues, key=_reading_order))

    team_rows = team_rows or []
    youths = tuple(Youth(**{c.name: r[c.name] for c in YOUTH_COLUMNS}) for r in youth_rows)
    units = tuple(
        Unit(
            **{c.name: r[c.name] for c in UNIT_COLUMNS if c.name != "department"},
            department=r["department"] or r["organisation"],
        )
        for r in unit_rows
    )
    teams = tuple(SupportTeam(**{c.name: r[c.name] for c in SUPPORT_COLUMNS}) for r in team_rows)
    quotas = tuple(QuotaGroup(**{c.name: r[c.name] for c in QUOTA_COLUMNS}) for r in quota_rows)
    return Case(youths=youths, units=units, teams=teams, quotas=quotas, policy=policy)


def _reading_order(issue: CaseIssue) -> tuple[int, int, int]:
    """File order, then row (whole-file issues first), then column order in the format."""
    names = [c.name for c in COLUMNS.get(issue.file, ())]
    column = names.index(issue.column) if issue.column in names else -1
    return (FILES.index(issue.file) if issue.file in FILES else len(FILES), issue.row or 0, column)


# --------------------------------------------------------------------------- writing


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Pet | PetPolicy):
        return value.label
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return str(value)
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _write_table(path: Path, columns: tuple[Column, ...], records: tuple[Any, ...]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.name for c in columns])
        for rec in records:
            writer.writerow([_cell(getattr(rec, c.name)) for c in columns])


def write_case(case: Case, folder: Path) -> None:
    """Write ``case`` as a case folder (UTF-8, ``,``-separated, every column and policy key
    explicit) that :func:`read_case` reads back to an equal :class:`~solver.domain.Case`.

    Text is written as given, so text with surrounding spaces, or a list item containing
    ``;``, does not survive the round trip (the reader trims and splits).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_table(folder / "youths.csv", YOUTH_COLUMNS, case.youths)
    _write_table(folder / "units.csv", UNIT_COLUMNS, case.units)
    _write_table(folder / "support.csv", SUPPORT_COLUMNS, case.teams)
    _write_table(folder / "quotas.csv", QUOTA_COLUMNS, case.quotas)
    (folder / "policy.toml").write_text(policy_toml(case.policy), encoding="utf-8")


def policy_toml(policy: Policy) -> str:
    """The policy as ``policy.toml`` text, every key explicit (the rate as an exact fraction
    string, e.g. ``"1/4"``)."""
    lo, hi = policy.youth_dwelling_age
    lines = [
        f'run_date = "{policy.run_date.isoformat()}"',
        f"urgent_within_days = {policy.urgent_within_days}",
        f"availability_horizon_days = {policy.availability_horizon_days}",
        f"youth_dwelling_age = [{lo}, {hi}]",
        f"persons_per_room = {policy.persons_per_room}",
        f'default_quota_rate = "{policy.default_quota_rate}"',
        "",
        "[rent_ceiling]",
        *(f"{k.value} = {v}" for k, v in policy.rent_ceiling.items()),
        "",
        "[caseload_cap]",
        *(f"{k.value} = {v}" for k, v in policy.caseload_cap.items()),
        "",
        "[limits]",
        f"per_department = {policy.per_department}",
        f"new_moveins_per_worker = {policy.new_moveins_per_worker}",
        "",
        "[weights]",
        *(f"{f.name} = {getattr(policy.weights, f.name)}" for f in fields(FitWeights)),
    ]
    return "\n".join(lines) + "\n"
