"""The service's overhead (issue 15, item 3): each figure a ratio against its peer measured in
the same run, on SQLite and on PostgreSQL.

For each database a fresh one (a temporary SQLite file; ``--postgres-url`` names a scratch
PostgreSQL database whose ``public`` schema is dropped and recreated) is migrated, one allocator
is added, and a real ``boligmatch serve`` is started on a free loopback port as a child process;
an httpx client in this process then measures:

1. **Import through the API** (``POST /imports`` with the case's files, until the answer)
   against reading the same folder with ``solver.caseio.read.read_case`` in this process
   (best of three). Twice: the first import of the case into the empty database, and the same
   files again (every youth compared, none changed). Target ≤ 3×. Measured once the server has
   settled after its start (``serve`` starts the import process, which loads its modules).
2. **A run end to end** (``POST /runs`` with ``force`` and ``wait``, answered once the run is
   ``done``; a run longer than the wait is followed with ``GET /runs/{id}`` every 5 ms) against
   the engine's own time for the week: the run's recorded stage timings (``timings``:
   eligibility, build, the stages, explain), measured by the server while it solved. Median
   of ``--runs`` runs after one warm-up run. Target ≤ 1.5×. The engine on the same case in
   this process (``solver.engine.week.run_case``) is shown too.
3. **The queue endpoint at 50 concurrent clients** (``GET /api/v1/youths/{ref}/queue``, random
   refs, audited) against ``GET /health`` on the same server and client: p99 ÷ p99 in each of
   ``--queue-rounds`` rounds (the two endpoints in turn, the order swapped each round), the
   median of the rounds' ratios. Target ≤ 1.2×. Load by the httpx client of
   ``bench_queue_load.py`` (``--queue-requests`` per endpoint and round), after its warm-up
   (the expected-wait simulation ready).

Cases: ``copenhagen`` (the fixture) and ``national`` (the generated profile, 20,000 youths ×
5,000 dwellings: ``--cases copenhagen national``; minutes). The queue is measured on the first.

Run: ``.venv/bin/python benchmarks/bench_service.py [--postgres-url URL] [--write-readme]``;
``--write-readme`` replaces README.md's section between ``<!-- bench_service:begin -->`` and
``<!-- bench_service:end -->``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_queue_load import cpu_seconds, fire_httpx, free_port, reset_postgres, warm_up
from benchmarks.readme_section import write_section

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "bench-service-password"
IMPORT_TARGET, RUN_TARGET, QUEUE_TARGET, QUEUE_CLIENTS = 3.0, 1.5, 1.2, 50


def case_folder(name: str, tmp: Path) -> Path:
    """The fixture's folder, or the generated profile written once into ``tmp``."""
    folder = ROOT / "data" / "fixtures" / name
    if folder.exists():
        return folder
    out = tmp / name
    if not out.exists():
        from solver.fixtures.generate import generate_case, write_case_folder

        write_case_folder(generate_case(name), out)
    return out


def read_seconds(folder: Path) -> float:
    from solver.caseio.read import read_case

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read_case(folder)
        best = min(best, time.perf_counter() - started)
    return best


def engine_seconds(folder: Path) -> float:
    """``run_case`` on the folder's case in this process (best of three after a warm-up)."""
    from solver.caseio.read import read_case
    from solver.engine.week import run_case

    case = read_case(folder)
    run_case(case)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        run_case(case)
        best = min(best, time.perf_counter() - started)
    return best


