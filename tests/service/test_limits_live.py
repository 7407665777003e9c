"""Every limit tried the way an attacker would, through a real server (``boligmatch serve``):
upload size, zip bomb, nested TOML and JSON, login throttling, a weak production key, formula
escaping in the exports."""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.settings import Settings

from .conftest import FIXTURES, PASSWORD
from .live import BOLIGMATCH, Server, seed, token

pytestmark = pytest.mark.slow


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    seed(database_url)
    live = Server(database_url, tmp_path / "server.log", BOLIGMATCH_MAX_UPLOAD_MB="1").start()
    yield live
    live.cleanup()


def _case_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    folder = FIXTURES / "tiny"
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(folder.iterdir())
            if p.suffix in (".csv", ".toml")]  # fmt: skip


def _raw_request(port: int, head: str, first_chunk: bytes) -> str:
    """Send ``head`` and ``first_chunk`` of a body, then wait for the answer's status line
    without sending more. A server that waited for the rest of the body would never answer:
    the read then times out (``socket.timeout``), and the test fails."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head.encode() + first_chunk)
        answer = s.recv(4096).decode(errors="replace")
    return answer.splitlines()[0]


def test_the_default_upload_limit_is_20_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOLIGMATCH_MAX_UPLOAD_MB", raising=False)
    assert Settings().max_upload_mb == 20


def test_a_declared_oversize_upload_is_refused_before_its_body_arrives(server: Server) -> None:
    """57 MB announced, 64 KB sent: 413 at once (the server does not wait for the rest)."""
    with server.client() as c:
        alloc = token(c, "alloc")
    head = (
        "POST /api/v1/imports HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: {alloc['Authorization']}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {57 * 1024 * 1024}\r\n\r\n"
    )
    status = _raw_request(server.port, head, b"x" * 65536)
    assert " 413 " in status


def test_an_oversize_upload_without_a_length_is_refused_as_it_passes_the_limit(
    server: Server,
) -> None:
    """Chunked: the server counts what arrives and answers 413 once past 1 MB (the test
    server's limit); nothing is imported."""
    with server.client() as c:
        alloc = token(c, "alloc")

        def body() -> Iterator[bytes]:
            yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="youths.csv"'
            yield b"\r\n\r\n"
            for _ in range(64):  # 4 MB in 64 KB chunks
                yield b"a" * 65536

        headers = {**alloc, "Content-Type": "multipart/form-data; boundary=b"}
        r = c.post("/api/v1/imports", content=body(), headers=headers)
        assert r.status_code == 413 and "1 MB" in r.json()["detail"]
        assert c.get("/api/v1/youths", headers=alloc).json() == []


def test_the_import_page_refuses_an_oversize_upload_with_a_danish_page(server: Server) -> None:
    with server.client() as c:
        r = c.post("/anvisning/import", files={"files": ("youths.csv", b"a" * (2 * 1024 * 1024))})
        assert r.status_code == 413
        assert "Filerne fylder for meget: der modtages højst 1 MB ad gangen." in r.text


def _zip_bomb(megabytes: int) -> bytes:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("youths.csv", "w") as fh,
    ):
        for _ in range(megabytes):
            fh.write(b"0" * (1024 * 1024))
    return buf.getvalue()


def test_a_zip_bomb_is_refused_without_being_expanded(server: Server) -> None:
    """400 MB of zeros in a ~400 KB zip: 422 naming the file, quickly, and the server's memory
    stays where it was."""
    bomb = _zip_bomb(400)
    assert len(bomb) < 1024 * 1024
    pid = _serving_pid(server)
    before = _rss_mb(pid)
    with server.client() as c:
        alloc = token(c, "alloc")
        r = c.post("/api/v1/imports", files={"files": ("case.zip", bomb)}, headers=alloc)
        assert r.status_code == 422, r.text
        issue = r.json()["issues"][0]
        assert issue["file"] == "case.zip" and "MB" in issue["message"]
    assert _rss_mb(pid) - before < 50


