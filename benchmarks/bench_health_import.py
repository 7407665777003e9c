"""``/health`` while the largest allowed import is read and written (issue 12, target: answered
within 100 ms), against ``/health`` on the same idle server in the same run.

Sets up a fresh database (a temporary SQLite file, or ``--database-url`` for a scratch
PostgreSQL database whose ``public`` schema is dropped and recreated), migrates it, adds one
allocator, and starts ``boligmatch serve`` on 127.0.0.1 in a child process. The import is the
copenhagen fixture with its youths repeated under new references until the upload is just under
the upload limit (``BOLIGMATCH_MAX_UPLOAD_MB``, default 20 MB): the largest import the server
accepts. While it is posted, a client polls ``/health`` every 20 ms; the idle figures come from
the same client and server before the import. The server's resident memory is sampled too
(its peak, ``VmHWM``, at the end).

Run: ``.venv/bin/python benchmarks/bench_health_import.py [--database-url URL] [--write-docs]``
(``--write-docs`` puts the table into docs/security.md between its markers).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_queue_load import free_port, reset_postgres

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIXTURE = ROOT / "data" / "fixtures" / "copenhagen"
PASSWORD = "bench-health-password"
TARGET_MS = 100.0
MARK = ("<!-- bench_health_import -->", "<!-- /bench_health_import -->")


def largest_import(limit_bytes: int) -> tuple[list[tuple[str, tuple[str, bytes, str]]], int]:
    """The case files with youths.csv grown to just under the limit; (files, youths)."""
    files = {p.name: p.read_bytes() for p in FIXTURE.iterdir() if p.suffix in (".csv", ".toml")}
    rows = list(csv.DictReader(io.StringIO(files["youths.csv"].decode())))
    header = list(rows[0])
    # characters, not bytes: the areas' names are not ASCII (æ, ø, å take two bytes)
    others = sum(len(v) for k, v in files.items() if k != "youths.csv")
    budget = int((limit_bytes - others - 64 * 1024) * 0.96)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    count = 0
    while out.tell() < budget - 200:
        row = rows[count % len(rows)]
        writer.writerow({**row, "ref": f"B{count:07d}"})
        count += 1
    files["youths.csv"] = out.getvalue().encode()
    assert sum(len(v) for v in files.values()) < limit_bytes - 32 * 1024
    return [("files", (k, v, "text/plain")) for k, v in sorted(files.items())], count


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-health-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    if url.startswith("postgresql"):
        reset_postgres(url)
    env = {**os.environ, "BOLIGMATCH_DATABASE_URL": url, "BOLIGMATCH_SECRET_KEY": "b" * 40,
           "BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS": "0"}  # fmt: skip
    boligmatch = str(BIN / "boligmatch")
    subprocess.run([boligmatch, "db", "upgrade"], env=env, check=True, capture_output=True)
    add = [boligmatch, "user", "add", "bench", "--role", "allocator", "--password-stdin"]
    subprocess.run(add, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    from service.settings import Settings

    limit = int(Settings(_env_file=None).max_upload_mb * 1024 * 1024)  # type: ignore[call-arg]
    files, youths = largest_import(limit)
    size = sum(len(f[1][1]) for f in files)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([boligmatch, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # fmt: skip
    try:
        with httpx.Client(base_url=base, timeout=120) as c:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if c.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            login = {"username": "bench", "password": PASSWORD}
            token = c.post("/api/v1/login/access-token", data=login).json()["access_token"]
            idle = []
            for _ in range(200):
                started = time.perf_counter()
                assert c.get("/health").status_code == 200
                idle.append((time.perf_counter() - started) * 1000)
                time.sleep(0.02)
            rss_before = rss_mb(server.pid)
            result: dict[str, object] = {}

            def post() -> None:
                started = time.perf_counter()
                with httpx.Client(base_url=base, timeout=600) as uploader:
                    r = uploader.post("/api/v1/imports", files=files,
                                      headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                result.update(status=r.status_code, seconds=time.perf_counter() - started)

            thread = threading.Thread(target=post)
            thread.start()
            during, peak = [], rss_before
            while thread.is_alive():
                started = time.perf_counter()
                assert c.get("/health").status_code == 200
                during.append((time.perf_counter() - started) * 1000)
                peak = max(peak, rss_mb(server.pid))
                time.sleep(0.02)
            thread.join()
            hwm = rss_mb(server.pid, "VmHWM")
            child = max((rss_mb(pid, "VmHWM") for pid in children_of(server.pid)), default=0.0)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    rows = [
        ("idle", len(idle), percentile(idle, 0.5), percentile(idle, 0.99), max(idle)),
        ("during import", len(during), percentile(during, 0.5), percentile(during, 0.99),
         max(during)),
    ]  # fmt: skip
    lines = [
        f"{backend}: import of {size / 1024 / 1024:.1f} MB ({youths:,} youths) answered "
        f"{result['status']} in {result['seconds']:.1f} s; server memory {rss_before:.0f} MB "
        f"before, peak {hwm:.0f} MB; the import process's peak {child:.0f} MB. Machine load "
        f"(1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        "",
        "| /health | requests | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        *(f"| {name} | {n} | {p50:.1f} | {p99:.1f} | {mx:.1f} |" for name, n, p50, p99, mx in rows),
        "",
        f"during ÷ idle: p99 {rows[1][3] / rows[0][3]:.1f}×, max {rows[1][4] / rows[0][4]:.1f}×; "
        f"target max ≤ {TARGET_MS:.0f} ms: {'met' if rows[1][4] <= TARGET_MS else 'NOT met'}.",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write_docs:
        path = ROOT / "docs" / "security.md"
        text = path.read_text()
        start, end = MARK
        block = f"{start}\n{table}\n{end}"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if backend == "PostgreSQL":
            start, end = start.replace("-->", "postgres -->"), end.replace("-->", "postgres -->")
            block = f"{start}\n{table}\n{end}"
            pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        path.write_text(pattern.sub(lambda _: block, text))


if __name__ == "__main__":
    main()
