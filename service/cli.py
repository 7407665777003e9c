"""The ``boligmatch`` console script: the engine's commands (``solver.cli``) plus the service's."""

from __future__ import annotations

from solver.cli import app


def main() -> None:  # pragma: no cover - exercised through the console script
    app(prog_name="boligmatch")
