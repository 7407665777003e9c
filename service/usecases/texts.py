"""What a user types into the service: storable, and no CPR number where none may be.

- :func:`no_nul`: text with a NUL character cannot be stored (PostgreSQL refuses it), in any
  value of a request (a youth's or a dwelling's fields, a list's items);
- :func:`free_text_problems` / :func:`check_free_text`: a free text (a reason, a decline text,
  a claim's note, a guardian's name) is stored, shown on pages and exported; one that holds
  what looks like a CPR number (:mod:`solver.caseio.privacy`) is refused, naming the field and not
  repeating the text. The reader refuses a CPR number as a youth's reference the same way
  (``case.cpr_number``).

Each is a 422 naming the field on every edge alike: the API's ``problems``, the pages' error
under the field.
"""

from __future__ import annotations

from typing import Any

from solver.caseio.privacy import has_cpr

from .errors import InvalidRequest, Problem


def no_nul(**texts: Any) -> None:
    """422 naming each field whose value (or an item of it) holds a NUL character (a value that
    reaches the database anyway is a 422 from the API and a Danish 400 page from the pages:
    ``service.web.session``)."""
    bad = [k for k, v in texts.items() if _has_nul(v)]
    if bad:
        raise InvalidRequest([Problem(k, "nul_character") for k in bad])


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def free_text_problems(**texts: str | None) -> list[Problem]:
    """One problem per free text that holds a NUL character or looks like a CPR number."""
    problems = []
    for field, value in texts.items():
        if _has_nul(value):
            problems.append(Problem(field, "nul_character"))
        elif has_cpr(value):
            problems.append(Problem(field, "cpr_number"))
    return problems


def check_free_text(**texts: str | None) -> None:
    """422 naming each free text that :func:`free_text_problems` finds wrong."""
    problems = free_text_problems(**texts)
    if problems:
        raise InvalidRequest(problems)
