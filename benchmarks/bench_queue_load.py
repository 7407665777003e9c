"""Load on the queue-position endpoint: copenhagen fixture, a server subprocess, loopback only.

Sets up a fresh database (a temporary SQLite file by default, or ``--database-url`` for a
scratch PostgreSQL database whose ``public`` schema is dropped and recreated): migrate, import
copenhagen, run week 2026-W48, add one allocator. Starts ``boligmatch serve`` on 127.0.0.1 in a
child process and, for each number of concurrent clients, drives two endpoints of that server:

* ``GET /api/v1/youths/{ref}/queue`` (random refs, bearer token; audited, so one write each);
* ``GET /health`` (one ``SELECT 1``): the floor this server, machine and client can do, measured
  in the same run, so the table reads as a ratio ("queue p99 ÷ health p99") as well as in ms.

Load generator: Debian's ``wrk`` when installed (``apt-get install wrk``; C, so the client eats
little of the cores the server needs), ``--seconds`` per level; otherwise an httpx client in
this process, ``--requests`` per level. Either way every level is bounded in time (wrk's
duration, or ``--cap-seconds``) and the whole script in requests × levels.

The server's CPU time per request (user + system, from /proc, over the server and its worker
processes) is the cost that does not depend on how the load generator shares the machine; with
PostgreSQL, its server processes' CPU per request is shown too (the machine's, all databases).

Run: ``.venv/bin/python benchmarks/bench_queue_load.py [--workers 2] [--seconds 10]``
Target (issue 3): p99 ≤ 100 ms at 50 concurrent clients, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "load-test-password"
TARGET_P99_MS = 100.0
TARGET_CLIENTS = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reset_postgres(url: str) -> None:
    """Empty a scratch PostgreSQL database (drop and recreate schema ``public``)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def setup(env: dict[str, str]) -> list[str]:
    """Migrate, import, run, add a user; returns the youth refs to ask for."""
    cli = str(BIN / "boligmatch")
    subprocess.run([cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([cli, "import", str(ROOT / "data/fixtures/copenhagen")], env=env, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([cli, "run", "--week", "2026-W48"], env=env, check=True, capture_output=True)
    add_user = [cli, "user", "add", "load", "--role", "allocator", "--password-stdin"]
    subprocess.run(add_user, env=env, check=True, input=PASSWORD + "\n", text=True,
                   capture_output=True)  # fmt: skip
    text = (ROOT / "data/fixtures/copenhagen/youths.csv").read_text().splitlines()[1:]
    return [line.split(",", 1)[0] for line in text]


def _proc_table() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command name, user + system CPU seconds) of every process (/proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    rows = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        rows.append((int(entry), int(fields[1]), name,
                     (int(fields[11]) + int(fields[12])) / ticks))  # fmt: skip
    return rows


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds of ``pid`` with all its descendants, and of the PostgreSQL server processes
    (their backends serve the load too; 0 without PostgreSQL). Exited backends are missed."""
    table = _proc_table()
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp, _, _ in table if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    ours = sum(cpu for p, _, _, cpu in table if p in tree)
    postgres = sum(cpu for _, _, name, cpu in table if name.startswith("postgres"))
    return ours, postgres


# ----------------------------------------------------------------------------- httpx client
async def fire_httpx(
    base: str, paths: list[str], headers: dict[str, str], n: int, concurrency: int, cap_s: float
) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30, headers=headers) as client:
        latencies: list[float] = []
        errors = 0
        issued = 0
        rng = random.Random(2026)
        deadline = time.monotonic() + cap_s

        async def worker() -> None:
            nonlocal errors, issued
            while issued < n and time.monotonic() < deadline:
                issued += 1
                path = rng.choice(paths)
                t = time.perf_counter()
                try:
                    resp = await client.get(path)
                    if resp.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    lat = sorted(latencies)
    return {
        "requests": len(lat),
        "errors": errors,
        "rps": len(lat) / wall,
        "p50_ms": 1000 * lat[len(lat) // 2],
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
    }


# ----------------------------------------------------------------------------- wrk
def fire_wrk(base: str, paths: list[str], token: str, concurrency: int, seconds: int) -> dict:
    """Drive the server with wrk (random paths, bearer token) and parse its latency report."""
    lua = (
        "paths = {"
        + ",".join(f'"{p}"' for p in paths)
        + "}\n"
        + (
            "math.randomseed(2026)\n"
            "request = function()\n"
            "  local path = paths[math.random(#paths)]\n"
            f'  return wrk.format("GET", path, {{["Authorization"] = "Bearer {token}"}})\n'
            "end\n"
        )
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    try:
        threads = min(2, concurrency)
        cmd = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s",
               "--latency", "-s", fh.name, base]  # fmt: skip
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
    finally:
        os.unlink(fh.name)

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps, out
    return {"requests": total, "errors": errors, "rps": float(rps.group(1)),
            "p50_ms": ms("50"), "p99_ms": ms("99")}  # fmt: skip


def warm_up(base: str, path: str, headers: dict[str, str], workers: int) -> None:
    """Until every worker answers with its caches built: the queue model and the expected-wait
    simulation (computed once per pool version in a process of its own, ~10 s on copenhagen;
    measuring while it runs would measure it). Bounded: 300 s."""
    deadline = time.monotonic() + 300
    streak = 0
    # A new connection per request, so that every worker process gets some of them.
    headers = {**headers, "Connection": "close"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while streak < 20 * workers:
            if time.monotonic() > deadline:
                raise SystemExit("warm-up: expected wait not ready after 300 s")
            body = client.get(path).json()
            ready = body.get("expected_wait", {}).get("status") in (None, "ready", "unavailable")
            streak = streak + 1 if ready else 0
            if not ready:
                time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, TARGET_CLIENTS])
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per level with wrk")
    parser.add_argument("--requests", type=int, default=3000, help="requests per level (httpx)")
    parser.add_argument("--cap-seconds", type=float, default=30.0, help="time cap (httpx)")
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument(
        "--database-url", default="", help="scratch PostgreSQL database (EMPTIED); default: SQLite"
    )
    args = parser.parse_args()
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/load.db"
        if url.startswith("postgresql"):
            reset_postgres(url)
        env = {**os.environ, "BOLIGMATCH_DATABASE_URL": url,
               "BOLIGMATCH_SECRET_KEY": "load-test-secret"}  # fmt: skip
        refs = setup(env)
        queue_paths = [f"/api/v1/youths/{ref}/queue" for ref in refs]
        port = free_port()
        cmd = [str(BIN / "boligmatch"), "serve", "--port", str(port),
               "--workers", str(args.workers)]  # fmt: skip
        # A session of its own: the server's workers and their helper processes (the expected
        # wait's process pool) are ended together at the end.
        server = subprocess.Popen(cmd, env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        rows: list[tuple[int, dict, dict, tuple[float, float]]] = []
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            login = httpx.post(f"{base}/api/v1/login/access-token",
                               data={"username": "load", "password": PASSWORD})  # fmt: skip
            token = login.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}

            def fire(paths: list[str], clients: int, seconds: int | None = None) -> dict:
                if use_wrk:
                    return fire_wrk(base, paths, token, clients, seconds or args.seconds)
                n = args.requests if seconds is None else 50 * clients
                return asyncio.run(fire_httpx(base, paths, headers, n, clients, args.cap_seconds))

            warm_up(base, queue_paths[0], headers, args.workers)
            for clients in args.concurrency:
                health = fire(["/health"], clients)
                before = cpu_seconds(server.pid)
                queue = fire(queue_paths, clients)
                after = cpu_seconds(server.pid)
                n = max(1, queue["requests"])
                cpu_ms = (1000 * (after[0] - before[0]) / n, 1000 * (after[1] - before[1]) / n)
                rows.append((clients, queue, health, cpu_ms))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)  # stragglers of the group
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    client = "wrk" if use_wrk else "httpx (in this process)"
    print(f"queue endpoint, copenhagen, {backend}, {args.workers} worker process(es), "
          f"load by {client}, {os.cpu_count()} cores shared by server and client")  # fmt: skip
    print(
        "| clients | queue req/s | queue p50 ms | queue p99 ms | errors queue/health "
        "| health req/s | health p99 ms | p99 ÷ health p99 | server CPU ms/req "
        "| PostgreSQL CPU ms/req |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for clients, q, h, cpu_ms in rows:
        ratio = q["p99_ms"] / h["p99_ms"] if h["p99_ms"] > 0 else float("nan")
        print(f"| {clients} | {q['rps']:.0f} | {q['p50_ms']:.1f} | {q['p99_ms']:.1f} "
              f"| {q['errors']}/{h['errors']} | {h['rps']:.0f} | {h['p99_ms']:.1f} | {ratio:.2f} "
              f"| {cpu_ms[0]:.2f} | {cpu_ms[1]:.2f} |")  # fmt: skip
    at_target = [r for r in rows if r[0] == TARGET_CLIENTS]
    if at_target:
        _, q, h, _ = at_target[0]
        met = q["p99_ms"] <= TARGET_P99_MS and q["errors"] == 0
        print(f"target p99 ≤ {TARGET_P99_MS:.0f} ms at {TARGET_CLIENTS} clients, zero errors: "
              f"{'met' if met else 'NOT met'} (p99 {q['p99_ms']:.1f} ms, "
              f"{q['errors']} errors)")  # fmt: skip


if __name__ == "__main__":
    main()
