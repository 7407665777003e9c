"""The case lifecycle on the allocation office's pages: register or edit one youth and one
vacant dwelling (a form with the case file's columns, checked by the import's own reader, its
messages next to the field they name), withdraw a youth with a coded reason and reopen them
(buttons on the youth's page), the youths a re-import no longer lists (confirm per youth or for
all), and a minor's guardian consent on the offers page. Every action is a use case of
``usecases.lifecycle``, the same as the API's and the CLI's, audited the same way.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import col, select

from solver.caseio.cells import BOOL, DATE
from solver.caseio.schema import UNIT_COLUMNS, YOUTH_COLUMNS, Column, danish_heading
from solver.caseio.weeks import WEEK_PATTERN
from solver.i18n.render import table
from solver.i18n.render import text as catalogue_text

from ..models import MAX_ID, WeekPolicy, WithdrawReason
from ..usecases import lifecycle
from ..usecases.audit import audit
from ..usecases.errors import ConflictError, InvalidRequest, NotFoundError
from .common import AllocatorUser, SessionDep, context, field_errors
from .render import render
from .session import PageError, PageRoute, check_csrf, notice, notice_query

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Ref = Annotated[str, Path(min_length=1, max_length=64)]
Week = Annotated[str, Path(pattern=WEEK_PATTERN)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Csrf = Annotated[str, Form(max_length=200)]

# The Danish words of an enumerated column's values (the catalogue's tables).
_WORDS = {
    "situation": "situation",
    "income_type": "income_type",
    "support_method": "support_method",
    "pet": "pet",
    "gender": "gender",
    "dwelling_type": "dwelling_type",
    "pets": "pet_policy",
}
WITHDRAW_REASONS = [r.value for r in WithdrawReason]


def _fields(file: str, columns: tuple[Column, ...], values: dict[str, Any],
            errors: dict[str, list[str]]) -> list[dict[str, Any]]:  # fmt: skip
    """The form's fields: name, Danish label, input kind, choices, value, errors."""
    out = []
    for c in columns:
        kind = "text"
        choices: list[tuple[str, str]] = []
        if c.kind.values is not None:
            words = table(_WORDS.get(c.name, ""), "da") if c.name in _WORDS else {}
            kind, choices = "select", [(v, words.get(v, v)) for v in c.kind.values]
        elif c.kind is BOOL:
            kind, choices = "select", [("true", "Ja"), ("false", "Nej")]
        elif c.kind is DATE:
            kind = "date"
        out.append({
            "name": c.name,
            "label": danish_heading(file, c.name) or c.name,
            "required": c.required,
            "kind": kind,
            "choices": choices,
            "value": _shown(values.get(c.name)),
            "errors": errors.get(c.name, []),
        })  # fmt: skip
    return out


