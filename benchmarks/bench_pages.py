"""Server time of the pages an allocation office works in all day, on the copenhagen fixture.

Target (issue 13): the youth list and the run page answer in ≤ 0.5 s of server time. The app
runs in this process behind Starlette's TestClient (no network, no browser), against a fresh
database — a temporary SQLite file by default, or ``--database-url`` for a scratch PostgreSQL
database whose ``public`` schema is dropped and recreated — after importing copenhagen (900
youths, 80 vacancies) and solving week 2026-W48. Each page is asked for ``--repeat`` times
(signed in as an allocator: every person read is audited, as in production) and the median
and the slowest are printed, next to two peers measured in the same run on the same app:
``/health`` (one ``SELECT 1``: the floor of a request) and ``/login`` (a small page rendered
from a template: the floor of a page). ``cold`` is the first youth list after new data (the
queue's pool and every youth's position computed anew).

    .venv/bin/python benchmarks/bench_pages.py [--repeat 15] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 0.5
PASSWORD = "bench-password-123"


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    if url.startswith("postgresql"):
        reset_postgres(url)
    os.environ.update({
        "BOLIGMATCH_DATABASE_URL": url, "BOLIGMATCH_SECRET_KEY": "bench-pages",
        "BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS": "0",
    })  # fmt: skip

    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from service import db, settings
    from service.app import create_app
    from service.auth import hash_password
    from service.migrate import upgrade
    from service.models import User
    from service.usecases.imports import import_week
    from service.usecases.runs import execute_run, request_run
    from solver.caseio.read import read_case

    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(url)
    engine = db.get_engine()
    case = read_case(ROOT / "data" / "fixtures" / "copenhagen")
    with Session(engine) as session:
        session.add(User(username="bench", role="allocator", password_hash=hash_password(PASSWORD)))
        session.commit()
        week, _ = import_week(session, case, "bench")
    run, _ = request_run(engine, week, "bench")
    assert run.id is not None
    execute_run(engine, run.id)
    with Session(engine) as session:  # 20 of the proposals offered (the offers list has rows)
        from datetime import date, timedelta

        from sqlmodel import col, select

        from service.models import Proposal
        from service.usecases.offer_batch import make_offers

        query = select(Proposal.id).where(
            Proposal.run_id == run.id, col(Proposal.dwelling_ref).is_not(None)
        )
        ids = [i for i in session.exec(query.order_by(col(Proposal.id)).limit(20)).all() if i]
        make_offers(session, run.id, ids, "bench", date.today() + timedelta(days=7))
        session.commit()

    app = create_app()
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        r = client.post("/login", data={"username": "bench", "password": PASSWORD,
                                        "csrf_token": token[1]})  # fmt: skip
        assert r.status_code == 303, r.text
        cold = timed(lambda: client.get("/unge"), 1)[0]
        pages = {
            "/health (peer: a request)": "/health",
            "/login (peer: a small page)": "/login",
            "/unge (youth list, page 1)": "/unge",
            "/unge sorted by queue position": "/unge?sorter=position",
            "/unge searched and filtered": "/unge?q=U001&status=waiting&stoette=CTI",
            "/unge page 18 of 18": "/unge?side=18",
            "/unge.csv (all 900, Danish)": "/unge.csv",
            f"/anvisning/koersler/{run.id} (run page)": f"/anvisning/koersler/{run.id}",
            "run page, unmatched page 9 of 17": f"/anvisning/koersler/{run.id}?u_side=9",
            "run page, searched and filtered": (
                f"/anvisning/koersler/{run.id}?q=U00&tilbud=none&u_aarsag=outranked"
                "&u_sorter=weeks_waited&u_orden=faldende"
            ),
            "/anvisning/tilbud (offers list)": "/anvisning/tilbud",
            "/ (start page, allocator)": "/",
        }
        rows = []
        for name, path in pages.items():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            times = timed(lambda p=path: client.get(p), args.repeat)
            rows.append((name, statistics.median(times), max(times), len(response.content)))
    engine.dispose()
    tmp.cleanup()

    floor = rows[1][1]
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"copenhagen (900 youths, 80 vacancies), {kind}, {args.repeat} requests per page, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"| page | median s | slowest s | × /login | KiB | ≤ {TARGET_S} s |")
    print("|---|---:|---:|---:|---:|---|")
    for name, median, worst, size in rows:
        ok = "yes" if worst <= TARGET_S else "NO"
        print(f"| {name} | {median:.3f} | {worst:.3f} | {median / floor:.1f} | {size / 1024:.0f} "
              f"| {ok} |")  # fmt: skip
    print(f"| /unge cold (first after new data) | {cold:.3f} | {cold:.3f} | {cold / floor:.1f} "
          f"| | {'yes' if cold <= TARGET_S else 'NO'} |")  # fmt: skip


if __name__ == "__main__":
    main()
