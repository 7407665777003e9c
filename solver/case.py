"""Read, validate and write case folders (``../shared/case-format.md``).

A case folder holds ``youths.csv`` and ``units.csv`` (required), ``support.csv`` and
``quotas.csv`` (optional: absent = no rows) and ``policy.toml`` (optional: every key has a
default). Every problem found is collected across all files, then raised once as a
:class:`CaseError`; nothing is returned when any cell is bad.

Row numbers are as a spreadsheet shows them: the header is row 1, the first data row is row 2.
CSV files may start with a UTF-8 byte-order mark and may use ``;`` as the delimiter (Danish
Excel's default): the header line decides — ``;`` when it has semicolons and no commas. Extra
columns are ignored; cells are trimmed of surrounding spaces.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from .domain import (
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


@dataclass(frozen=True)
class CaseIssue:
    """One problem in a case folder: where it is and what is wrong."""

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
    """A case folder with one or more bad cells; ``issues`` lists them all."""

    def __init__(self, issues: list[CaseIssue]) -> None:
        self.issues = issues
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"{issues[0]}{more}")


# --------------------------------------------------------------------------- cell parsers
# Each parser takes a trimmed, non-empty cell and returns a value or raises ValueError with
# the message shown to the user.

_TRUE = {"true", "1", "ja", "yes"}
_FALSE = {"false", "0", "nej", "no"}


def _bool(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean (true/false, 1/0, ja/nej)")


def _date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _int(minimum: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise ValueError(f"{text!r}: {what} must be at least {minimum}")
        return value

    return parse


_money = _int(0, "an amount")
_count = _int(0, "a count")
_positive = _int(1, "this")


def _enum(values: Mapping[str, Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if text not in values:
            raise ValueError(f"{text!r} is not one of {', '.join(values)}")
        return values[text]

    return parse


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _rate(text: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a rate (0.25 or 1/4)") from None
    if not 0 <= value <= 1:
        raise ValueError(f"{text!r}: a rate must be between 0 and 1")
    return value


def _text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
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

YOUTH_COLUMNS = (
    Column("ref", _text),
    Column("birth_date", _date),
    Column("referred_on", _date),
    Column("situation", _enum(_SITUATIONS)),
    Column("income_type", _enum(_INCOMES)),
    Column("monthly_income", _money, False),
    Column("rent_ceiling", _money, False),
    Column("pet", _enum(_PETS), False, Pet.NONE),
    Column("household_size", _positive, False, 1),
    Column("needs_accessible", _bool, False, False),
    Column("support_method", _enum(_METHODS)),
    Column("support_team", _text, False),
    Column("urgent_by", _date, False),
    Column("preferred_areas", _list, False, ()),
    Column("excluded_areas", _list, False, ()),
    Column("gender", _enum(_GENDERS), False),
    Column("greenlandic", _bool, False),
)
UNIT_COLUMNS = (
    Column("ref", _text),
    Column("organisation", _text),
    Column("department", _text, False),
    Column("area", _text),
    Column("dwelling_type", _enum(_TYPES)),
    Column("rooms", _positive),
    Column("size_m2", _positive, False),
    Column("rent", _money),
    Column("utilities", _money, False, 0),
    Column("deposit", _money, False),
    Column("pets", _enum(_PET_POLICIES), False, PetPolicy.NONE),
    Column("accessible", _bool, False, False),
    Column("available_from", _date),
    Column("benefit_restricted", _bool, False, False),
)
SUPPORT_COLUMNS = (
    Column("team", _text),
    Column("method", _enum(_TEAM_METHODS)),
    Column("workers", _count),
    Column("caseload_cap", _count, False),
    Column("current_caseload", _count),
)
QUOTA_COLUMNS = (
    Column("organisation", _text),
    Column("dwelling_type", _enum(_TYPES)),
    Column("vacancies", _count),
    Column("claimed", _count),
    Column("rate", _rate, False),
)


def _table(
    name: str, data: bytes | None, columns: tuple[Column, ...], issues: list[CaseIssue]
) -> list[dict[str, Any]]:
    """Parse one CSV into row dicts (with ``_row``); problems go to ``issues``."""
    if data is None:
        return []
    text = data.decode("utf-8-sig", errors="replace")
    header = text.split("\n", 1)[0]
    sep = ";" if ";" in header and "," not in header else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        issues.append(CaseIssue(name, None, None, f"not a readable CSV file ({exc})"))
        return []
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    for col in missing:
        issues.append(CaseIssue(name, 1, col, "required column is missing"))
    if missing:
        return []
    rows: list[dict[str, Any]] = []
    cells = {c.name: frame[c.name].str.strip().tolist() for c in columns if c.name in frame}
    for i in range(len(frame)):
        row: dict[str, Any] = {"_row": i + 2}
        for spec in columns:
            cell = cells[spec.name][i] if spec.name in cells else ""
            if cell == "":
                if spec.required:
                    issues.append(CaseIssue(name, i + 2, spec.name, "required value is empty"))
                row[spec.name] = spec.default
                continue
            try:
                row[spec.name] = spec.parse(cell)
            except ValueError as exc:
                issues.append(CaseIssue(name, i + 2, spec.name, str(exc)))
                row[spec.name] = spec.default
        rows.append(row)
    return rows


def _duplicates(
    name: str, rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any], column: str
) -> list[CaseIssue]:
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


# --------------------------------------------------------------------------- policy

_POLICY_SCALARS = {
    "urgent_within_days": 0,
    "availability_horizon_days": 0,
    "persons_per_room": 1,
}


def _policy(data: bytes | None, today: date, issues: list[CaseIssue]) -> Policy:
    name = "policy.toml"
    if data is None:
        return Policy(run_date=today)
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        issues.append(CaseIssue(name, None, None, f"not valid TOML ({exc})"))
        return Policy(run_date=today)
    kwargs: dict[str, Any] = {}

    def bad(key: str, message: str) -> None:
        issues.append(CaseIssue(name, None, key, message))

    def integer(key: str, value: Any, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            bad(key, f"must be a whole number, not {value!r}")
            return None
        if value < minimum:
            bad(key, f"must be at least {minimum}")
            return None
        return value

    def table(key: str, allowed: Mapping[str, Any], minimum: int) -> dict[Any, int]:
        value = raw[key]
        out: dict[Any, int] = {}
        if not isinstance(value, dict):
            bad(key, "must be a table")
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
    if "run_date" in raw:
        value = raw["run_date"]
        if isinstance(value, date):
            run_date = value
        else:
            try:
                run_date = _date(str(value))
            except ValueError as exc:
                bad("run_date", str(exc))
    elif "week" in raw:
        try:
            run_date = parse_week(str(raw["week"]))
        except ValueError as exc:
            bad("week", str(exc))
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
                bad(key, "must be [lowest, highest] ages, e.g. [17, 25]")
        elif key == "default_quota_rate":
            try:
                kwargs[key] = _rate(str(value))
            except ValueError as exc:
                bad(key, str(exc))
        elif key == "rent_ceiling":
            kwargs[key] = {**Policy(run_date=today).rent_ceiling, **table(key, _INCOMES, 0)}
        elif key == "caseload_cap":
            kwargs[key] = {**Policy(run_date=today).caseload_cap, **table(key, _TEAM_METHODS, 0)}
        elif key == "limits":
            names = {k: k for k in ("per_department", "new_moveins_per_worker")}
            limits = table(key, names, 0)
            kwargs.update(limits)
        elif key == "weights":
            names = {f.name: f.name for f in fields(FitWeights)}
            kwargs[key] = replace(FitWeights(), **table(key, names, 0))
        else:
            bad(key, "unknown key")
    return Policy(run_date=run_date, **kwargs)


def parse_week(text: str) -> date:
    """``2026-W48`` → the Monday of that ISO week."""
    try:
        year, week = text.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week (YYYY-Www)") from None


# --------------------------------------------------------------------------- reading


def read_case(folder: Path, *, today: date | None = None) -> Case:
    """Read and validate a case folder; raises :class:`CaseError` listing every problem."""
    folder = Path(folder)
    files = {name: (folder / name).read_bytes() for name in FILES if (folder / name).is_file()}
    return read_case_files(files, today=today)


def read_case_files(files: Mapping[str, bytes], *, today: date | None = None) -> Case:
    """The same as :func:`read_case`, from file contents keyed by file name."""
    issues: list[CaseIssue] = []
    for name in REQUIRED_FILES:
        if name not in files:
            issues.append(CaseIssue(name, None, None, "required file is missing"))
    youth_rows = _table("youths.csv", files.get("youths.csv"), YOUTH_COLUMNS, issues)
    unit_rows = _table("units.csv", files.get("units.csv"), UNIT_COLUMNS, issues)
    team_rows = _table("support.csv", files.get("support.csv"), SUPPORT_COLUMNS, issues)
    quota_rows = _table("quotas.csv", files.get("quotas.csv"), QUOTA_COLUMNS, issues)
    policy = _policy(files.get("policy.toml"), today or date.today(), issues)

    issues += _duplicates("youths.csv", youth_rows, lambda r: r["ref"], "ref")
    issues += _duplicates("units.csv", unit_rows, lambda r: r["ref"], "ref")
    issues += _duplicates("support.csv", team_rows, lambda r: r["team"], "team")
    issues += _duplicates(
        "quotas.csv", quota_rows, lambda r: (r["organisation"], r["dwelling_type"]), "dwelling_type"
    )
    methods = {r["team"]: r["method"] for r in team_rows if r["team"] is not None}
    for r in youth_rows:
        issues += _team_issues(r, methods)
    if issues:
        raise CaseError(issues)

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


def _team_issues(row: dict[str, Any], methods: Mapping[str, SupportMethod]) -> list[CaseIssue]:
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
    if team not in methods:
        return [CaseIssue(*here, f"{team!r} is not a team in support.csv")]
    if methods[team] is not method:
        return [CaseIssue(*here, f"{team!r} is a {methods[team].value} team, not {method.value}")]
    return []


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
    """Write a case folder that :func:`read_case` reads back to an equal :class:`Case`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_table(folder / "youths.csv", YOUTH_COLUMNS, case.youths)
    _write_table(folder / "units.csv", UNIT_COLUMNS, case.units)
    _write_table(folder / "support.csv", SUPPORT_COLUMNS, case.teams)
    _write_table(folder / "quotas.csv", QUOTA_COLUMNS, case.quotas)
    (folder / "policy.toml").write_text(policy_toml(case.policy), encoding="utf-8")


def policy_toml(policy: Policy) -> str:
    """The policy as ``policy.toml`` text, every key explicit."""
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
