"""Child processes that end with their server.

A process pool's workers outlive a server that is killed (SIGKILL gives it no chance to stop
them), and a planning job's workers start workers of their own. Every child the service starts
runs :func:`adopt` first: it becomes the leader of a process group of its own (its own children
join it), and a watchdog thread ends that whole group as soon as the server that started it is
gone. (``prctl(PR_SET_PDEATHSIG)`` would fire when the *thread* that started the child ends,
which for a pool is any request thread, so the parent is watched instead.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

WATCH_SECONDS = 0.25


def adopt(parent_pid: int) -> None:
    """Pool initializer: own process group, ended with it when ``parent_pid`` is gone."""
    with contextlib.suppress(PermissionError):
        os.setpgrp()

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_SECONDS)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def end_pool(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers and everything they started (their process groups), now."""
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.kill()  # not yet its own group leader
    pool.shutdown(wait=True, cancel_futures=True)
