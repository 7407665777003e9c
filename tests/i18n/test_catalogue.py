"""The message catalogue: every message in both languages, renderable with its parameters."""

from __future__ import annotations

import ast
import re
import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from solver.i18n.catalogue import CATALOGUE
from solver.i18n.render import LANGS, change, label, number, table, text, week


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
            "week": "2026-W48", "change": "offer.decline 2026-W48"}.get(spec, 2)  # fmt: skip


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


def test_the_last_change_is_said_in_words() -> None:
    """The data version's record of what changed it (an audit action and maybe a week) as a
    reader says it, on the stale-run notices: never the action's code."""
    assert change("claim.withdraw 2026-W49", "da") == "Anvisning trukket tilbage (uge 49, 2026)"
    assert change("youth.create", "da") == "Ung registreret"
    assert change("import 2026-W48", "en") == "Import (week 48, 2026)"
    assert change("–", "da") == "–" and change("", "da") == "–"
    notice = text("page.run_stale", "da", run=3, change="offer.decline 2026-W48")
    assert "seneste ændring: Tilbud afslået (uge 48, 2026))" in notice and "offer." not in notice


def test_every_reason_a_youth_has_no_expected_wait_is_in_danish() -> None:
    """The queue page says why a youth who does not wait has no expected wait (their status,
    ``service.usecases.queue``) in words, never the English code."""
    from service.models import YouthStatus

    words = table("wait_reason", "da")
    for status in YouthStatus:
        if status is not YouthStatus.WAITING:
            assert f"youth is {status.value}" in words, status


def test_an_unknown_code_is_shown_as_it_is_and_a_missing_parameter_fails() -> None:
    assert label("reason", "brand_new_code") == "brand_new_code"
    with pytest.raises(KeyError):
        text("explain.no_affordable_unit", "da", left=2)


# ----------------------------------------------------------------------------- codes in use
ROOT = Path(__file__).resolve().parents[2]
_KEY = re.compile(r"^[a-z_]+\.[a-z0-9_.]+$")
# (function called, position of the code, keyword, namespace position, default namespace)
_CODE_CALLS = {
    "Problem": (1, "code", 3, "request"),
    "ScenarioIssue": (2, "code", None, "scenario"),
    "fail": (1, "code", None, "scenario"),  # solver.planning.scenario.parse_scenario's helper
    "_given": (2, "code", None, "scenario"),
    # the change a data version records, said on stale-run notices ({change:change})
    "bump_pool_version": (1, "change", None, "audit_action"),
}


def _constants(node: ast.AST | None) -> list[str]:
    """The string constants ``node`` can be: a constant, or either side of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _argument(call: ast.Call, position: int | None, keyword: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _used_keys(path: Path) -> set[str]:
    """The catalogue keys a module names literally: ``text("ns.code", ...)``, a
    ``Problem``/``ScenarioIssue``'s code (in its namespace), a scenario check's ``fail(key,
    "code")``/``_given(..., "code")``, and the codes ``solver.planning.scenario._issue`` returns."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_issue":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Tuple):
                    found |= {f"scenario.{c}" for c in _constants(inner.value.elts[1])}
                if isinstance(inner, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in inner.targets
                ):
                    found |= {f"scenario.{c}" for c in _constants(inner.value)}
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name in ("text", "_text", "texts") and node.args:
            found |= {k for k in _constants(node.args[0]) if _KEY.match(k)}
        if name in _CODE_CALLS:
            position, keyword, ns_position, default = _CODE_CALLS[name]
            namespaces = _constants(_argument(node, ns_position, "namespace")) or [default]
            for code in _constants(_argument(node, position, keyword)):
                found |= {f"{ns}.{code}" for ns in namespaces}
    return found


_MODULES = sorted(p for folder in ("solver", "service") for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_the_code_uses_has_a_catalogue_entry(path: Path) -> None:
    """Every message key or problem code a module names (the scenario checks' codes, the
    planning request's, the pages' own) is in the catalogue, so it has a Danish form (the test
    above) for the pages, not just the English line the API and the CLI write."""
    missing = sorted(k for k in _used_keys(path) if k not in CATALOGUE)
    assert not missing, missing


def test_the_code_scan_sees_the_scenario_codes() -> None:
    """(The scan above finds what it should: the scenario checks' and the planning codes.)"""
    scenario = _used_keys(ROOT / "solver" / "planning" / "scenario.py")
    assert {"scenario.at_most", "scenario.unknown_key", "scenario.at_least_integer",
            "scenario.at_least_number", "scenario.count_or_per_week", "scenario.not_team",
            "scenario.not_toml"} <= scenario  # fmt: skip
    planning = _used_keys(ROOT / "service" / "usecases" / "planning.py")
    assert {"request.over_bound", "request.no_scenario", "scenario.base_unreadable",
            "limit.toml_too_deep"} <= planning  # fmt: skip
    assert "page.scenario_invalid" in _used_keys(ROOT / "service" / "web" / "planner.py")
