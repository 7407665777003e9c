"""A case as people send it: loose files, one zip, or one Excel workbook → case-folder files.

The result is the ``{file name: bytes}`` that :func:`solver.caseio.read.read_case_files` reads.
A workbook's sheets named ``youths``, ``units``, ``support``, ``quotas`` and ``decisions`` — or
their Danish names (``unge``, ``boliger``, ``støtte``, ``kvoter``, ``beslutninger``,
:data:`~solver.caseio.schema.SHEET_ALIASES`) — become those CSV files, each cell written the
way the case format writes it (date cells as ``YYYY-MM-DD``, whole numbers without a decimal
part, booleans ``true``/``false``); other sheets (the template's guide) are ignored.

:func:`complete_policy` makes sure the case names its week and its policy: files that lack them
(a workbook has no ``policy.toml``) get them from what the person gave, or an issue that asks.

A zip (and a workbook, which is a zip) is checked against :class:`ZipLimits` before anything in
it is expanded: how many members, how much they expand to in all, and how much each expands
relative to its compressed size. The sizes a zip declares are not trusted: members are read
with the remaining allowance as a cap, so a zip that lies about its sizes is stopped at the cap
too. A zip bomb is refused with an issue naming the file; nothing is imported.
"""

from __future__ import annotations

import io
import tomllib
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from solver.caseio.issues import CaseError, CaseIssue
from solver.caseio.policy import policy_toml, read_policy
from solver.caseio.schema import SHEET_ALIASES
from solver.caseio.weeks import parse_week, week_of
from solver.caseio.write import csv_text

POLICY = "policy.toml"


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may hold. A case folder is 5 files of a few MB at most (50,000 youths are
    5 MB of CSV) and compresses 5-20 times; a workbook's sheets are XML, 10-30 times."""

    members: int = 100
    total_bytes: int = 200 * 1024 * 1024
    ratio: int = 200  # uncompressed / compressed, per member (members under 64 KB exempt)


SMALL_MEMBER = 64 * 1024


