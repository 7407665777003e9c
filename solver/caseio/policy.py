"""``policy.toml``: read it into :class:`~solver.domain.Policy`, write it back, its JSON Schema.

Every key is declared once, on :class:`~solver.domain.Policy` (bounds and descriptions); this
module only maps the file's layout onto it — ``run_date`` or ``week`` (default: today), the
``[limits]`` table whose keys are the policy's ``per_department`` and
``new_moveins_per_worker`` — and turns validation errors into :class:`CaseIssue` rows that name
the key (``policy.toml, rent_ceiling.lottery: unknown key …``).
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from solver.caseio.cells import parse_date
from solver.caseio.issues import CaseIssue
from solver.caseio.weeks import parse_week
from solver.domain import RULE_CODES, FitWeights, Policy

NAME = "policy.toml"
LIMITS = ("per_department", "new_moveins_per_worker")
_FIELDS = tuple(f.name for f in fields(Policy) if f.name != "run_date")
TOP_KEYS = ("run_date", "week", *(k for k in _FIELDS if k not in LIMITS), "limits")
# Keys whose value is a table; their position in TOP_KEYS follows the file's layout.
_TABLES = ("rent_ceiling", "caseload_cap", "weights", "priority", "deposit_ceiling", "limits")


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Policy]:
    return TypeAdapter(Policy)


def read_policy(data: bytes | None, today: date, issues: list[CaseIssue]) -> Policy:
    """The policy of ``policy.toml`` (``None``: no file, every default), problems to ``issues``."""
    if data is None:
        return Policy(run_date=today)
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        error = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        issues.append(CaseIssue(NAME, None, None, "not_toml", {"error": error}))
        return Policy(run_date=today)
    return policy_from_mapping(raw, today, issues)


def policy_from_mapping(raw: dict[str, Any], today: date, issues: list[CaseIssue]) -> Policy:
    """The same as :func:`read_policy`, from the parsed TOML."""

    def bad(where: str, code: str, **params: Any) -> None:
        issues.append(CaseIssue(NAME, None, where, code, params))

    before = len(issues)
    run_date = _run_date(raw, today, bad)
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("run_date", "week"):
            continue
        if key not in TOP_KEYS:
            bad(key, "policy_unknown_key", allowed=list(TOP_KEYS))
        elif key == "limits":
            if not isinstance(value, dict):
                bad(key, "policy_table", key=key)
                continue
            for sub, v in value.items():
                if sub in LIMITS:
                    flat[sub] = v
                else:
                    bad(f"limits.{sub}", "policy_unknown_key", allowed=list(LIMITS))
        else:
            flat[key] = value
    try:
        policy = _adapter().validate_python({"run_date": run_date, **flat})
    except ValidationError as exc:
        for error in exc.errors():
            issues.append(_issue(error))
        return Policy(run_date=today)
    return policy if len(issues) == before else Policy(run_date=today)


def _run_date(raw: dict[str, Any], today: date, bad: Any) -> date:
    if "run_date" in raw and "week" in raw:
        bad("week", "policy_date_and_week")
        return today
    if "run_date" in raw:
        value = raw["run_date"]
        if isinstance(value, datetime) or not isinstance(value, date | str):
            bad("run_date", "policy_run_date", value=value)
        elif isinstance(value, date):
            return value
        else:
            try:
                return parse_date(value)
            except ValueError:
                bad("run_date", "not_date", cell=value)
    elif "week" in raw:
        value = raw["week"]
        if not isinstance(value, str):
            bad("week", "policy_week_type", value=value)
        else:
            try:
                return parse_week(value)
            except ValueError:
                bad("week", "not_week", value=value)
    return today


def _key(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p != "[key]"]
    if parts and parts[0] in LIMITS:
        parts.insert(0, "limits")
    return ".".join(parts)


def _issue(error: Any) -> CaseIssue:
    """A pydantic error as the issue a person reads, naming the key."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    key = _key(loc)

    def issue(code: str, **params: Any) -> CaseIssue:
        return CaseIssue(NAME, None, key, code, params)

    if (loc and loc[-1] == "[key]") or kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return issue("policy_unknown_key", allowed=_allowed(loc))
    if kind == "unknown_key":
        key = f"{key}.{ctx.get('key')}"
        return issue("policy_unknown_key", allowed=str(ctx.get("allowed", "")).split(", "))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return issue("policy_whole", value=value)
    if kind == "greater_than_equal":
        return issue("policy_min", minimum=ctx.get("ge"), value=value)
    if kind in ("dict_type", "dataclass_type", "dataclass_args_type", "model_type"):
        return issue("policy_table", key=key)
    if kind == "rate_type":
        return issue("policy_rate_type", value=value)
    if kind in ("not_rate", "rate_range"):
        return issue(kind, cell=value)
    if kind == "age_band":
        return issue("policy_age_band", value=value)
    if kind == "monitoring_only":
        return issue("policy_monitoring_only", name=ctx.get("name"))
    if kind == "repeated":
        return issue("policy_repeated")
    if kind == "not_a_rule":
        return issue("policy_not_one_of", value=ctx.get("value"), values=list(RULE_CODES))
    if kind in ("enum", "literal_error"):
        return issue("policy_not_one_of", value=value, values=_choices(ctx))
    return issue("policy_value", error=error.get("msg", kind))


