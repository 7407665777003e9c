"""One problem in a case folder (:class:`CaseIssue`) and the error that lists them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from solver.i18n.render import text


@dataclass(frozen=True)
class CaseIssue:
    """One problem in a case folder: where it is, and what is wrong as a code with parameters.

    ``row`` counts the header as row 1 (``None`` = the whole file); ``column`` is a CSV column
    or a policy key (``None`` = the whole row or file). ``code`` names a message
    ``case.CODE`` of :mod:`solver.i18n.catalogue`; ``params`` fill it in (``cell``: the cell as
    the user wrote it). Messages quote the offending cell and nothing else of the row (no
    personal data).
    """

    file: str
    row: int | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """What is wrong, in ``lang``."""
        return text(f"case.{self.code}", lang, **self.params)

    @property
    def message(self) -> str:
        return self.text("en")

    def where(self, lang: str = "en") -> str:
        where = self.file
        row = "række" if lang == "da" else "row"
        column = "kolonne" if lang == "da" else "column"
        if self.row is not None:
            where += f" {row} {self.row}"
        if self.column is not None:
            where += f", {column} {self.column}" if self.row is not None else f", {self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class CaseError(ValueError):
    """A case folder with one or more problems; ``issues`` lists them all.

    ``str(error)`` is the first issue on one line, plus ``(and N more)``.
    """

    def __init__(self, issues: list[CaseIssue]) -> None:
        if not issues:
            raise ValueError("CaseError needs at least one issue.")
        self.issues = issues
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"{issues[0]}{more}")

    def __reduce__(self) -> tuple[type[CaseError], tuple[list[CaseIssue]]]:
        # (raised in the service's import process and re-raised in the server)
        return (CaseError, (self.issues,))
