"""A real server for the tests that need one: ``boligmatch serve`` in its own process, on its
own port and database, killed with SIGKILL or stopped like an operator would."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from service.auth import hash_password
from service.migrate import upgrade

from .conftest import PASSWORD, USERS

BOLIGMATCH = str(Path(sys.executable).parent / "boligmatch")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(url: str) -> None:
    """Migrate ``url`` and add the test users (one per role)."""
    from sqlmodel import Session

    from service import db
    from service.models import User

    upgrade(url)
    engine = db.make_engine(url)
    hashed = hash_password(PASSWORD)
    with Session(engine) as session:
        for name, (role, teams) in USERS.items():
            session.add(User(username=name, role=role.value, password_hash=hashed, teams=teams))
        session.commit()
    engine.dispose()


class Server:
    """``boligmatch serve`` against ``url``; ``env`` adds settings."""

    def __init__(self, url: str, log: Path, workers: int = 1, **env: str) -> None:
        self.url = url
        self.workers = workers
        self.log_path = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "BOLIGMATCH_DATABASE_URL": url,
            "BOLIGMATCH_SECRET_KEY": "live-server-secret-key-of-32-bytes!!",
            "BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS": "0",
            "BOLIGMATCH_SCENARIO_WORKERS": "1",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Server:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [BOLIGMATCH, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(self.log_path.read_text(errors="replace")[-5000:])
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the server process alone (its children must end by themselves)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def cleanup(self) -> None:
        """End whatever is left of the server's process group (the test is over)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base, **{"timeout": 60, **kwargs})  # type: ignore[arg-type]


def token(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/login/access-token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