class Server:
    """``boligmatch serve`` on a free port, in a session of its own (ended as a group)."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [str(BIN / "boligmatch"), "serve", "--port", str(self.port),
               "--workers", str(workers)]  # fmt: skip
        quiet = subprocess.DEVNULL
        self.proc = subprocess.Popen(
            cmd, env=env, start_new_session=True, stdout=quiet, stderr=quiet
        )
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.1)

    def settle(self, timeout: float = 90.0) -> None:
        """Until the server and its children (the import process loading its modules at
        start-up) use under a tenth of a core: what a user meets once a server is up."""
        deadline = time.monotonic() + timeout
        before = cpu_seconds(self.proc.pid)[0]
        while time.monotonic() < deadline:
            time.sleep(0.5)
            after = cpu_seconds(self.proc.pid)[0]
            if after - before < 0.05:
                return
            before = after

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)


def timed_import(client: httpx.Client, folder: Path) -> tuple[float, str]:
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(folder.iterdir())
             if p.suffix in (".csv", ".toml")]  # fmt: skip
    started = time.perf_counter()
    resp = client.post("/api/v1/imports", files=files)
    seconds = time.perf_counter() - started
    if resp.status_code != 201:
        raise SystemExit(f"import answered {resp.status_code}: {resp.text[:500]}")
    return seconds, str(resp.json()["week"])


def timed_run(client: httpx.Client, week: str) -> tuple[float, float]:
    """(seconds from POST /runs until GET says done, the run's recorded engine seconds)."""
    started = time.perf_counter()
    resp = client.post("/api/v1/runs", json={"week": week, "force": True, "wait": 30})
    if resp.status_code != 202:
        raise SystemExit(f"POST /runs answered {resp.status_code}: {resp.text[:500]}")
    run = resp.json()
    while run["status"] not in ("done", "failed"):  # a run longer than the wait
        time.sleep(0.005)
        run = client.get(f"/api/v1/runs/{run['id']}").json()
    seconds = time.perf_counter() - started
    if run["status"] != "done":
        raise SystemExit(f"run failed: {run['error']}")
    return seconds, float(sum(run["timings"].values()))


def measure_backend(url: str, cases: list[str], args: argparse.Namespace, tmp: Path) -> dict:
    if url.startswith("postgresql"):
        reset_postgres(url)
    env = {**os.environ, "BOLIGMATCH_DATABASE_URL": url, "BOLIGMATCH_SECRET_KEY": "s" * 40}
    cli = str(BIN / "boligmatch")
    subprocess.run([cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    add = [cli, "user", "add", "bench", "--role", "allocator", "--password-stdin"]
    subprocess.run(add, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    server = Server(env, args.workers)
    out: dict[str, Any] = {"cases": []}
    try:
        server.settle()
        login = {"username": "bench", "password": PASSWORD}
        token = httpx.post(f"{server.base}/api/v1/login/access-token", data=login).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        with httpx.Client(base_url=server.base, headers=headers, timeout=900) as client:
            for name in cases:
                folder = case_folder(name, tmp)
                first, week = timed_import(client, folder)
                again, _ = timed_import(client, folder)
                read_s = read_seconds(folder)
                timed_run(client, week)  # warm-up
                runs = [timed_run(client, week) for _ in range(args.runs)]
                end_to_end = statistics.median(r[0] for r in runs)
                recorded = statistics.median(r[1] for r in runs)
                local = engine_seconds(folder) if name == cases[0] or args.local_engine else None
                out["cases"].append({"case": name, "import_first": first, "import_again": again,
                                     "read": read_s, "run": end_to_end, "recorded": recorded,
                                     "local_engine": local})  # fmt: skip
                if name == cases[0]:
                    rows = (folder / "youths.csv").read_text().splitlines()[1:]
                    refs = [line.split(",", 1)[0] for line in rows]
                    paths = [f"/api/v1/youths/{ref}/queue" for ref in refs]
                    warm_up(server.base, paths[0], headers, args.workers)
                    out["queue"] = {"case": name, **queue_rounds(server.base, paths, headers,
                                                                 args)}  # fmt: skip
    finally:
        server.stop()
    return out


def queue_rounds(base: str, paths: list[str], headers: dict[str, str], args: Any) -> dict:
    """``--queue-rounds`` rounds of ``/health`` and the queue endpoint in turn (the order
    swapped each round: H Q, Q H, …), each round's p99 ÷ p99 taken as a pair, so a slow moment
    of the shared machine lands on both sides of a pair rather than on one endpoint; the figure
    is the median of the rounds' ratios (one p99 of one round moved it by 2× or more on this
    machine). The p50 and p99 shown are the medians of the rounds'."""
    n, cap = args.queue_requests, args.queue_cap_seconds
    rounds: list[tuple[dict, dict]] = []
    for at in range(args.queue_rounds):
        fire = {"health": ["/health"], "queue": paths}
        order = ("health", "queue") if at % 2 == 0 else ("queue", "health")
        got = {k: asyncio.run(fire_httpx(base, fire[k], headers, n, QUEUE_CLIENTS, cap))
               for k in order}  # fmt: skip
        rounds.append((got["health"], got["queue"]))

    def median(side: int, key: str) -> float:
        return statistics.median(r[side][key] for r in rounds)

    summary = {
        side: {"p50_ms": median(i, "p50_ms"), "p99_ms": median(i, "p99_ms"),
               "rps": median(i, "rps"), "errors": sum(r[i]["errors"] for r in rounds)}
        for i, side in enumerate(("health", "queue"))
    }  # fmt: skip
    ratios = [q["p99_ms"] / h["p99_ms"] for h, q in rounds]
    return {**summary, "ratio": statistics.median(ratios), "ratios": ratios}


def _ratio(value: float, peer: float, target: float) -> str:
    ratio = value / peer if peer > 0 else float("nan")
    return f"{ratio:.2f}× {'✓' if ratio <= target else '✗'}"


def tables(results: dict[str, dict], args: argparse.Namespace, load: float) -> str:
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, shared (1-minute load average "
        f"{load:.1f} at the start); `boligmatch serve --workers {args.workers}` on loopback, "
        f"httpx client; `.venv/bin/python benchmarks/bench_service.py`.",
        "",
        f"| database | case | import (first) s | import (again) s | read_case s "
        f"| first ÷ read (≤ {IMPORT_TARGET:g}×) | again ÷ read | POST /runs → done s "
        f"| engine (recorded) s | run ÷ engine (≤ {RUN_TARGET:g}×) | engine here s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, res in results.items():
        for r in res["cases"]:
            local = f"{r['local_engine']:.3f}" if r["local_engine"] is not None else "–"
            lines.append(
                f"| {backend} | {r['case']} | {r['import_first']:.2f} | {r['import_again']:.2f} "
                f"| {r['read']:.3f} | {_ratio(r['import_first'], r['read'], IMPORT_TARGET)} "
                f"| {_ratio(r['import_again'], r['read'], IMPORT_TARGET)} | {r['run']:.3f} "
                f"| {r['recorded']:.3f} | {_ratio(r['run'], r['recorded'], RUN_TARGET)} "
                f"| {local} |"
            )
    lines += [
        "",
        f"| database | case | clients | rounds | queue req/s | queue p50 ms | queue p99 ms "
        f"| health p99 ms | p99 ÷ health p99, median of rounds (≤ {QUEUE_TARGET:g}×) "
        "| each round's ratio | errors queue/health |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, res in results.items():
        q = res.get("queue")
        if q is None:
            continue
        qq, hh = q["queue"], q["health"]
        each = ", ".join(f"{r:.2f}" for r in q["ratios"])
        verdict = "✓" if q["ratio"] <= QUEUE_TARGET else "✗"
        lines.append(
            f"| {backend} | {q['case']} | {QUEUE_CLIENTS} | {len(q['ratios'])} | {qq['rps']:.0f} "
            f"| {qq['p50_ms']:.1f} | {qq['p99_ms']:.1f} | {hh['p99_ms']:.1f} "
            f"| {q['ratio']:.2f}× {verdict} | {each} | {qq['errors']}/{hh['errors']} |"
        )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    write_section("bench_service", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=["copenhagen"])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL", ""),
        help="scratch PostgreSQL database (EMPTIED); default: $BOLIGMATCH_TEST_POSTGRES_URL",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per case")
    parser.add_argument("--queue-requests", type=int, default=3000, help="per endpoint, per round")
    parser.add_argument("--queue-rounds", type=int, default=5, help="pairs of load rounds")
    parser.add_argument("--queue-cap-seconds", type=float, default=30.0)
    parser.add_argument("--local-engine", action="store_true", help="engine here for every case")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-service-") as name:
        tmp = Path(name)
        if not args.no_sqlite:
            results["SQLite"] = measure_backend(f"sqlite:///{tmp}/bench.db", args.cases, args, tmp)
        if args.postgres_url:
            results["PostgreSQL"] = measure_backend(args.postgres_url, args.cases, args, tmp)
    text = tables(results, args, load)
    print(text)
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