def _choices(ctx: dict[str, Any]) -> list[str]:
    expected = str(ctx.get("expected", ""))
    return [p.strip(" '") for p in expected.replace(" or ", ", ").split(",") if p.strip()]


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed in the table that holds ``loc``'s last key."""
    table = str(loc[0]) if loc else ""
    if table == "weights":
        return [f.name for f in fields(FitWeights)]
    if table in ("rent_ceiling", "deposit_ceiling"):
        return [k.value for k in Policy(run_date=date(2000, 1, 1)).rent_ceiling]
    if table == "caseload_cap":
        return ["ICM", "CTI", "ACT"]
    if table == "priority":
        return ["order", "situation_rank", "points"]
    return list(TOP_KEYS)


def policy_toml(policy: Policy) -> str:
    """The policy as ``policy.toml`` text, every key explicit (the rate as an exact fraction
    string, e.g. ``"1/4"``), which :func:`read_policy` reads back to an equal policy."""
    lo, hi = policy.youth_dwelling_age
    scheme = policy.priority

    def strings(values: Any) -> str:
        return "[" + ", ".join(f'"{getattr(v, "value", v)}"' for v in values) + "]"

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
        *(f"{name} = {getattr(policy, name)}" for name in LIMITS),
        "",
        "[weights]",
        *(f"{f.name} = {getattr(policy.weights, f.name)}" for f in fields(FitWeights)),
        "",
        "[priority]",
        f"order = {strings(scheme.order)}",
        f"situation_rank = {strings(scheme.situation_rank)}",
    ]
    waivable = f"waivable = {strings(policy.waivable)}"
    lines.insert(lines.index("[rent_ceiling]") - 1, waivable)
    if scheme.points:
        lines += ["", "[priority.points]", *(f"{k} = {v}" for k, v in scheme.points.items())]
    if policy.deposit_ceiling:
        lines += ["", "[deposit_ceiling]"]
        lines += [f"{k.value} = {v}" for k, v in policy.deposit_ceiling.items()]
    return "\n".join(lines) + "\n"


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of ``policy.toml`` (as the file lays it out: ``[limits]``, ``week``)."""
    schema = _adapter().json_schema()
    props = schema["properties"]
    props["run_date"] = {
        "type": "string",
        "format": "date",
        "description": "The run's date (YYYY-MM-DD); or give week. Default: today.",
    }
    props["week"] = {
        "type": "string",
        "pattern": r"^[0-9]{4}-W[0-9]{2}$",
        "description": "The run's ISO week (its Monday is the run date), e.g. 2026-W48.",
    }
    props["limits"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: props.pop(name) for name in LIMITS},
        "description": "Optional limits; 0 = off.",
    }
    schema["required"] = []
    schema["title"] = "policy.toml"
    schema["description"] = (
        "A week's policy (../shared/case-format.md); every key has a default. Tables: "
        + ", ".join(_TABLES)
        + "."
    )
    return schema


if __name__ == "__main__":  # python -m solver.caseio.policy > docs/policy.schema.json
    import json

    print(json.dumps(policy_schema(), indent=2, ensure_ascii=False))
