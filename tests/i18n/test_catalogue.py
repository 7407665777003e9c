"""The message catalogue: every message in both languages, renderable with its parameters."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

import pytest

from solver.i18n.catalogue import CATALOGUE
from solver.i18n.render import LANGS, label, number, text, week


def _templates(entry: dict[str, Any], lang: str) -> list[str]:
    form = entry[lang]
    return [form] if isinstance(form, str) else list(form.values())


def _sample(spec: str) -> Any:
    """A value of the kind the placeholder's spec formats."""
    if spec.startswith("L."):
        namespace = spec[2:]
        return next(k for k in CATALOGUE if k.startswith(namespace + ".")).split(".", 1)[1]
    if spec.startswith("Llist."):
        return [next(k for k in CATALOGUE if k.startswith(spec[6:] + ".")).split(".", 1)[1]]
    return {"kr": 3000, "list": ["a", "b"], "groups": ["BoligA/youth"], "q": "x", "r": "x",
            "week": "2026-W48"}.get(spec, 2)  # fmt: skip


def _params(entry: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for lang in LANGS:
        for template in _templates(entry, lang):
            for _, name, spec, _ in string.Formatter().parse(template):
                if name:
                    params[name] = _sample(spec or "")
    return params


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    """Danish and English forms exist for every message and use the same parameters."""
    entry = CATALOGUE[key]
    names = {}
    for lang in LANGS:
        assert lang in entry, f"{key} has no {lang}"
        names[lang] = {
            name
            for template in _templates(entry, lang)
            for _, name, _, _ in string.Formatter().parse(template)
            if name
        }
        if "count" in entry:
            assert not isinstance(entry[lang], str)
            assert {"one", "other"} <= {p for f in entry[lang] for p in f.split(",")}
    assert names["da"] == names["en"]


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_renders_for_every_count(key: str) -> None:
    """Rendering never fails: every placeholder is filled, every plural form exists."""
    entry = CATALOGUE[key]
    params = _params(entry)
    counts = str(entry["count"]).split(",") if "count" in entry else []
    for lang in LANGS:
        for n in (0, 1, 2):
            rendered = text(key, lang, **{**params, **{c: n for c in counts}})
            assert "{" not in rendered
            assert rendered or key.startswith("fit_unit.")  # a fit term may have no unit


def test_numbers_dates_and_weeks_are_written_the_readers_way() -> None:
    """Danish thousands '.', decimal ','; English the other way round; weeks as people say them."""
    assert number(1234567, "da") == "1.234.567" and number(1234567, "en") == "1,234,567"
    assert number(0.5, "da", 1) == "0,5"
    assert (
        week("2026-W48", "da") == "uge 48, 2026"
        and week(date(2026, 11, 23), "en") == "week 48, 2026"
    )
    assert text("explain.no_affordable_unit", "da", left=1, ceiling=3000, cheapest=3450).count("3.")


def test_an_unknown_code_is_shown_as_it_is_and_a_missing_parameter_fails() -> None:
    assert label("reason", "brand_new_code") == "brand_new_code"
    with pytest.raises(KeyError):
        text("explain.no_affordable_unit", "da", left=2)
