"""Files that ship with Boligmatch: the scenario files and the committed fixture case folders.

They live in the repository as ``scenarios/`` and ``data/fixtures/``, where planners and
developers edit them; ``solver/_shipped/`` holds a symlink to each, and the wheel carries them as
package data (``pyproject.toml``). Both are found here the same way, through
:mod:`importlib.resources`, so a checkout and an installed wheel run from any directory read the
same files, and no module builds a path from ``__file__`` up into the repository.

Guaranteed: both are directories on disk (pip installs packages as files, never zipped); nothing
writes to them.

May import: the standard library only.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _shipped(name: str) -> Path:
    return Path(str(files("solver") / "_shipped" / name))


SCENARIOS_DIR = _shipped("scenarios")
"""The shipped scenario files (``*.toml``) and their ``README.md``: ``scenarios/`` in a checkout."""

FIXTURES_DIR = _shipped("fixtures")
"""The committed fixture case folders (``tiny``, ``naestved``, ``copenhagen``): ``data/fixtures/``
in a checkout."""
