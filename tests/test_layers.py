"""The layer contract: what each package of this repository may import, checked on every import.

``CONTRACTS`` holds one line per contract; adding one is adding a line:

- ``allow(SOURCE, *MODULES)``: the modules under ``SOURCE`` import, of this repository's packages
  (``solver``, ``service``), only ``SOURCE`` itself, its parent packages and ``MODULES`` (each with
  everything below it). Third-party and standard-library imports are not restricted here.
- ``forbid(SOURCE, *MODULES)``: the modules under ``SOURCE`` import none of ``MODULES``, which may
  be this repository's or a third party's (``forbid("service.usecases", "fastapi")``).

Every ``import`` and ``from ... import`` statement counts, wherever it stands: inside a function,
under ``if TYPE_CHECKING:``, relative or absolute; ``from a import b`` counts as importing ``a.b``
when that is a module. Imports made from strings at run time (``importlib``, uvicorn's
``"service.cli:serving_app"``) are not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIRST_PARTY = ("solver", "service")


@dataclass(frozen=True)
class Contract:
    """Imports under ``source``: only ``allowed`` of the first-party ones (``None``: any), and
    none of ``forbidden``."""

    source: str
    allowed: tuple[str, ...] | None = None
    forbidden: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.allowed is not None:
            return f"{self.source} imports only {', '.join(self.allowed) or 'itself'}"
        return f"{self.source} never imports {', '.join(self.forbidden)}"


def allow(source: str, *modules: str) -> Contract:
    """``source`` imports, of this repository, only itself, its parents and ``modules``."""
    return Contract(source, allowed=modules)


def forbid(source: str, *modules: str) -> Contract:
    """``source`` imports none of ``modules`` (this repository's or third-party)."""
    return Contract(source, forbidden=modules)


# Each line restates what the package's docstring says it may import (solver/*/__init__.py,
# service/*/__init__.py).
# solver.i18n (the message catalogue) and solver.resources (the shipped files) import only the
# standard library; the layers that render text or read shipped files name them.
# fmt: off
CONTRACTS = (
    allow("solver.domain"),
    allow("solver.i18n"),
    allow("solver.resources"),
    allow("solver.core"),
    allow("solver.caseio", "solver.domain", "solver.i18n"),
    allow("solver.engine", "solver.domain", "solver.core", "solver.caseio", "solver.i18n"),
    allow("solver.fixtures", "solver.domain", "solver.caseio"),
    allow("solver.reports", "solver.domain", "solver.planning.kpi", "solver.i18n"),
    allow("solver.planning", "solver.domain", "solver.core", "solver.caseio", "solver.engine", "solver.fixtures", "solver.reports", "solver.i18n", "solver.resources"),
    forbid("solver", "service"),
    # service/*/__init__.py
    allow("service.usecases", "solver", "service.models", "service.db", "service.settings", "service.authz", "service.auth", "service.leases", "service.children"),
    forbid("service.usecases", "fastapi", "starlette"),
    forbid("service.api", "service.web"),
    forbid("service.web", "service.api"),
)
# fmt: on


# --------------------------------------------------------------------------- the checker


@dataclass(frozen=True)
class Import:
    """One imported module: the importing file, its line, and the module's dotted name."""

    path: Path
    line: int
    module: str


def modules_under(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of ``packages`` under ``root``, by dotted name (a package by its own name)."""
    out: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    """The modules that ``name`` (read from ``path``) imports, resolved to dotted names."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield Import(path, node.lineno, sub if sub in known else base)


def within(module: str, prefix: str) -> bool:
    """``module`` is ``prefix`` or lies below it."""
    return module == prefix or module.startswith(prefix + ".")


@cache
def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, list[Import]]:
    """Every module of ``packages`` under ``root`` with the modules it imports."""
    known = modules_under(root, packages)
    return {name: list(imports_of(name, path, known)) for name, path in known.items()}


def violations(
    contract: Contract, root: Path = REPO, packages: tuple[str, ...] = FIRST_PARTY
) -> list[str]:
    """Every import under ``contract.source`` that breaks it, as ``file:line: imports X``."""
    found = []
    for name, imports in import_graph(root, packages).items():
        if not within(name, contract.source):
            continue
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        for imp in imports:
            first_party = imp.module.split(".")[0] in packages
            bad = any(within(imp.module, m) for m in contract.forbidden) or (
                contract.allowed is not None
                and first_party
                and not within(imp.module, contract.source)
                and imp.module not in parents
                and not any(within(imp.module, m) for m in contract.allowed)
            )
            if bad:
                found.append(f"{imp.path.relative_to(root)}:{imp.line}: imports {imp.module}")
    return found


# --------------------------------------------------------------------------- the contracts


@pytest.mark.parametrize("contract", CONTRACTS, ids=str)
def test_the_code_keeps_the_contract(contract: Contract) -> None:
    """No module under the contract's source imports what the contract rules out."""
    found = violations(contract)
    assert not found, f"breaks '{contract}':\n" + "\n".join(found)


@pytest.mark.parametrize("contract", CONTRACTS, ids=str)
def test_a_contract_names_modules_that_exist(contract: Contract) -> None:
    """A misspelt name would make a contract hold vacuously: every first-party name is real."""
    known = import_graph(REPO, FIRST_PARTY)
    names = [contract.source, *(contract.allowed or ()), *contract.forbidden]
    missing = [
        n for n in names if n.split(".")[0] in FIRST_PARTY and not any(within(k, n) for k in known)
    ]
    assert missing == []


# --------------------------------------------------------------------------- the checker itself


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_sees_every_form_of_import(tmp_path: Path) -> None:
    """Absolute, ``from`` (module and name), relative, in a function and under TYPE_CHECKING: each
    import of a module outside the allowed ones is reported, with its file and line."""
    _tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/low/__init__.py": "from .. import high\n",
        "pkg/low/a.py": (
            "import os\nimport numpy\nimport pkg\nfrom pkg.low import b\nfrom . import b as bb\n"
            "import pkg.high.x\n"
            "from pkg import high\n"
            "from ..high.x import thing\n"
            "def f():\n    from pkg.high import x\n"
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.mid import y\n"
            "from pkg.ok import z\n"
        ),
        "pkg/low/b.py": "",
        "pkg/high/__init__.py": "", "pkg/high/x.py": "",
        "pkg/mid/__init__.py": "", "pkg/mid/y.py": "",
        "pkg/ok.py": "z = 1\n",
        "other/__init__.py": "import pkg.low.a\n",
    })  # fmt: skip
    found = violations(allow("pkg.low", "pkg.ok"), tmp_path, ("pkg", "other"))
    assert found == [
        "pkg/low/__init__.py:1: imports pkg.high",
        "pkg/low/a.py:6: imports pkg.high.x",
        "pkg/low/a.py:7: imports pkg.high",
        "pkg/low/a.py:8: imports pkg.high.x",
        "pkg/low/a.py:10: imports pkg.high.x",
        "pkg/low/a.py:13: imports pkg.mid.y",
    ]


def test_the_checker_applies_forbid_to_third_party_and_prefixes_exactly(tmp_path: Path) -> None:
    """``forbid`` catches a third-party module and its submodules, and only whole names: a ban on
    ``pkg.api`` says nothing about ``pkg.apiary``."""
    _tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/api.py": "",
        "pkg/apiary.py": "",
        "pkg/use.py": "import fastapi.routing\nfrom pkg import apiary\nimport fastapis\n",
        "pkg/web.py": "from .api import thing\n",
    })  # fmt: skip
    assert violations(forbid("pkg.use", "fastapi", "pkg.api"), tmp_path, ("pkg",)) == [
        "pkg/use.py:1: imports fastapi.routing"
    ]
    assert violations(forbid("pkg.web", "pkg.api"), tmp_path, ("pkg",)) == [
        "pkg/web.py:1: imports pkg.api"
    ]