def _serving_pid(server: Server) -> int:
    assert server.proc is not None
    return server.proc.pid


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


NESTED_TOML = "x = " + "[" * 40_000 + "]" * 40_000 + "\n"
DOTTED_TOML = "a." * 5000 + "b = 1\n"


def test_nested_toml_and_json_are_refused_with_422_never_500(server: Server) -> None:
    with server.client() as c:
        planner, alloc = token(c, "planner"), token(c, "alloc")
        for text in (NESTED_TOML, DOTTED_TOML):
            r = c.post("/api/v1/scenarios", json={"toml": [text]}, headers=planner)
            assert r.status_code == 422, r.text
            files = [f for f in _case_files() if f[1][0] != "policy.toml"]
            files.append(("files", ("policy.toml", text.encode(), "text/plain")))
            r = c.post("/api/v1/imports", files=files, headers=alloc)
            assert r.status_code == 422, r.text
            assert r.json()["issues"][0]["file"] == "policy.toml"
        nested_json = b'{"week": "2026-W48", "force": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        r = c.post("/api/v1/runs", content=nested_json,
                   headers={**alloc, "Content-Type": "application/json"})  # fmt: skip
        assert r.status_code == 422, r.text


def test_production_refuses_a_secret_key_under_32_bytes(database_url: str, tmp_path: Path) -> None:
    seed(database_url)
    env = Server(database_url, tmp_path / "x.log").env
    for key in ("x", "k" * 31):
        proc = subprocess.run(
            [BOLIGMATCH, "serve", "--port", "1"],
            env={**env, "BOLIGMATCH_ENV": "production", "BOLIGMATCH_SECRET_KEY": key},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 2 and "at least 32 bytes" in proc.stderr, proc.stderr
    live = Server(database_url, tmp_path / "ok.log", BOLIGMATCH_ENV="production",
                  BOLIGMATCH_SECRET_KEY="k" * 32).start()  # fmt: skip
    try:
        with live.client() as c:
            assert token(c, "admin")
    finally:
        live.cleanup()


def test_login_throttling_answers_429_with_retry_after(server: Server) -> None:
    with server.client() as c:
        for _ in range(6):
            r = c.post("/api/v1/login/access-token",
                       data={"username": "planner", "password": "not-the-password"})  # fmt: skip
            assert r.status_code == 400
        r = c.post("/api/v1/login/access-token",
                   data={"username": "planner", "password": PASSWORD})  # fmt: skip
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        page = c.get("/login")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"username": "planner", "password": PASSWORD,
                                   "csrf_token": csrf})  # fmt: skip
        assert r.status_code == 429 and "For mange forkerte forsøg" in r.text


FORMULA = '=HYPERLINK("http://evil.example/x","klik")'
FORMULA_SCENARIO = f"""
name = '{FORMULA}'
base = "tiny"
horizon_weeks = 2
replications = 1
seed = 1

[[changes]]
kind = "add_dwellings"
organisation = "{{org}}"
dwelling_type = "youth"
rent = 2500
count = 1
"""


def test_a_formula_in_a_scenario_name_is_escaped_in_the_comparison_csv(server: Server) -> None:
    from solver.caseio.read import read_case

    org = read_case(FIXTURES / "tiny").units[0].organisation
    with server.client() as c:
        planner = token(c, "planner")
        r = c.post("/api/v1/scenarios", json={"toml": [FORMULA_SCENARIO.format(org=org)]},
                   headers=planner)  # fmt: skip
        assert r.status_code == 202, r.text
        url = f"/api/v1/scenarios/{r.json()['id']}"
        deadline = time.monotonic() + 120
        while c.get(url, headers=planner).json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert c.get(url, headers=planner).json()["status"] == "done"
        body = c.get(f"{url}/comparison.csv", headers=planner).text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and {r["scenario"] for r in rows} == {"'" + FORMULA}
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
    assert any(r["difference_mean"].startswith("-") or r["difference_mean"][0].isdigit()
               for r in rows)  # numbers stay numbers  # fmt: skip
