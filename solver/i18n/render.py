"""Render catalogue messages: ``text(key, lang, **params)`` and ``label(namespace, code, lang)``.

A message is a template in each language (:mod:`solver.i18n.catalogue`); a message that depends
on a number names that parameter in ``"count"`` and has a ``"one"`` and an ``"other"`` form.
Placeholders are ``{name}`` or ``{name:spec}``:

- no spec: whole numbers with the language's thousands separator (``3.000`` / ``3,000``),
  dates as ``23.11.2026`` / ``2026-11-23``, everything else as ``str``;
- ``kr``: kroner (``3.000 kr`` / ``3,000 kr``); ``plain``: a number as digits (years, rows);
- ``q``: the value quoted as the user wrote it (``'2.450'``); ``r``: Python's ``repr`` (a
  policy value of the wrong type: ``'soon'``, ``1.5``, ``[25]``);
- ``groups``: capacity-group labels ``organisation/type`` with the type in the reader's words;
- ``week``: an ISO week (``2026-W48``) as ``uge 48, 2026`` / ``week 48, 2026``;
- ``list``: items joined by ``, ``; ``L.namespace``: the value's label in that namespace
  (``{pet:L.pet_a}`` → ``a large dog`` / ``en stor hund``); ``Llist.namespace``: the same for
  each item of a list.

An unknown key or a missing parameter raises ``KeyError``: a test renders every message.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from solver.i18n.catalogue import CATALOGUE, Entry

_PARSE = string.Formatter().parse

LANGS = ("da", "en")
DEFAULT_LANG = "da"


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"Unknown language {lang!r} (expected one of {', '.join(LANGS)}).")
    return lang


def number(value: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """``1234567`` → ``1.234.567`` (da) / ``1,234,567`` (en); ``decimals`` after the comma/point."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):  # -0,00: a tiny negative, rounded
        text = text[1:]
    if lang == "da":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def kroner(value: int, lang: str = DEFAULT_LANG) -> str:
    return f"{number(value, lang)} kr"


def day(value: date, lang: str = DEFAULT_LANG) -> str:
    """A date as a person in that language writes it: ``23.11.2026`` / ``2026-11-23``."""
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if lang == "da" else value.isoformat()


def week(value: date | str, lang: str = DEFAULT_LANG) -> str:
    """An ISO week (a date in it, or ``2026-W48``) as ``uge 48, 2026`` / ``week 48, 2026``."""
    if isinstance(value, str):
        year, _, num = value.partition("-W")
        y, w = int(year), int(num)
    else:
        y, w, _ = value.isocalendar()
    return f"{'uge' if lang == 'da' else 'week'} {w}, {y}"


_WEEK = re.compile(r"[0-9]{4}-W[0-9]{2}")


def change(value: str, lang: str = DEFAULT_LANG) -> str:
    """What changed the data last, as the data version records it (an audit action, and the
    week when it has one: ``claim.withdraw 2026-W49``), in words: ``Anvisning uden for
    Boligmatch trukket tilbage (uge 49, 2026)``."""
    action, _, rest = value.strip().partition(" ")
    if not action or action == "–":
        return "–"
    words = label("audit_action", action, lang)
    if _WEEK.fullmatch(rest):
        return f"{words} ({week(rest, lang)})"
    return f"{words} {rest}".strip()


def percent(share: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """``0.43`` → ``43 %`` (a space before the sign in both languages, as Danish writes it)."""
    return f"{number(100 * share, lang, decimals)} %"


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if format_spec == "kr":
            return kroner(int(value), lang)
        if format_spec == "plain":
            return str(value)
        if format_spec == "q":
            return repr(str(value))
        if format_spec == "r":
            return repr(value)
        if format_spec == "week":
            return week(value, lang)
        if format_spec == "change":
            return change(value, lang)
        if format_spec == "groups":
            return ", ".join(_group(g, lang) for g in value)
        if format_spec == "list":
            return ", ".join(str(v) for v in value)
        if format_spec.startswith("L."):
            return label(format_spec[2:], value, lang)
        if format_spec.startswith("Llist."):
            namespace = format_spec[6:]
            return ", ".join(label(namespace, v, lang) for v in value)
        if format_spec:
            raise ValueError(f"Unknown format {format_spec!r}.")
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return number(value, lang)
        if isinstance(value, date):
            return day(value, lang)
        return str(value)


def _group(name: str, lang: str) -> str:
    """A capacity group's label ``organisation/type`` (or ``organisation/department``), the
    dwelling type in the reader's words (``BoligA/youth`` → ``BoligA/ungdomsbolig``)."""
    owner, sep, kind = name.rpartition("/")
    key = f"dwelling_type.{kind}"
    if sep and lang != "en" and key in CATALOGUE:
        return f"{owner}/{text(key, lang).lower()}"
    return name


def _form(forms: Mapping[str, str], counts: list[Any]) -> str:
    """The form for these counts: ``zero`` (if given) / ``one`` / ``other`` for each count,
    joined by commas."""
    names = []
    for i, n in enumerate(counts):
        if n == 0 and i == 0 and len(counts) == 1 and "zero" in forms:
            return forms["zero"]
        names.append("one" if n == 1 else "other")
    return forms[",".join(names)]


def _template(key: str, lang: str, params: Mapping[str, Any]) -> str:
    entry = CATALOGUE[key]
    form = entry[lang]
    if isinstance(form, str):
        return form
    counts = [params[name] for name in str(entry["count"]).split(",")]
    return _form(form, counts)


def text(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in."""
    _check_lang(lang)
    return _Formatter(lang).vformat(_template(key, lang, params), (), params)


def label(namespace: str, code: Any, lang: str = DEFAULT_LANG) -> str:
    """The word for ``code`` in ``namespace`` (``label("reason", "outranked")``); a code the
    catalogue does not know is shown as it is, so a new code never breaks a page."""
    if code is None:
        return ""
    value = getattr(code, "value", code)
    if hasattr(code, "label") and isinstance(value, int):
        value = code.label  # Pet / PetPolicy: their text code
    key = f"{namespace}.{value}"
    if key not in CATALOGUE:
        return str(value)
    return text(key, lang)


def _plain_word(entry: Entry) -> bool:
    """A word or phrase without parameters."""
    form = entry["da"]
    return isinstance(form, str) and not any(name for _, name, _, _ in _PARSE(form))


def table(namespace: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Every ``code → word`` of a namespace (for pick lists and templates); messages that take
    parameters are left out."""
    prefix = f"{namespace}."
    return {
        key.removeprefix(prefix): text(key, lang)
        for key, entry in CATALOGUE.items()
        if key.startswith(prefix) and _plain_word(entry)
    }


def has(key: str) -> bool:
    return key in CATALOGUE


def keys(prefix: str = "") -> Iterable[str]:
    return (k for k in CATALOGUE if k.startswith(prefix))
