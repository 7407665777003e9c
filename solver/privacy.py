"""CPR numbers where none may be: Boligmatch knows a youth by a pseudonymous reference, never
by a CPR number (domain.md: "pseudonymous case reference (never a CPR number)";
case-format.md, youths.csv ``ref``), and its free texts (a decision's reason, a decline text, a
claim's note) say "no personal data".

A CPR number is ten digits, ``DDMMYY-SSSS``: a date of birth and a serial number, written with
a hyphen, a space or nothing between the two. The modulus-11 check is not asked: numbers
that fail it have been issued since 2007. What looks like one here: six digits that
are a day of a month (1–31 as the month allows; 29 February in a year divisible by four),
then optionally ``-`` or one space, then four digits, with no digit just before or after. A
phone number (eight digits), a postcode, an amount or a date written with separators does not.

The reader and the service refuse such a value and do not repeat it in the error (the error
names the file, row and column, or the field, so it can be found and replaced).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

_CPR = re.compile(r"(?<!\d)(\d\d)(\d\d)(\d\d)[- ]?\d{4}(?!\d)", re.ASCII)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Every digit as 0 and a space as -: a CPR number's shape is then one of two plain strings,
# found by ``str.find``, where the pattern above takes ~40 ns a character (6 ms over a national
# week's references, read again for every run).
_SHAPED = str.maketrans({**{str(d): "0" for d in range(10)}, " ": "-"})


def _is_date(day: str, month: str, year: str) -> bool:
    d, m = int(day), int(month)
    if not 1 <= m <= 12 or not 1 <= d <= _DAYS[m - 1]:
        return False
    return not (m == 2 and d == 29 and int(year) % 4 != 0)


def _hits(text: str) -> list[int]:
    """Where in ``text`` something that looks like a CPR number starts."""
    shaped = text.translate(_SHAPED)
    if "0000000000" not in shaped and "000000-0000" not in shaped:
        return []
    return [m.start() for m in _CPR.finditer(text) if _is_date(*m.groups())]


def has_cpr(text: str | None) -> bool:
    """Whether ``text`` holds something that looks like a CPR number."""
    return bool(text and _hits(text))


def cpr_cells(cells: Sequence[str | None]) -> list[int]:
    """The positions in ``cells`` of those that hold what looks like a CPR number, in order.

    One search over the joined column (a national week has 20,000 references; they are read
    again for every run's snapshot), and each hit found back by its offset. A line break does
    not join two cells' digits: the pattern allows only ``-`` or a space between the halves."""
    try:
        joined = "\n".join(cells)  # type: ignore[arg-type]
    except TypeError:  # an empty optional cell is None
        joined = "\n".join(c or "" for c in cells)
    hits = _hits(joined)
    if not hits:
        return []
    starts, at = [], 0
    for cell in cells:
        starts.append(at)
        at += len(cell or "") + 1
    return sorted({bisect_right(starts, hit) - 1 for hit in hits})
