"""Audit details in Danish for the admin's log page.

The service writes an event's ``detail`` in a fixed form per action (``"900 listed"``,
``"generation 2"``, ``"proposal 17"``, ``"60 youths, 10 dwellings"``, ``"2026-W48 pin"``, a role
or a priority scheme code). This page shows those forms in the reader's words from the message
catalogue; any other detail (the allocator's own decline text, an unknown form) is shown exactly
as stored, so nothing is ever hidden or guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from solver.caseio.weeks import WEEK_PATTERN
from solver.i18n.render import label, text, week

_WEEK = WEEK_PATTERN.strip("^$")
_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(\d+) listed"), lambda m: text("audit_detail.listed", "da", count=int(m[1]))),
    (re.compile(r"generation (\d+)"), lambda m: text("audit_detail.generation", "da", n=m[1])),
    (re.compile(r"proposal (\d+)"), lambda m: text("audit_detail.proposal", "da", n=m[1])),
    (re.compile(r"address (\S+)"), lambda m: text("audit_detail.address", "da", address=m[1])),
    (
        re.compile(r"(\d+) youths, (\d+) dwellings"),
        lambda m: text("audit_detail.imported", "da", youths=int(m[1]), dwellings=int(m[2])),
    ),
    (
        re.compile(rf"({_WEEK}) (pin|ban)"),
        lambda m: text("audit_detail.decision", "da", week=week(m[1], "da"), kind=m[2]),
    ),
    (re.compile(_WEEK), lambda m: week(m[0], "da")),
    (re.compile(r"missing from import"), lambda m: text("audit_detail.missing", "da")),
    (
        re.compile(r"(\d+) youths erased, (\d+) snapshots dropped"),
        lambda m: text("audit_detail.retention", "da", youths=int(m[1]), snapshots=int(m[2])),
    ),
]
# Actions whose detail is one code of a catalogue namespace.
_CODES = {
    "user.create": "role",
    "policy.priority": "preset",
    "youth.withdraw": "withdraw_reason",
    "youth.reopen": "withdraw_reason",  # the reason the youth had been withdrawn for
    "offer.withdraw": "audit_action",  # what withdrew it (a youth's withdrawal)
}
# Actions whose detail is a list of codes of a catalogue namespace ("contact, rent").
_CODE_LISTS = {"youth.edit": "youth_field", "dwelling.edit": "dwelling_field"}
# "landlord_agreement; dispensations: none" or "...: area_excluded, pet_not_allowed"
_OVERRIDE = re.compile(r"([a-z_]+); dispensations: ([a-z_, ]+)")
# Objects that are not one reference: (action, object_ref) -> catalogue key.
_REFS = {("read.youths", "missing"): "audit_ref.missing"}
# "caseworker -> planner": a user's role changed
_ROLE_CHANGE = re.compile(r"([a-z]+) -> ([a-z]+)")
# "too_expensive", or "too_expensive: the office's words"
_DECLINE = re.compile(r"([a-z_]+)(?:: ?(.*))?", re.DOTALL)


def audit_detail(action: str, detail: str | None) -> str:
    """``detail`` of an event of ``action`` in Danish (as stored when its form is not known)."""
    if not detail:
        return ""
    namespace = _CODES.get(action)
    if namespace is not None:
        return label(namespace, detail, "da")
    if action.startswith("claim.") and "/" in detail:  # "Boligorg-01/youth": the quota group
        return text("audit_detail.claim", "da", group=[detail])
    if action == "user.role" and (match := _ROLE_CHANGE.fullmatch(detail)):
        return f"{label('role', match[1], 'da')} → {label('role', match[2], 'da')}"
    namespace = _CODE_LISTS.get(action)
    if namespace is not None:
        return ", ".join(label(namespace, code.strip(), "da") for code in detail.split(","))
    if action == "offer.override" and (match := _OVERRIDE.fullmatch(detail)):
        rules = [] if match[2] == "none" else [r.strip() for r in match[2].split(",")]
        return text("audit_detail.override", "da", reason=match[1], rules=rules, count=len(rules))
    if action == "offer.decline" and (match := _DECLINE.fullmatch(detail)):
        reason = label("decline", match[1], "da")
        return f"{reason}: {match[2]}" if match[2] else reason
    for pattern, render in _FORMS:
        match = pattern.fullmatch(detail)
        if match:
            return render(match)
    return detail


def audit_ref(action: str, ref: str) -> str:
    """An event's object reference for the log: a youth's or a dwelling's reference as stored,
    an object that is not one reference (the list of youths missing from the import) in words."""
    key = _REFS.get((action, ref))
    return text(key, "da") if key is not None else ref
