"""CPR numbers where none may be: Boligmatch knows a youth by a pseudonymous reference, never
by a CPR number (domain.md: "pseudonymous case reference (never a CPR number)";
case-format.md, youths.csv ``ref``), and its free texts (a decision's reason, a decline text, a
claim's note) say "no personal data".

A CPR number is ten digits, ``DDMMYY-SSSS``: a date of birth and a serial number. People write
it with a hyphen, a space or nothing between the halves, and sometimes in pairs (``01 01 90
12 34``, ``0101 90 1234``, ``01.01.90-1234``). The modulus-11 check is not asked: numbers
that fail it have been issued since 2007. What looks like one here: a day of a month (1–31 as
the month allows; 29 February in a year divisible by four) as ``DDMMYY`` with or without a
``-``, ``.`` or space after the day and the month, then four digits (after a separator when
the date has one), with no digit just before or after. A phone number (eight digits, or
``+45`` and eight: 45 is no day), a postcode, an amount, an ISO date or a Danish date with a
time (``23.11.2026 14:30``) does not.

The reader and the service refuse such a value and do not repeat it in the error (the error
names the file, row and column, or the field, so it can be found and replaced).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

# At every place a number may start (a lookahead: a candidate that is no date does not hide
# one that starts inside it): day, month and year, each pair optionally followed by one ``-``,
# ``.`` or space (the same one after the day and the month); a date written with a separator
# needs one before the serial too, so a date with a four-digit year and a time
# (``23.11.2026 14:30``, ``kl. 10.30 11.12.2026``) is no CPR number; the serial is four digits
# or two pairs with a space.
_CPR = re.compile(
    r"(?<!\d)(?=(\d\d)([-. ])?(\d\d)(?(2)\2|([-. ])?)(\d\d)(?(2)[-. ]|(?(4)[-. ]|[- ]?))"
    r"\d\d ?\d\d(?!\d))",
    re.ASCII,
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Every digit as 0, the separators gone: ten digits in a row are then a plain string, found by
# a byte search, where the pattern above takes ~40 ns a character (6 ms over a national week's
# references, read again for every run). Only a text that passes is searched with the pattern.
_ZEROS = bytes.maketrans(b"0123456789", b"0" * 10)


def _may_hold(text: str) -> bool:
    return b"0000000000" in text.encode("utf-8", "surrogatepass").translate(_ZEROS, b" .-")


def _is_date(day: str, month: str, year: str) -> bool:
    d, m = int(day), int(month)
    if not 1 <= m <= 12 or not 1 <= d <= _DAYS[m - 1]:
        return False
    return not (m == 2 and d == 29 and int(year) % 4 != 0)


def _hits(text: str) -> list[int]:
    """Where in ``text`` something that looks like a CPR number starts."""
    if not _may_hold(text):
        return []
    return [m.start() for m in _CPR.finditer(text) if _is_date(m[1], m[3], m[5])]


def has_cpr(text: str | None) -> bool:
    """Whether ``text`` holds something that looks like a CPR number."""
    return bool(text and _hits(text))


def cpr_texts(texts: Iterable[str | None]) -> set[str]:
    """Those of ``texts`` that hold what looks like a CPR number.

    Each distinct text once, and all of them in one search (a national week has 20,000
    references, read again for every run's snapshot; a column of case workers a few dozen
    names), each hit found back by its offset. A line break does not join two texts' digits:
    the pattern allows only ``-``, ``.`` or a space within one."""
    distinct = [t for t in set(texts) if t]
    joined = "\n".join(distinct)
    hits = _hits(joined)
    if not hits:
        return set()
    starts, at = [], 0
    for text in distinct:
        starts.append(at)
        at += len(text) + 1
    return {distinct[bisect_right(starts, hit) - 1] for hit in hits}


def cpr_cells(cells: Sequence[str | None]) -> list[int]:
    """The positions in ``cells`` of those that hold what looks like a CPR number, in order."""
    found = cpr_texts(cells)
    return [at for at, cell in enumerate(cells) if cell in found] if found else []
