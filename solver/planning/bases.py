"""Where a scenario's base case can come from besides a fixture or a folder: loaders
registered by scheme (``base = "SCHEME"`` or ``"SCHEME:ARG"`` in a scenario file).

A module of its own, with nothing heavy to import, so that a program registers its loader
without loading the scenario schema (``boligmatch match`` starts without it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solver.domain import Case

BaseLoader = Callable[[str], "Case"]
_BASE_LOADERS: dict[str, BaseLoader] = {}


def register_base_loader(scheme: str, loader: BaseLoader) -> None:
    """Let ``base = "SCHEME"`` or ``base = "SCHEME:ARG"`` load a case through ``loader(ARG)``.

    This is the hook for the live database: the service registers ``"database"`` with a
    function that snapshots the current week's waiting youths, vacancies, teams and ledger as
    a :class:`~solver.domain.Case`. The solver itself never imports the service.
    """
    _BASE_LOADERS[scheme] = loader


def base_loader(scheme: str) -> BaseLoader | None:
    """The loader registered for ``scheme``, if any."""
    return _BASE_LOADERS.get(scheme)
