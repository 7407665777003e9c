"""The errors a use case raises; the API and the pages each turn them into their own answer.

- :class:`NotFoundError` — no such object, or one the caller may not see (the same answer, so a
  probe learns nothing): 404;
- :class:`ConflictError` — the request does not fit the current state: 409;
- :class:`InvalidRequest` — the request's values are wrong; each :class:`Problem` names the
  field and says what is wrong in a catalogue message (``request.CODE``), or ``issues`` are
  ready-made lines (a scenario file's problems, naming file and key): 422;
- :class:`Unauthenticated` / :class:`Forbidden` — no valid session / not for this role: 401/403;
- :class:`TooManyAttempts` — sign-in locked for ``retry_after`` seconds: 429.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from solver.i18n.render import text


class UseCaseError(Exception):
    """Base of the use cases' errors; ``str(error)`` is the message for the caller."""


@dataclass(frozen=True)
class Problem:
    """One wrong value of a request: the field, and a ``request.CODE`` catalogue message."""

    field: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    namespace: str = "request"  # ``case`` (solver.caseio.issues), ``scenario``, ``limit``
    where: str = ""  # what holds the field, when the request has several (``toml[0]``)

    def text(self, lang: str = "en") -> str:
        return text(f"{self.namespace}.{self.code}", lang, **self.params)

    def line(self, lang: str = "en", where: bool = True) -> str:
        """``where: field: message`` (``where`` left out when not wanted or not given)."""
        parts = (self.where if where else "", self.field, self.text(lang))
        return ": ".join(part for part in parts if part)


class NotFoundError(UseCaseError):
    pass


class ConflictError(UseCaseError):
    """The request does not fit the current state; ``problem`` (when given) says why in the
    catalogue, so each edge can say it in its language (``str(error)`` is English)."""

    def __init__(self, message: str = "", problem: Problem | None = None) -> None:
        self.problem = problem
        super().__init__(problem.text("en") if problem is not None else message)

    def text(self, lang: str) -> str | None:
        return self.problem.text(lang) if self.problem is not None else None


class InvalidRequest(UseCaseError):
    def __init__(self, problems: list[Problem] | list[str]) -> None:
        self.items: list[Problem | str] = list(problems)
        self.issues = self.lines("en")
        super().__init__("; ".join(self.issues))

    def texts(self, lang: str) -> list[str]:
        """Each problem in ``lang`` (ready-made lines as they are)."""
        return [p if isinstance(p, str) else p.text(lang) for p in self.items]

    def lines(self, lang: str, where: bool = True) -> list[str]:
        """Each problem in ``lang`` naming its field (:meth:`Problem.line`)."""
        return [p if isinstance(p, str) else p.line(lang, where) for p in self.items]


class Unauthenticated(UseCaseError):
    def __init__(self) -> None:
        super().__init__("Not authenticated")


class Forbidden(UseCaseError):
    def __init__(self) -> None:
        super().__init__("Not allowed for your role")


class TooManyAttempts(UseCaseError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(f"Too many failed sign-ins; try again in {self.retry_after} seconds")
