"""README.md's generated sections: the text between ``<!-- NAME:begin -->`` and
``<!-- NAME:end -->`` is a benchmark's output, written by its ``--write-readme``."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def write_section(name: str, text: str) -> None:
    """Replace README's section ``name`` with ``text``."""
    body = README.read_text()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in body or end not in body:
        raise SystemExit(f"README.md has no {name} markers.")
    head, rest = body.split(begin, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{begin}\n{text}\n{end}{tail}")
