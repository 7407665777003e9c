"""All background work of the service, started, tracked and stopped in one place.

- **Runs** (``usecases.runs.execute_run``): a thread pool of ``BOLIGMATCH_RUN_WORKERS`` threads in
  the serving process (a run is mostly OR-Tools' C++, which releases the GIL).
- **Planning jobs** (``usecases.planning.execute``): their own thread, one job at a time, so a
  long simulation never delays a weekly run; the replications themselves run in processes or on
  Dask.
- **Expected waits** (``usecases.waits``): one simulation process per server, started on demand.

``Jobs.stop()`` ends it all when the server stops: planning jobs that never started are marked
failed (nobody waits for them), and the expected-wait process ends with the server.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Engine

from .usecases import planning, waits
from .usecases.runs import execute_run


class Jobs:
    """The background work of one application."""

    def __init__(self, engine: Callable[[], Engine], run_workers: int = 1) -> None:
        self._engine = engine
        self._runs = ThreadPoolExecutor(max_workers=run_workers, thread_name_prefix="run")
        self._planning = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planning")

    def start_run(self, run_id: int) -> Future[None]:
        """Solve a requested run in the background (``usecases.runs.request_run`` made it)."""
        return self._runs.submit(execute_run, self._engine(), run_id)

    def start_planning(self, job_id: int) -> Future[None]:
        """Run a recorded planning job (``usecases.planning.start_job`` made it)."""
        return self._planning.submit(planning.execute, self._engine(), job_id)

    def stop(self, wait: bool = False) -> None:
        """Stop taking work; a running run or planning job finishes (``wait``: wait for it)."""
        self._planning.shutdown(wait=wait, cancel_futures=True)
        planning.interrupt_pending(self._engine())
        self._runs.shutdown(wait=wait)
        waits.shutdown()
