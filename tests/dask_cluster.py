"""A real Dask cluster for tests: ``dask scheduler`` and two ``dask worker`` processes of this
venv (so they import ``solver`` as the code under test does), on a free port, torn down after."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _workers_seen(address: str) -> int:
    from distributed import Client

    with Client(address, set_as_default=False, timeout=5) as c:
        return len(c.scheduler_info(n_workers=-1)["workers"])


@contextmanager
def dask_cluster(tmp: Path, workers: int = 2) -> Iterator[str]:
    """Yield the scheduler's address once ``workers`` workers have joined."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs: list[subprocess.Popen[bytes]] = []
    logs = []

    def start(args: list[str], name: str) -> None:
        log = (tmp / f"{name}.log").open("wb")
        logs.append(log)
        procs.append(
            subprocess.Popen(
                [str(DASK), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        )

    try:
        start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
              "scheduler")  # fmt: skip
        for k in range(workers):
            start(["worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                   "--local-directory", str(tmp / f"worker{k}")], f"worker{k}")  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            if any(p.poll() is not None for p in procs):
                raise RuntimeError(f"a Dask process ended; logs in {tmp}")
            try:
                if _workers_seen(address) >= workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Dask cluster did not come up; logs in {tmp}")
            time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        for log in logs:
            log.close()