def _shown(value: Any) -> str:
    """A stored value as the form's text (as the case file writes it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


async def _form_values(request: Request, names: tuple[str, ...]) -> dict[str, str | None]:
    form = await request.form()
    values: dict[str, str | None] = {}
    for name in names:
        raw = form.get(name)
        cell = raw.strip() if isinstance(raw, str) else ""
        values[name] = cell[:500] or None
    return values


def _form_page(
    request: Request,
    user: Any,
    *,
    title: str,
    action: str,
    file: str,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    lines: list[tuple[str, str]] | None = None,
    week: str | None = None,
    weeks: list[str] | None = None,
    back: str,
    status: int = 200,
    note: str = "",
    dwelling_status: str | None = None,
) -> Response:
    columns = YOUTH_COLUMNS if file == "youths.csv" else UNIT_COLUMNS
    fields = _fields(file, columns, values, errors or {})
    return render(
        request,
        "lifecycle/form.html",
        context(
            request,
            user,
            title=title,
            action=action,
            fields=fields,
            lines=[
                (name, danish_heading(file, name) or name if name else "", message)
                for name, message in lines or []
            ],  # the summary names and links each field
            week=week,
            weeks=weeks,
            back=back,
            file=file,
            note=note[:300],
            dwelling_status=dwelling_status,
            editing=not action.endswith("/ny"),
        ),
        status_code=status,
    )


# ----------------------------------------------------------------------------- youths
@router.get("/unge/ny")
def new_youth(request: Request, user: AllocatorUser) -> Response:
    return _form_page(request, user, title="Registrér en ung", action="/unge/ny",
                      file="youths.csv", values={}, back="/unge")  # fmt: skip


@router.post("/unge/ny")
async def create_youth(
    request: Request, session: SessionDep, user: AllocatorUser, csrf_token: Csrf = ""
) -> Response:
    check_csrf(user, csrf_token)
    values = await _form_values(request, lifecycle.YOUTH_FIELDS)
    try:
        record = lifecycle.register_youth(session, user.username, values)
    except (InvalidRequest, ConflictError) as exc:
        session.rollback()
        if isinstance(exc, ConflictError):
            said = exc.text("da") or str(exc)
            by_field, lines = {"ref": [said]}, [("ref", said)]
        else:
            by_field, lines = field_errors(exc)
        return _form_page(
            request,
            user,
            title="Registrér en ung",
            action="/unge/ny",
            file="youths.csv",
            values=values,
            errors=by_field,
            lines=lines,
            back="/unge",
            status=409 if isinstance(exc, ConflictError) else 422,
        )
    done = catalogue_text("lifecycle.registered_youth", "da", ref=record.ref)
    return RedirectResponse(f"/unge/{quote(record.ref)}?{notice_query(done)}", status_code=303)


@router.get("/unge/{ref}/ret")
def edit_youth_form(
    request: Request, session: SessionDep, user: AllocatorUser, ref: Ref
) -> Response:
    record = _youth_or_404(session, ref)
    audit(session, user.username, "read.youth", "youth", ref)
    session.commit()
    values = {c.name: getattr(record, c.name) for c in YOUTH_COLUMNS}
    return _form_page(request, user, title=f"Ret ung {ref}", action=f"/unge/{quote(ref)}/ret",
                      file="youths.csv", values=values, back=f"/unge/{quote(ref)}")  # fmt: skip


@router.post("/unge/{ref}/ret")
async def edit_youth(
    request: Request, session: SessionDep, user: AllocatorUser, ref: Ref, csrf_token: Csrf = ""
) -> Response:
    check_csrf(user, csrf_token)
    values = await _form_values(request, lifecycle.YOUTH_FIELDS)
    values["ref"] = ref  # the reference is fixed
    try:
        lifecycle.edit_youth(session, user.username, ref, values)
    except NotFoundError:
        raise PageError(404, "Der er ingen ung med den reference.", "Ikke fundet") from None
    except InvalidRequest as exc:
        session.rollback()
        by_field, lines = field_errors(exc)
        return _form_page(request, user, title=f"Ret ung {ref}", action=f"/unge/{quote(ref)}/ret",
                          file="youths.csv", values=values, errors=by_field, lines=lines,
                          back=f"/unge/{quote(ref)}", status=422)  # fmt: skip
    done = catalogue_text("lifecycle.edited_youth", "da", ref=ref)
    return RedirectResponse(f"/unge/{quote(ref)}?{notice_query(done)}", status_code=303)


def _youth_or_404(session: SessionDep, ref: str) -> Any:
    try:
        return lifecycle._youth(session, ref)
    except NotFoundError:
        raise PageError(404, "Der er ingen ung med den reference.", "Ikke fundet") from None


def _back_to_youth(ref: str, message: str, error: bool = False) -> Response:
    query = notice_query(message, error=error)
    return RedirectResponse(f"/unge/{quote(ref)}?{query}#sagen", status_code=303)


@router.post("/unge/{ref}/udgaa")
def withdraw_youth(
    session: SessionDep,
    user: AllocatorUser,
    ref: Ref,
    csrf_token: Csrf = "",
    reason: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=lifecycle.MAX_TEXT)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    try:
        _, offers = lifecycle.withdraw_youth(session, user.username, ref, reason, text or None)
    except NotFoundError:
        raise PageError(404, "Der er ingen ung med den reference.", "Ikke fundet") from None
    except InvalidRequest as exc:
        session.rollback()
        return _back_to_youth(ref, " ".join(exc.texts("da")), error=True)
    except ConflictError as exc:
        session.rollback()
        return _back_to_youth(ref, exc.text("da") or str(exc), error=True)
    done = catalogue_text("lifecycle.withdrawn", "da", ref=ref, reason=reason)
    if offers:
        done += " " + catalogue_text("lifecycle.withdrawn_offers", "da", count=len(offers))
    return _back_to_youth(ref, done)


@router.post("/unge/{ref}/genaabn")
def reopen_youth(
    session: SessionDep, user: AllocatorUser, ref: Ref, csrf_token: Csrf = ""
) -> Response:
    check_csrf(user, csrf_token)
    try:
        lifecycle.reopen_youth(session, user.username, ref)
    except NotFoundError:
        raise PageError(404, "Der er ingen ung med den reference.", "Ikke fundet") from None
    except ConflictError as exc:
        session.rollback()
        return _back_to_youth(ref, exc.text("da") or str(exc), error=True)
    return _back_to_youth(ref, catalogue_text("lifecycle.reopened", "da", ref=ref))


# ----------------------------------------------------------------------------- dwellings
def _weeks(session: SessionDep) -> list[str]:
    return list(session.exec(select(WeekPolicy.week).order_by(col(WeekPolicy.week).desc())).all())


@router.get("/boliger/ny")
def new_dwelling(request: Request, session: SessionDep, user: AllocatorUser) -> Response:
    weeks = _weeks(session)
    if not weeks:
        raise PageError(409, "Importér en uge først: en bolig registreres i en importeret uge.",
                        "Ingen uge")  # fmt: skip
    return _form_page(request, user, title="Registrér en ledig bolig", action="/boliger/ny",
                      file="units.csv", values={}, week=weeks[0], weeks=weeks,
                      back="/anvisning")  # fmt: skip


@router.post("/boliger/ny")
async def create_dwelling(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    csrf_token: Csrf = "",
    week: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    values = await _form_values(request, lifecycle.UNIT_FIELDS)
    weeks = _weeks(session)
    status, by_field, lines = 422, {}, []
    if week not in weeks:
        by_field, lines = {"week": ["Vælg en importeret uge."]}, [("", "Vælg en importeret uge.")]
    else:
        try:
            record = lifecycle.register_dwelling(session, user.username, week, values)
        except InvalidRequest as exc:
            session.rollback()
            by_field, lines = field_errors(exc)
        except ConflictError as exc:
            session.rollback()
            said = exc.text("da") or str(exc)
            status, lines, by_field = 409, [("ref", said)], {"ref": [said]}
        else:
            done = catalogue_text("lifecycle.registered_dwelling", "da", ref=record.ref, week=week)
            url = f"/anvisning/uger/{week}/boliger/{quote(record.ref)}?{notice_query(done)}"
            return RedirectResponse(url, status_code=303)
    return _form_page(request, user, title="Registrér en ledig bolig", action="/boliger/ny",
                      file="units.csv", values=values, errors=by_field, lines=lines, week=week,
                      weeks=weeks, back="/anvisning", status=status)  # fmt: skip


@router.get("/anvisning/uger/{week}/boliger/{ref}")
def dwelling_form(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    week: Week,
    ref: Ref,
) -> Response:
    try:
        record = lifecycle.dwelling(session, week, ref)
    except NotFoundError:
        raise PageError(404, "Boligen findes ikke i ugen.", "Ikke fundet") from None
    values = {c.name: getattr(record, c.name) for c in UNIT_COLUMNS}
    return _form_page(request, user, title=f"Bolig {ref} i {week}",
                      action=f"/anvisning/uger/{week}/boliger/{quote(ref)}", file="units.csv",
                      values=values, back=f"/boliger/{quote(ref)}", note=notice(request),
                      dwelling_status=record.status)  # fmt: skip


@router.post("/anvisning/uger/{week}/boliger/{ref}")
async def edit_dwelling(
    request: Request,
    session: SessionDep,
    user: AllocatorUser,
    week: Week,
    ref: Ref,
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)
    values = await _form_values(request, lifecycle.UNIT_FIELDS)
    values["ref"] = ref
    try:
        lifecycle.edit_dwelling(session, user.username, week, ref, values)
    except NotFoundError:
        raise PageError(404, "Boligen findes ikke i ugen.", "Ikke fundet") from None
    except (InvalidRequest, ConflictError) as exc:
        session.rollback()
        if isinstance(exc, InvalidRequest):
            by_field, lines = field_errors(exc)
        else:
            by_field, lines = {}, [("", exc.text("da") or str(exc))]
        status = 422 if isinstance(exc, InvalidRequest) else 409
        return _form_page(request, user, title=f"Bolig {ref} i {week}",
                          action=f"/anvisning/uger/{week}/boliger/{quote(ref)}", file="units.csv",
                          values=values, errors=by_field, lines=lines,
                          back=f"/boliger/{quote(ref)}", status=status)  # fmt: skip
    done = catalogue_text("lifecycle.edited_dwelling", "da", ref=ref)
    return RedirectResponse(
        f"/anvisning/uger/{week}/boliger/{quote(ref)}?{notice_query(done)}", status_code=303
    )


# ----------------------------------------------------------------------------- missing youths
@router.get("/anvisning/manglende")
def missing(request: Request, session: SessionDep, user: AllocatorUser) -> Response:
    rows = lifecycle.missing_youths(session)
    audit(session, user.username, "read.youths", "youth", "missing", f"{len(rows)} listed")
    session.commit()
    return render(request, "lifecycle/missing.html",
                  context(request, user, rows=rows, reasons=WITHDRAW_REASONS, note=notice(request),
                          errors=[]))  # fmt: skip


@router.post("/anvisning/manglende")
async def confirm_missing(
    request: Request, session: SessionDep, user: AllocatorUser, csrf_token: Csrf = ""
) -> Response:
    """Per youth a choice ``svar-REF`` (keep or a reason) and ``tekst-REF``; or ``alle`` (the
    same answer for every youth on the list) with ``tekst``."""
    check_csrf(user, csrf_token)
    form = await request.form()
    rows = lifecycle.missing_youths(session)
    answers: list[tuple[str, str, str | None]] = []
    everyone = str(form.get("alle") or "")
    for y in rows:
        if everyone:
            action, words = everyone, str(form.get("tekst") or "")
        else:
            action, words = (
                str(form.get(f"svar-{y.ref}") or ""),
                str(form.get(f"tekst-{y.ref}") or ""),
            )
        if action:  # no answer yet: the youth stays on the list
            answers.append((y.ref, action[:40], words.strip()[: lifecycle.MAX_TEXT] or None))
    try:
        kept, withdrawn = lifecycle.confirm_missing(session, user.username, answers)
    except (InvalidRequest, ConflictError) as exc:
        session.rollback()
        errors = (
            exc.texts("da") if isinstance(exc, InvalidRequest) else [exc.text("da") or str(exc)]
        )
        return render(request, "lifecycle/missing.html",
                      context(request, user, rows=rows, reasons=WITHDRAW_REASONS, note="",
                              errors=errors), status_code=422)  # fmt: skip
    done = catalogue_text("lifecycle.missing_done", "da", kept=kept, withdrawn=withdrawn)
    return RedirectResponse(f"/anvisning/manglende?{notice_query(done)}", status_code=303)


# ----------------------------------------------------------------------------- consent
@router.post("/anvisning/tilbud/{offer_id}/samtykke")
def record_consent(
    session: SessionDep,
    user: AllocatorUser,
    offer_id: Id,
    csrf_token: Csrf = "",
    guardian: Annotated[str, Form(max_length=lifecycle.MAX_GUARDIAN)] = "",
    given_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    try:
        day = date.fromisoformat(given_on)
    except ValueError:
        message = "Skriv datoen for samtykket som en dato."
        return RedirectResponse(
            f"/anvisning/tilbud?{notice_query(message, error=True)}#tilbud-{offer_id}", 303
        )
    try:
        lifecycle.record_consent(session, user.username, offer_id, guardian, day)
    except NotFoundError:
        raise PageError(404, "Tilbuddet findes ikke.", "Ikke fundet") from None
    except (InvalidRequest, ConflictError) as exc:
        session.rollback()
        message = " ".join(exc.texts("da")) if isinstance(exc, InvalidRequest) else (
            exc.text("da") or str(exc))  # fmt: skip
        return RedirectResponse(
            f"/anvisning/tilbud?{notice_query(message, error=True)}#tilbud-{offer_id}", 303
        )
    done = catalogue_text("lifecycle.consent_recorded", "da")
    return RedirectResponse(f"/anvisning/tilbud?{notice_query(done)}#tilbud-{offer_id}", 303)
