"""ISO weeks as the case format and the service write them: ``2026-W48``.

An allocation week is named by its ISO week; its run date defaults to the week's Monday. People
may also type a week as ``48`` or ``uge 48`` (:func:`read_week`, the year taken as the one that
puts the week nearest to a given day); shown to them it reads ``uge 48, 2026``
(:func:`solver.i18n.render.week`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEK_PATTERN = r"^[0-9]{4}-W[0-9]{2}$"
OFFICE_ZONE = ZoneInfo("Europe/Copenhagen")  # the office's clock: what a day and a date mean
_ISO = re.compile(r"([0-9]{4})-W([0-9]{2})")
_SHORT = re.compile(r"(?:uge\s*)?([0-9]{1,2})(?:\s*[,/]?\s*([0-9]{4}))?", re.IGNORECASE)


def parse_week(text: str) -> date:
    """``2026-W48`` → the Monday of that ISO week; ValueError for anything else."""
    match = _ISO.fullmatch(text.strip())
    try:
        if not match:
            raise ValueError
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week (YYYY-Www)") from None


def office_today() -> date:
    """Today in Copenhagen, the allocation office's date: a case's default run date, an offer's
    answer date, the pages' day filters. (``date.today()`` is the machine's zone's: UTC on a
    server, a day behind between midnight and one o'clock in Copenhagen, and on a Monday then
    the week before.)"""
    return datetime.now(OFFICE_ZONE).date()


def week_of(day: date) -> str:
    """The ISO week of ``day``: ``2026-W48``."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def read_week(text: str, near: date) -> str:
    """A week as a person types it — ``2026-W48``, ``48``, ``uge 48`` or ``uge 48, 2026`` — as
    ``2026-W48``. Without a year, the week whose Monday is nearest to ``near``.

    Raises ValueError naming the text when it is no week.
    """
    text = text.strip()
    if _ISO.fullmatch(text):
        parse_week(text)
        return text
    match = _SHORT.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO week (YYYY-Www)")
    number = int(match[1])
    years = [int(match[2])] if match[2] else [near.year - 1, near.year, near.year + 1]
    mondays = []
    for year in years:
        try:
            mondays.append(date.fromisocalendar(year, number, 1))
        except ValueError:
            continue
    if not mondays:
        raise ValueError(f"{text!r} is not an ISO week (YYYY-Www)")
    best = min(mondays, key=lambda monday: abs(monday - near - timedelta(days=3)))
    return week_of(best)
