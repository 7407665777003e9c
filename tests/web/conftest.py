"""Fixtures for the web pages.

- ``client``: a TestClient on a fresh SQLite database (schema by the migrations) with one user
  per role; ``login(client, name)`` signs in through the login form like a browser.
- ``server``: the app served by uvicorn in a subprocess on a free port, against its own
  temporary SQLite database, for the browser tests; ``browser``: Debian's chromium through
  Playwright (never a downloaded browser).
- ``check_page(page)``: axe-core (installed from the npm registry by ``npm ci`` into the
  git-ignored ``tests/web/axe/node_modules`` on first use, at the version its lock file pins)
  run on the page's current state at 1366 px and at 320 px: no violation of any rule, and no
  sideways scroll of the page at 320 px (WCAG 1.4.10). ``shot`` checks every state it saves.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service import db, settings
from service.auth import hash_password
from service.migrate import upgrade
from service.models import Role, User
from service.usecases import waits

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "data" / "fixtures"
# Where the browser tests save their screenshots (committed); BOLIGMATCH_SCREENSHOT_DIR overrides
# it, e.g. to keep a shared working tree clean.
SCREENSHOTS = Path(os.environ.get("BOLIGMATCH_SCREENSHOT_DIR") or ROOT / "docs" / "screenshots")
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"
USERS = {
    "admin": (Role.ADMIN, []),
    "alloc": (Role.ALLOCATOR, []),
    "planner": (Role.PLANNER, []),
    "cw_icm1": (Role.CASEWORKER, ["ICM-1"]),
    "cw_cti1": (Role.CASEWORKER, ["CTI-1"]),
}
CASE_FILES = ("youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml")

# A small planning scenario on the naestved fixture: a few seconds in one process.
SMALL_SCENARIO = """
name = "to ekstra ungdomsboliger"
description = "Næstved med to ekstra ungdomsboliger til 2.500 kr."
base = "naestved"
horizon_weeks = 4
replications = 2
seed = 7

[[changes]]
kind = "add_dwellings"
organisation = "Boligorg-01"
dwelling_type = "youth"
rent = 2500
count = 2
"""


def write_scenarios(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "two-more-dwellings.toml").write_text(SMALL_SCENARIO, encoding="utf-8")
    return folder


def seed_users(url: str) -> None:
    engine = db.make_engine(url)
    hashed = hash_password(PASSWORD)
    with Session(engine) as session:
        for name, (role, teams) in USERS.items():
            session.add(User(username=name, role=role.value, password_hash=hashed, teams=teams))
        session.commit()
    engine.dispose()


def fixture_uploads(name: str = "naestved") -> list[tuple[str, tuple[str, bytes, str]]]:
    folder = FIXTURES / name
    return [("files", (f, (folder / f).read_bytes(), "text/plain")) for f in CASE_FILES]


# ----------------------------------------------------------------------------- TestClient
@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", url)
    monkeypatch.setenv("BOLIGMATCH_SECRET_KEY", "web-test-secret")
    monkeypatch.setenv("BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS", "0")
    monkeypatch.setenv("BOLIGMATCH_SCENARIO_WORKERS", "1")
    monkeypatch.setenv("BOLIGMATCH_SCENARIOS_DIR", str(write_scenarios(tmp_path / "scenarios")))
    waits.reset()
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(url)
    seed_users(url)
    yield url
    db.get_engine().dispose()
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    from service.app import create_app

    app = create_app()
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.jobs.stop(wait=True)


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (from the start page)."""
    client.cookies.clear()
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 303, r.text
    start = client.get("/")
    assert start.status_code == 200
    return csrf_of(start.text)


def wait_for(client: TestClient, url: str, text: str, timeout: float = 120) -> str:
    """Poll a page until it contains ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url).text
        if text in body:
            return body
        time.sleep(0.1)
    raise AssertionError(f"{url} never showed {text!r}")


# ----------------------------------------------------------------------------- live server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under uvicorn in a subprocess (its own settings and database); the base URL."""
    yield from serve(tmp_path_factory.mktemp("web-server"))


