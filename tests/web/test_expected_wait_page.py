"""The youth page shows the expected wait's median with the half-width of its 95 % interval, and
the interval itself, exactly as the simulation of the same snapshot gives them."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service import db, settings
from service.usecases import waits
from service.usecases.data import live_case
from solver.i18n.render import text
from solver.planning.expected_wait import expected_waits

from .test_lists import _import


@pytest.fixture
def wait_client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from service.app import create_app

    monkeypatch.setenv("BOLIGMATCH_EXPECTED_WAIT_REPLICATIONS", "6")
    monkeypatch.setenv("BOLIGMATCH_EXPECTED_WAIT_WEEKS", "12")
    settings.get_settings.cache_clear()
    app = create_app()
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.jobs.stop(wait=True)


def _head(page: str) -> str:
    m = re.search(r'<dd id="expected-wait">(.*?)</dd>', page, re.S)
    assert m, "no expected wait on the page"
    return " ".join(html.unescape(m.group(1)).split())


def test_the_youth_page_shows_the_median_and_its_half_width(wait_client: TestClient) -> None:
    _import(wait_client)
    with Session(db.get_engine()) as session:
        case = live_case(session)
    s = settings.get_settings()
    direct = expected_waits(case, weeks=s.expected_wait_weeks,
                            replications=s.expected_wait_replications,
                            seed=s.expected_wait_seed, workers=1)  # fmt: skip
    wait_client.get(f"/unge/{case.youths[0].ref}")  # starts the computation
    waits.wait_until_ready()
    shown = {"median": 0, "beyond": 0, "open": 0}
    for y in case.youths[:40]:
        d = direct[y.ref]
        page = wait_client.get(f"/unge/{y.ref}").text
        head = _head(page)
        if d.median is None:
            assert head == text("queue.wait.beyond", "da", weeks=12)
            shown["beyond"] += 1
        elif d.half_width is None:
            assert head == text("queue.wait.median_open", "da", median=d.median, weeks=12)
            shown["open"] += 1
        else:
            half = math.ceil(d.half_width)
            assert head == text("queue.wait.median", "da", median=d.median, half=half)
            assert "±" in head
            sentence = text("queue.wait.interval", "da", lo=d.median_lo, hi=d.median_hi, half=half)
            assert html.escape(sentence, quote=False) in page
            shown["median"] += 1
    assert shown["median"] > 0, shown
