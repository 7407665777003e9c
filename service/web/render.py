"""Jinja2 templates (``service/templates``) with Danish number and date filters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from solver.engine.explain import Reason
from solver.i18n.render import text as _text
from solver.i18n.render import week as _week

from ..models import LOCAL, local_today
from ..usecases.gdpr import TOMBSTONE_PREFIX
from . import texts

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def dk_number(value: Any) -> str:
    """1234567 -> '1.234.567' (Danish thousands separator)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
    return str(value)


def dk_date(value: Any) -> str:
    """A date as 23.11.2026; a datetime as 23.11.2026 14:05 in Danish time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(LOCAL).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def urgent_date(value: date | None, open_case: bool = True, *, brackets: bool = True) -> Markup:
    """A youth's urgent-by date; once it has passed while the case is open (waiting, offered)
    the page says so beside it ("overskredet med 3 dage"), so the allocator sees who is overdue
    without counting days. "–" without a date. ``brackets=False``: the date and the words in
    one pair of brackets, for a list that brackets the date already ("U1 (16.11.2026,
    overskredet med 3 dage)"); else "16.11.2026 (overskredet med 3 dage)"."""
    if value is None:
        return Markup("–")
    shown = escape(dk_date(value))
    late = (local_today() - value).days
    if not open_case or late <= 0:
        return Markup(shown if brackets else f"({shown})")
    words = escape(_text("page.urgent_overdue", "da", days=late))
    if not brackets:
        return Markup(f'({shown}, <strong class="overdue">{words}</strong>)')
    return Markup(f'{shown} <strong class="overdue">({words})</strong>')


def dk_percent(value: Any) -> str:
    if value is None:
        return ""
    return f"{100 * float(value):.0f} %"


def dk_week(value: Any) -> str:
    """An ISO week (``2026-W48``, or a date in it) as ``uge 48, 2026``; anything else as it is."""
    if value is None or value == "":
        return ""
    try:
        return _week(value, "da")
    except (ValueError, TypeError):
        return str(value)


def dk_kroner(value: Any) -> str:
    """Kroner as Danes write them: ``3.000 kr``; empty when not given."""
    if value is None or value == "":
        return ""
    return f"{dk_number(value)} kr"


def reason_sentence(proposal: Any) -> dict[str, str]:
    """Why a youth was not housed, in Danish from the reason's parameters; a proposal stored
    before they were kept shows the engine's English sentence (marked ``lang="en"``)."""

    def field(name: str) -> Any:  # a Proposal, or its row in a GDPR export (a dict)
        return proposal.get(name) if isinstance(proposal, Mapping) else getattr(proposal, name)

    params, reason = field("reason_params"), field("reason")
    if reason == "pin":  # the allocator's own reason
        return {"text": field("detail") or "", "lang": "da"}
    if params is not None and reason:
        return {"text": Reason(reason, params).text("da"), "lang": "da"}
    return {"text": field("detail") or "", "lang": "en"}


templates.env.filters["dk_number"] = dk_number
templates.env.filters["dk_date"] = dk_date
templates.env.filters["dk_percent"] = dk_percent
templates.env.filters["urgent_date"] = urgent_date
templates.env.filters["week"] = dk_week
templates.env.filters["kr"] = dk_kroner
templates.env.filters["lcfirst"] = lambda value: value[:1].lower() + value[1:]  # ICM/CTI kept
templates.env.globals["t"] = texts
templates.env.globals["label"] = texts.label
templates.env.globals["reason_sentence"] = reason_sentence


def message(key: str, params: dict[str, Any]) -> str:
    """A catalogue message in Danish."""
    return _text(key, "da", **params)


templates.env.globals["message"] = message
templates.env.globals["erased_prefix"] = TOMBSTONE_PREFIX  # a youth erased on request (GDPR)


def youth_link(ref: str) -> Markup:
    """A youth's reference as a link to their page, or, for a youth erased on request (a
    tombstone), the words saying so: the tombstone is no reference anyone can use."""
    if ref.startswith(TOMBSTONE_PREFIX):
        return Markup(escape(_text("page.youth_erased", "da")))
    return Markup(f'<a href="/unge/{escape(ref)}">{escape(ref)}</a>')


templates.env.globals["youth_link"] = youth_link


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return templates.TemplateResponse(
        request, name, context or {}, status_code=status_code, headers=headers
    )


def error_page(request: Request, status_code: int, message: str, title: str | None) -> Response:
    """The error page (no navigation: the user may not be known)."""
    return render(
        request,
        "error.html",
        {"title": title or "Fejl", "message": message, "status_code": status_code},
        status_code=status_code,
    )


# A coded field of a youth's record, and the words for its codes.
_YOUTH_VALUE_WORDS = {
    "situation": texts.SITUATIONS,
    "income_type": texts.INCOME_TYPES,
    "status": texts.YOUTH_STATUS,
    "pet": texts.PETS,
    "gender": texts.GENDERS,
    "support_method": texts.SUPPORT_METHODS,
    "withdrawn_reason": texts.WITHDRAW_REASONS,
}


def youth_value(field: str, value: Any) -> str:
    """One field of a youth's record as the access-request page shows it (Danish)."""
    if value is None or value == [] or value == "":
        return "–"
    words = _YOUTH_VALUE_WORDS.get(field)
    if words is not None:
        return texts.label(words, str(getattr(value, "label", value)))
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int):
        return dk_number(value)
    if isinstance(value, date | datetime):
        return dk_date(value)
    return str(value)


templates.env.globals["youth_value"] = youth_value


def export_page(data: dict[str, Any]) -> str:
    """The access-request page of one youth's export, standalone (no navigation, no forms):
    what ``boligmatch youth export --html`` writes."""
    return templates.get_template("admin/youth_export.html").render(
        export=data, user=None, standalone=True
    )
