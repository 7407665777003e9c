"""Load on the queue-position endpoint: copenhagen fixture, one server process, loopback only.

Sets up a temporary SQLite database (migrate, import copenhagen, run week 2026-W48, add one
allocator), starts ``boligmatch serve`` on 127.0.0.1 in a child process, then fires a bounded
number of GET /api/v1/youths/{ref}/queue requests from this process with N concurrent clients
(hard time cap), and prints requests/s, p50/p99 latency and errors.

When Debian's ``wrk`` is installed (``apt-get install wrk``), it generates the load instead (C,
so the client does not eat the cores the server needs), for ``--seconds`` per level; otherwise an
httpx client in this process does, bounded by ``--requests``.

Run: ``.venv/bin/python benchmarks/bench_queue_load.py [--requests 2000] [--concurrency 1 10 50]``
Target (issue 3): p99 ≤ 100 ms at 50 concurrent clients, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


async def fire(base: str, refs: list[str], n: int, concurrency: int, cap_s: float) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        r = await client.post("/api/v1/login/access-token",
                              data={"username": "load", "password": PASSWORD})  # fmt: skip
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        await client.get(f"/api/v1/youths/{refs[0]}/queue", headers=headers)  # warm-up
        latencies: list[float] = []
        errors = 0
        issued = 0
        rng = random.Random(2026)
        deadline = time.monotonic() + cap_s

        async def worker() -> None:
            nonlocal errors, issued
            while issued < n and time.monotonic() < deadline:
                issued += 1
                ref = rng.choice(refs)
                t = time.perf_counter()
                try:
                    resp = await client.get(f"/api/v1/youths/{ref}/queue", headers=headers)
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
        "wall_s": wall,
        "rps": len(lat) / wall,
        "p50_ms": 1000 * lat[len(lat) // 2],
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
        "max_ms": 1000 * lat[-1],
    }


def fire_wrk(base: str, refs: list[str], token: str, concurrency: int, seconds: int) -> dict:
    """Drive the server with wrk (random refs, bearer token) and parse its latency report."""
    import re
    import shutil

    assert shutil.which("wrk")
    lua = (
        "refs = {"
        + ",".join(f'"{r}"' for r in refs)
        + "}\n"
        + (
            "math.randomseed(2026)\n"
            "request = function()\n"
            "  local ref = refs[math.random(#refs)]\n"
            f'  return wrk.format("GET", "/api/v1/youths/" .. ref .. "/queue", '
            f'{{["Authorization"] = "Bearer {token}"}})\n'
            "end\n"
        )
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    threads = min(2, concurrency)
    cmd = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", fh.name]
    out = subprocess.run(
        [*cmd, base], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
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
            "p50_ms": ms("50"), "p99_ms": ms("99"), "max_ms": float("nan")}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--cap-seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--seconds", type=int, default=15, help="seconds per level with wrk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BOLIGMATCH_DATABASE_URL": f"sqlite:///{tmp}/load.db",
               "BOLIGMATCH_SECRET_KEY": "load-test-secret"}  # fmt: skip
        refs = setup(env)
        port = free_port()
        cmd = [
            str(BIN / "boligmatch"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ]
        server = subprocess.Popen(cmd, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            import shutil

            if shutil.which("wrk"):
                login = httpx.post(f"{base}/api/v1/login/access-token",
                                   data={"username": "load", "password": PASSWORD})  # fmt: skip
                token = login.json()["access_token"]
                rows = [(c, fire_wrk(base, refs, token, c, args.seconds)) for c in args.concurrency]
            else:
                rows = [
                    (c, asyncio.run(fire(base, refs, args.requests, c, args.cap_seconds)))
                    for c in args.concurrency
                ]
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("| concurrent clients | requests | errors | req/s | p50 ms | p99 ms | max ms (httpx) |")
    print("|---|---|---|---|---|---|---|")
    for c, r in rows:
        top = "–" if r["max_ms"] != r["max_ms"] else f"{r['max_ms']:.1f}"  # NaN under wrk
        print(f"| {c} | {r['requests']} | {r['errors']} | {r['rps']:.0f} | {r['p50_ms']:.1f} "
              f"| {r['p99_ms']:.1f} | {top} |")  # fmt: skip


if __name__ == "__main__":
    main()