def serve(tmp: Path) -> Iterator[str]:
    """Start the app on a fresh SQLite database in ``tmp``; yield its base URL; stop it. (A
    test module that changes the data for good, e.g. withdrawing youths, overrides ``server``
    with its own.)"""
    url = f"sqlite:///{tmp / 'server.db'}"
    upgrade(url)
    seed_users(url)
    port = _free_port()
    env = {
        **os.environ,
        "BOLIGMATCH_DATABASE_URL": url,
        "BOLIGMATCH_SECRET_KEY": "web-browser-secret",
        "BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS": "3",
        "BOLIGMATCH_EXPECTED_WAIT_WEEKS": "6",
        "BOLIGMATCH_SCENARIO_WORKERS": "1",
        "BOLIGMATCH_SCENARIOS_DIR": str(write_scenarios(tmp / "scenarios")),
    }
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            _signal_group(proc.pid, signal.SIGKILL)
            raise RuntimeError((tmp / "server.log").read_text(errors="replace"))
        time.sleep(0.2)
    yield base
    # The server and what it started (the expected-wait process pool) share one process group.
    _signal_group(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)
    _signal_group(proc.pid, signal.SIGKILL)
    proc.wait()
    log.close()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--lang=da-DK"])
        yield chromium
        chromium.close()


# ----------------------------------------------------------------------------- browser helpers
VIEWPORT = {"width": 1366, "height": 768}
NAESTVED = FIXTURES / "naestved"


AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
NARROW = {"width": 320, "height": 640}
CHECKED: list[str] = []  # the states checked in this session (URL and what was shown)


def _installed_axe() -> str:
    """axe-core's source; ``npm ci`` first when it is missing or older than the lock file."""
    lock = AXE_DIR / "package-lock.json"
    if not AXE_JS.exists() or AXE_JS.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: apt-get install -y npm (axe-core comes from npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR)],
                       check=True, capture_output=True, timeout=300)  # fmt: skip
        AXE_JS.touch()
    return AXE_JS.read_text(encoding="utf-8")


_AXE_SOURCE: list[str] = []


def _axe() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(_installed_axe())
    return _AXE_SOURCE[0]


def _violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now (every rule that is not experimental)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') holds
        # for the page and does not stop the test tool.
        page.evaluate(_axe() + "\n;undefined")
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [json.dumps(v, ensure_ascii=False) for v in found]


# The outermost elements reaching past the right edge (outside any scrolling region).
_OVERFLOWING = """() => {
  const edge = document.documentElement.clientWidth, out = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('.table-wrap, .scroll')) continue;
    const r = e.getBoundingClientRect();
    if (r.right > edge + 0.5 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > edge + 0.5))
      out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' ' + Math.round(r.right));
  }
  return out.slice(0, 5);
}"""


def check_page(page: Any, state: str = "") -> None:
    """axe-core at 1366 and 320 px with no violation, and no sideways page scroll at 320 px;
    the viewport is back at 1366 × 768 afterwards."""
    where = f"{page.url} {state}".strip()
    problems = [f"1366 px: {v}" for v in _violations(page)]
    page.set_viewport_size(NARROW)
    try:
        page.wait_for_timeout(50)  # a layout pass at the new width
        problems += [f"320 px: {v}" for v in _violations(page)]
        wide = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if wide[0] > wide[1]:
            culprits = page.evaluate(_OVERFLOWING)
            problems.append(
                f"320 px: the page scrolls sideways ({wide[0]} > {wide[1]} px): {culprits}"
            )
    finally:
        page.set_viewport_size(VIEWPORT)
    CHECKED.append(where)
    assert not problems, f"{where}:\n" + "\n".join(problems)


def nav(page: Any, name: str) -> None:
    """Follow a link of the main menu."""
    page.locator("header nav").get_by_role("link", name=name, exact=True).click()


def shot(page: Any, name: str, *, check: bool = True) -> None:
    """The viewport as a small PNG (256 colours) in docs/screenshots/, after ``check_page``."""
    from PIL import Image

    if check:
        check_page(page, name)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    image.quantize(colors=256).save(SCREENSHOTS / f"{name}.png", optimize=True)


@pytest.fixture
def open_as(browser: Any, server: str) -> Iterator[Any]:
    """``open_as(username)``: a fresh browser context signed in through the login form."""
    contexts = []

    def sign_in(username: str) -> Any:
        context = browser.new_context(viewport=VIEWPORT, base_url=server, locale="da-DK")
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{server}/")
        assert page.locator("h1").inner_text() == f"Goddag, {username}"
        return page

    yield sign_in
    for context in contexts:
        context.close()


def ensure_imported(server: str) -> None:
    """The naestved week, through the API, when a test runs without the allocator test."""
    token = httpx.post(
        f"{server}/api/v1/login/access-token", data={"username": "alloc", "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    if not httpx.get(f"{server}/api/v1/quotas", headers=headers).json():
        r = httpx.post(f"{server}/api/v1/imports", files=fixture_uploads(), headers=headers,
                       timeout=120)  # fmt: skip
        assert r.status_code == 201, r.text
