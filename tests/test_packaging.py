"""Packaging: the lock agrees with ``pyproject.toml`` and the venv, and the wheel runs on its own.

The first tests read ``requirements.lock``: it pins a version allowed by every requirement of
``pyproject.toml`` (so a dependency changed without ``make lock`` fails here), the venv the suite
runs in holds exactly those versions, and the pandas type stubs are for the locked pandas.

The slow ones build a wheel from the repository's files (what git tracks plus new files it does
not ignore, copied aside so the checkout stays clean), install it into a fresh venv with only the
dependencies its metadata declares, pinned to the lock (no dev tool is there, so a run-time import
of one fails), and run the console script from an empty directory with no ``BOLIGMATCH_*``
setting: generate a fixture, match it, run a shipped scenario, migrate a SQLite database and
serve the pages and the API. Each result is compared with the checkout's own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CHECKOUT_CLI = Path(sys.executable).parent / "boligmatch"
SCENARIO = "one-more-cti-worker.toml"  # a shipped scenario with a change, on the copenhagen case
DETERMINISTIC_OUTPUTS = ("comparison.csv", "kpis.csv", "weekly.csv")  # result.json holds timings


# --------------------------------------------------------------------------- the lock


def lock_pins() -> list[Requirement]:
    """Every ``name==version ; marker`` line of the lock (hash and comment lines dropped)."""
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    return [Requirement(line.rstrip(" \\")) for line in lines if line[:1].isalnum()]


def locked_here() -> dict[str, str]:
    """The locked version of each package this interpreter and platform install, by name."""
    out = {}
    for req in lock_pins():
        if req.marker is None or req.marker.evaluate():
            (spec,) = req.specifier
            out[canonicalize_name(req.name)] = spec.version
    return out


def test_the_lock_pins_a_version_each_requirement_of_pyproject_allows() -> None:
    """Dependencies, the dev extra and the build backend: each is locked, within its range."""
    project = PYPROJECT["project"]
    wanted = [
        *project["dependencies"],
        *project["optional-dependencies"]["dev"],
        *PYPROJECT["build-system"]["requires"],
    ]
    locked = locked_here()
    stale = []
    for text in wanted:
        req = Requirement(text)
        version = locked.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            stale.append(f"{text} (locked: {version})")
    assert stale == [], "requirements.lock is stale: run `make lock`"


def test_the_venv_holds_the_locked_versions() -> None:
    """The suite runs on what the lock says (``make`` builds the venv from it)."""
    differ = {}
    for name, version in locked_here().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differ[name] = (version, installed)
    assert differ == {}, "the venv is not the lock's: run `make .venv/.installed`"


def test_the_pandas_stubs_are_those_of_the_locked_pandas() -> None:
    """mypy checks against the stubs of the pandas that runs: same major and minor version."""
    locked = locked_here()
    pandas, stubs = locked["pandas"], locked["pandas-stubs"]
    assert stubs.split(".")[:2] == pandas.split(".")[:2], (pandas, stubs)


def test_the_lock_is_hashed_and_for_every_platform() -> None:
    """Every pin carries its hashes (pip then takes no other file, from whichever index), and the
    lock is universal: a package needed on Windows only is in it, under its marker."""
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line[:1].isalnum():
            assert lines[i + 1].strip().startswith("--hash=sha256:"), line
    markers = {canonicalize_name(r.name): str(r.marker) for r in lock_pins() if r.marker}
    assert markers.get("colorama") == 'sys_platform == "win32"'


# --------------------------------------------------------------------------- the wheel


def _run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
         stdin: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:  # fmt: skip
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def repository_files() -> list[str]:
    """What a clone would hold plus new files git does not ignore (symlinks as symlinks)."""
    git = shutil.which("git")
    assert git is not None, "building the wheel from the repository needs git"
    out = _run([git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO)
    return sorted(f for f in set(out.stdout.split("\0")) if f and os.path.lexists(REPO / f))


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any Boligmatch setting or Python path of the checkout."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMATCH_") and k not in drop}
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built by the locked setuptools from a copy of the repository's files."""
    src = tmp_path_factory.mktemp("source")
    for rel in repository_files():
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / rel).is_symlink():
            target.symlink_to(os.readlink(REPO / rel))
        else:
            shutil.copy2(REPO / rel, target)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--quiet", "--wheel-dir", dist, src], cwd=src)  # fmt: skip
    (built,) = dist.glob("boligmatch-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and what its metadata requires, at the locked versions."""
    root = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", root / "v"], cwd=root)
    pins = root / "pins.txt"  # constraints carry no hashes; the versions are the lock's
    pins.write_text("\n".join(str(r) for r in lock_pins()) + "\n", encoding="utf-8")
    _run([root / "v" / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", pins, wheel],
         cwd=root, env=clean_env())  # fmt: skip
    return root / "v"


@pytest.mark.slow
def test_the_wheel_holds_the_code_the_service_files_and_the_shipped_data(wheel: Path) -> None:
    """Every module, template, static file and migration, the scenario files and the committed
    fixtures (byte for byte), and nothing else of the repository."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        content = {n: zf.read(n) for n in names}
    expected = {}
    for rel in repository_files():
        if rel.startswith(("solver/", "service/")) and not (REPO / rel).is_symlink():
            expected[rel] = rel
        elif rel.startswith("scenarios/") and rel.endswith((".toml", ".md")):
            expected["solver/_shipped/" + rel] = rel
        elif rel.startswith("data/fixtures/"):
            expected["solver/_shipped/fixtures/" + rel.removeprefix("data/fixtures/")] = rel
    missing = sorted(set(expected) - names)
    assert missing == []
    differ = [n for n, rel in expected.items() if content[n] != (REPO / rel).read_bytes()]
    assert differ == []
    assert {n.split("/")[0] for n in names} == {"solver", "service", "boligmatch-0.1.0.dist-info"}
    extra = sorted(n for n in names - set(expected) if ".dist-info/" not in n)
    assert extra == []
    assert any(n.startswith("service/templates/") for n in names)
    assert any(n.startswith("service/migrations/versions/") for n in names)


@pytest.mark.slow
def test_the_installed_wheel_reads_its_own_shipped_files(venv: Path, tmp_path: Path) -> None:
    """From an empty directory the fixtures and scenarios are the venv's copies, byte for byte,
    and they are the service's default scenario folder."""
    probe = (
        "import json, service, solver.resources as r\n"
        "from service.settings import get_settings\n"
        "print(json.dumps({'package': service.__file__, 'scenarios': str(r.SCENARIOS_DIR),\n"
        "  'fixtures': str(r.FIXTURES_DIR), 'service': str(get_settings().scenarios_dir)}))"
    )
    out = json.loads(
        _run([venv / "bin" / "python", "-c", probe], cwd=tmp_path, env=clean_env()).stdout
    )
    for key in ("package", "scenarios", "fixtures"):
        assert Path(out[key]).resolve().is_relative_to(venv.resolve()), out[key]
    assert out["service"] == out["scenarios"]
    for f in (REPO / "scenarios").iterdir():
        assert (Path(out["scenarios"]) / f.name).read_bytes() == f.read_bytes()
    for case in ("tiny", "naestved", "copenhagen"):
        for f in (REPO / "data" / "fixtures" / case).iterdir():
            assert (Path(out["fixtures"]) / case / f.name).read_bytes() == f.read_bytes()


@pytest.mark.slow
def test_the_installed_wheel_generates_matches_and_runs_a_shipped_scenario(
    venv: Path, tmp_path: Path
) -> None:
    """``fixtures generate``, ``match`` and ``scenario run`` from an empty directory give what the
    checkout gives: the committed fixture, the same matches, the same KPI tables."""
    cli, env = venv / "bin" / "boligmatch", clean_env()
    _run([cli, "fixtures", "generate", "naestved", "--out", "case"], cwd=tmp_path, env=env)
    for f in (REPO / "data" / "fixtures" / "naestved").iterdir():
        assert (tmp_path / "case" / f.name).read_bytes() == f.read_bytes(), f.name

    _run([cli, "match", "case", "--out", "wheel", "--quiet"], cwd=tmp_path, env=env)
    _run([CHECKOUT_CLI, "match", "case", "--out", "checkout", "--quiet"], cwd=tmp_path, env=env)
    for f in ("matches.csv", "unmatched.csv"):
        assert (tmp_path / "wheel" / f).read_bytes() == (tmp_path / "checkout" / f).read_bytes()
    summary = json.loads((tmp_path / "wheel" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL" and summary["counts"]["housed"] > 0

    shipped = _run([venv / "bin" / "python", "-c",
                    "from solver.resources import SCENARIOS_DIR; print(SCENARIOS_DIR)"],
                   cwd=tmp_path, env=env).stdout.strip()  # fmt: skip
    run = ["scenario", "run", "--replications", "2", "--workers", "1", "--quiet", "--out"]
    _run([cli, *run, "sc-wheel", Path(shipped) / SCENARIO], cwd=tmp_path, env=env)
    _run([CHECKOUT_CLI, *run, "sc-checkout", REPO / "scenarios" / SCENARIO], cwd=tmp_path, env=env)
    for f in DETERMINISTIC_OUTPUTS:
        ours = (tmp_path / "sc-wheel" / f).read_bytes()
        assert ours == (tmp_path / "sc-checkout" / f).read_bytes(), f
    assert {"queue_length.png", "wait_distribution.svg"} <= {
        p.name for p in (tmp_path / "sc-wheel").iterdir()
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(cli: Path, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """``boligmatch serve`` in its own process group; its base URL once /health answers."""
    port = _free_port()
    log = (cwd / "serve.log").open("wb")
    proc = subprocess.Popen([str(cli), "serve", "--port", str(port)], cwd=cwd, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((cwd / "serve.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()


@pytest.mark.slow
def test_the_installed_wheel_migrates_a_database_and_serves(venv: Path, tmp_path: Path) -> None:
    """``db upgrade`` finds the migrations, ``user add`` works, and ``serve`` renders the Danish
    login page, serves the static files and answers the API with the shipped scenarios."""
    cli = venv / "bin" / "boligmatch"
    env = clean_env(
        BOLIGMATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'wheel.db'}",
        BOLIGMATCH_SECRET_KEY="packaging-test-secret",
        BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS="0",
    )
    _run([cli, "db", "upgrade"], cwd=tmp_path, env=env)
    _run([cli, "user", "add", "planner1", "--role", "planner", "--password-stdin"],
         cwd=tmp_path, env=env, stdin="packaging-password\n")  # fmt: skip
    with serving(cli, tmp_path, env) as base:
        page = httpx.get(f"{base}/login", timeout=10)
        assert page.status_code == 200 and "<form" in page.text and 'lang="da"' in page.text
        css = httpx.get(f"{base}/static/style.css", timeout=10)
        assert css.status_code == 200
        assert css.content == (REPO / "service" / "static" / "style.css").read_bytes()
        assert httpx.get(f"{base}/api/docs", timeout=10).status_code == 200
        token = httpx.post(f"{base}/api/v1/login/access-token", timeout=10,
                           data={"username": "planner1", "password": "packaging-password"})  # fmt: skip
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        shipped = httpx.get(f"{base}/api/v1/scenarios/available", headers=headers, timeout=10)
        assert shipped.status_code == 200, shipped.text
        names = [s["name"] for s in shipped.json()]
        assert names == sorted(p.stem for p in (REPO / "scenarios").glob("*.toml"))
