"""Cell kinds of the case format: how a column's cells are checked and converted.

A :class:`Kind` checks a whole column of trimmed, non-empty cells at once and returns, per cell,
the problem as ``(code, params)`` (``None`` = fine; the cell itself is added to ``params`` by the
reader); ``convert`` turns one valid cell into its value.

**Danish spreadsheets** (a ``;``-separated file, case-format "Danish spreadsheets"): before the
check, ``danish`` rewrites the column the Danish way into the ISO way — dates ``dd-mm-åååå`` or
``dd.mm.åååå`` to ``åååå-mm-dd``, kroner ``2.450`` or ``2.450,00`` to ``2450``, a rate ``0,25``
to ``0.25`` — so such a file reads exactly like its ISO twin; messages still quote the cell as
the user wrote it.

Decisions: booleans ``true/false``, ``1/0``, ``ja/nej`` (also ``yes/no``), any case, in any file;
enums exactly as written in the format; whole numbers are plain ASCII digits in an ISO file (no
``+``, ``_``, separators or decimals); dates exactly ``YYYY-MM-DD`` in an ISO file; a quota
``rate`` is a decimal (``0.25``, or ``0,25``) or a fraction (``1/3``), kept exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

Problem = tuple[str, dict[str, Any]] | None
Check = Callable[[pd.Series], pd.Series]  # cells -> Problem per cell
Normalise = Callable[[pd.Series], pd.Series]


@dataclass(frozen=True)
class Kind:
    check: Check
    convert: Callable[[str], Any]
    danish: Normalise | None = None  # rewrite Danish-spreadsheet cells the ISO way
    values: tuple[str, ...] | None = None  # an enumeration's values, as written
    # Where ``convert`` accepts more than ``check`` (``int`` reads "+5", ``date.fromisoformat``
    # "20260101"): the shape ``check`` allows, as a regular expression for one non-empty cell,
    # and the least whole number. What the reader of cells already known to be well formed
    # checks (``solver.caseio.read.read_cells``); for the other kinds ``convert`` raises
    # ValueError or KeyError for every cell ``check`` refuses.
    shape: str | None = None
    minimum: int | None = None


def flag(cells: pd.Series, *cases: tuple[pd.Series, str, dict[str, Any]]) -> pd.Series:
    """Per cell, the problem of the first ``(mask, code, params)`` case whose mask holds, or
    ``None`` when none does."""
    out: list[Problem] = [None] * len(cells)
    for bad, code, params in reversed(cases):
        for pos in np.flatnonzero(bad.to_numpy(dtype=bool)):
            out[pos] = (code, params)
    return pd.Series(out, index=cells.index, dtype=object)


def _fine(cells: pd.Series) -> pd.Series:
    return flag(cells)  # any text is fine


# A youth's or a dwelling's reference is part of the service's addresses (``/unge/{ref}``,
# ``/api/v1/youths/{ref}``), which take at most this many characters.
MAX_REF = 64


def _check_ref(cells: pd.Series) -> pd.Series:
    """At most ``MAX_REF`` characters, and one segment of an address: no ``/`` (it would split
    the address, and the page could never be opened), no ``\\`` (browsers read it as ``/``), no
    ``?``, ``#`` or ``%`` (they end the path or start an escape in the pages' links), and not
    ``.`` or ``..`` (browsers drop or climb those segments)."""
    split = cells.str.contains(r"[/\\?#%]", regex=True) | cells.isin([".", ".."])
    return flag(
        cells,
        (cells.str.len() > MAX_REF, "ref_too_long", {"max": MAX_REF}),
        (split, "ref_in_address", {}),
    )


BOOLS = {"true": True, "1": True, "ja": True, "yes": True}
BOOLS |= {"false": False, "0": False, "nej": False, "no": False}


def enum(values: Mapping[str, Any]) -> Kind:
    def check(cells: pd.Series) -> pd.Series:
        return flag(cells, (~cells.isin(list(values)), "not_one_of", {"values": list(values)}))

    return Kind(check, values.__getitem__, values=tuple(values))


# ``2.450`` / ``2.450,00`` / ``2450,0``: whole kroner written the Danish way.
_DANISH_WHOLE = r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,0+)?"


def _danish_whole(cells: pd.Series) -> pd.Series:
    shaped = cells.str.fullmatch(_DANISH_WHOLE)
    plain = cells.str.replace(".", "", regex=False).str.replace(r",0+$", "", regex=True)
    return plain.where(shaped, cells)


def whole(minimum: int, what: str) -> Kind:
    """Whole numbers of at least ``minimum``; ``what`` (``amount``, ``count``, ``value``) names
    the quantity in the message."""

    def check(cells: pd.Series) -> pd.Series:
        digits = cells.str.fullmatch(r"-?[0-9]+")
        huge = digits & (cells.str.lstrip("-").str.len() > 15)  # beyond any kroner amount
        number = digits & ~huge
        low = number & (pd.to_numeric(cells.where(number, "0")) < minimum)
        return flag(
            cells,
            (~digits, "not_whole", {}),
            (huge, "too_large", {}),
            (low, "below_min", {"what": what, "minimum": minimum}),
        )

    return Kind(check, int, _danish_whole, shape=r"-?[0-9]{1,15}", minimum=minimum)


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
    return flag(cells, (~real, "not_date", {}))


def _danish_date(cells: pd.Series) -> pd.Series:
    parts = cells.str.extract(r"^([0-9]{1,2})[-.]([0-9]{1,2})[-.]([0-9]{4})$")
    shaped = parts[0].notna()
    iso = parts[2] + "-" + parts[1].str.zfill(2) + "-" + parts[0].str.zfill(2)
    return iso.where(shaped, cells)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> date:
    """One ``YYYY-MM-DD`` text (the shape and the calendar :func:`_check_date` asks for, without
    a one-cell Series: a policy's run date is read for every run), or ValueError."""
    if not _ISO_DATE.fullmatch(text) or not _is_date(text):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    return date.fromisoformat(text)


def list_cell(text: str) -> tuple[str, ...]:
    if ";" not in text:  # one item (most cells): trimmed, as the cell already is
        item = text.strip()
        return (item,) if item else ()
    return tuple(filter(None, map(str.strip, text.split(";"))))  # empty items dropped


def _danish_list(cells: pd.Series) -> pd.Series:
    # In a Danish file a list is ``,``-separated (``;`` is the file's separator) or quoted.
    return cells.str.replace(",", ";", regex=False)


class RateError(ValueError):
    """A rate that cannot be read: ``code`` is ``not_rate`` or ``rate_range``."""

    def __init__(self, code: str, text: str) -> None:
        what = "is not a rate (0.25 or 1/4)" if code == "not_rate" else "is not between 0 and 1"
        super().__init__(f"{text!r} {what}")
        self.code = code


def parse_rate(text: str) -> Fraction:
    """``0.25`` (or Danish ``0,25``) or ``1/4`` → an exact :class:`~fractions.Fraction` between
    0 and 1, read from the text (never through a float). Raises :class:`RateError`."""
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise RateError("not_rate", text) from None
    if not 0 <= value <= 1:
        raise RateError("rate_range", text)
    return value


def _rate_problem(text: str) -> Problem:
    try:
        parse_rate(text)
    except RateError as exc:
        return exc.code, {}
    return None


def _check_rate(cells: pd.Series) -> pd.Series:
    # per cell: quotas.csv is a few rows
    return pd.Series([_rate_problem(c) for c in cells], index=cells.index, dtype=object)


def _check_bool(cells: pd.Series) -> pd.Series:
    return flag(cells, (~cells.str.lower().isin(list(BOOLS)), "not_bool", {}))


TEXT = Kind(_fine, str)
REF = Kind(_check_ref, str, shape=f"[^\\x00]{{1,{MAX_REF}}}")
LIST = Kind(_fine, list_cell, _danish_list)
DATE = Kind(
    _check_date,
    date.fromisoformat,
    _danish_date,
    shape=r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
)
BOOL = Kind(_check_bool, lambda text: BOOLS[text.lower()])
RATE = Kind(_check_rate, parse_rate)
MONEY = whole(0, "amount")  # whole kroner, never negative
COUNT = whole(0, "count")
POSITIVE = whole(1, "value")