def check_zip(name: str, zf: zipfile.ZipFile, limits: ZipLimits) -> None:
    """Raise CaseError naming the file if the zip's declared contents pass the limits."""
    infos = zf.infolist()
    issue = None
    if len(infos) > limits.members:
        issue = CaseIssue(name, None, None, "zip_members",
                          {"count": len(infos), "limit": limits.members})  # fmt: skip
    elif sum(i.file_size for i in infos) > limits.total_bytes:
        issue = CaseIssue(name, None, None, "zip_too_large",
                          {"limit_mb": limits.total_bytes // (1024 * 1024)})  # fmt: skip
    else:
        for info in infos:
            if info.file_size > SMALL_MEMBER and info.file_size > limits.ratio * max(
                info.compress_size, 1
            ):
                issue = CaseIssue(name, None, None, "zip_ratio",
                                  {"member": info.filename, "limit": limits.ratio})  # fmt: skip
                break
    if issue is not None:
        raise CaseError([issue])


def _read_capped(name: str, zf: zipfile.ZipFile, member: str, allowance: int) -> bytes:
    """The member's bytes, at most ``allowance`` of them (a zip may lie about sizes)."""
    with zf.open(member) as fh:
        data = fh.read(allowance + 1)
    if len(data) > allowance:
        raise CaseError([CaseIssue(name, None, None, "zip_too_large",
                                   {"limit_mb": allowance // (1024 * 1024)})])  # fmt: skip
    return data


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


def _workbook(name: str, data: bytes, limits: ZipLimits) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(name, zf, limits)
    except zipfile.BadZipFile:
        pass  # not a zip at all: the reader below says the workbook is unreadable
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise CaseError([CaseIssue(name, None, None, "workbook_unreadable",
                                   {"error": str(exc)})]) from None  # fmt: skip
    files = {}
    for sheet, frame in sheets.items():
        key = SHEET_ALIASES.get(str(sheet).strip().casefold())
        if key is not None:
            rows = ([excel_cell(v) for v in row] for row in frame.itertuples(index=False))
            files[f"{key}.csv"] = csv_text([str(c) for c in frame.columns], rows).encode()
    return files


def _zip(name: str, data: bytes, limits: ZipLimits) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(name, zf, limits)
            files, allowance = {}, limits.total_bytes
            for member in zf.namelist():
                base = member.rsplit("/", 1)[-1].lower()
                if base.endswith((".csv", ".toml")):
                    files[base] = _read_capped(name, zf, member, allowance)
                    allowance -= len(files[base])
            return files
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        raise CaseError([CaseIssue(name, None, None, "zip_unreadable")]) from None


def upload_files(
    uploads: list[tuple[str, bytes]], limits: ZipLimits | None = None
) -> dict[str, bytes]:
    """Case-folder files from uploaded ``(file name, contents)``: loose files, one zip, or an
    Excel workbook (``.xlsx``/``.xlsm``). Raises CaseError for an unreadable zip or workbook,
    or one past ``limits``."""
    limits = limits or ZipLimits()
    files: dict[str, bytes] = {}
    for name, data in uploads:
        base = name.rsplit("/", 1)[-1].lower()
        if base.endswith(".zip"):
            files.update(_zip(name, data, limits))
        elif base.endswith((".xlsx", ".xlsm")):
            files.update(_workbook(name, data, limits))
        else:
            files[base] = data
    return files


def _files_week(data: bytes) -> str | None:
    """The week a ``policy.toml`` names (``week``, or the week of ``run_date``), if readable."""
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return None  # the reader reports it
    value = raw.get("week")
    if isinstance(value, str):
        return value.strip()
    run_date = raw.get("run_date")
    if isinstance(run_date, date):
        return week_of(run_date)
    if isinstance(run_date, str):
        try:
            return week_of(date.fromisoformat(run_date))
        except ValueError:
            return None
    return None


def complete_policy(
    files: dict[str, bytes],
    *,
    week: str | None,
    base_policy: bytes | None,
    use_default: bool,
) -> dict[str, bytes]:
    """``files`` with a ``policy.toml`` that names the week, or CaseError issues that ask.

    - The files' own ``policy.toml`` wins; without one, ``base_policy`` (another week's, e.g.
      the latest imported) is used for the given week, or the default policy when
      ``use_default``; with neither, ``policy_missing`` asks which.
    - The week is the policy's (``week`` or ``run_date``); a policy without one takes ``week``
      (an ISO week); with neither, ``week_missing`` asks for it; a given week that differs from
      the files' is ``week_conflict``. Nothing is ever taken from today's date.
    """
    issues: list[CaseIssue] = []
    own = files.get(POLICY)
    found = _files_week(own) if own is not None else None
    if own is None and base_policy is None and not use_default:
        issues.append(CaseIssue(POLICY, None, None, "policy_missing"))
    if found is None and week is None:
        issues.append(CaseIssue(POLICY, None, "week", "week_missing"))
    if found is not None and week is not None and found != week:
        params = {"found": found, "given": week}
        issues.append(CaseIssue(POLICY, None, "week", "week_conflict", params))
    if issues:
        raise CaseError(issues)
    if found is not None:
        return files
    assert week is not None
    monday = parse_week(week)
    if own is not None:  # the files' policy, with the week put first (before any table)
        text = f'week = "{week}"\n' + own.decode("utf-8-sig")
        return {**files, POLICY: text.encode()}
    if base_policy is not None:
        problems: list[CaseIssue] = []
        policy = read_policy(base_policy, monday, problems)
        if problems:
            raise CaseError(problems)
        return {**files, POLICY: policy_toml(replace(policy, run_date=monday)).encode()}
    return {**files, POLICY: f'week = "{week}"\n'.encode()}
