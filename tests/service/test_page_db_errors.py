"""Page routes answer a value the database refuses (a NUL character: PostgreSQL cannot hold one
in text, psycopg raises DataError) with a Danish 400 page, never a 500 or the API's JSON, and
never log the value. On SQLite, which stores NUL, the same requests are ordinary pages."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from solver.i18n.render import text

from .conftest import PASSWORD, import_fixture

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = "Hemmelig"  # in every refused value: it must not reach the log


def _login(client: TestClient, username: str) -> str:
    client.cookies.clear()
    token = _CSRF.search(client.get("/login").text)
    assert token
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": token.group(1)}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    page = _CSRF.search(client.get("/").text)
    assert page
    return page.group(1)


def _refused_page(r: Response, postgres: bool) -> None:
    where = f"{r.request.method} {r.request.url.path}"
    if postgres:
        assert r.status_code == 400, (where, r.text[:300])
        assert r.headers["content-type"].startswith("text/html"), where
        assert text("page.invalid_title", "da") in r.text
        assert text("page.nul_character", "da") in r.text
    else:  # SQLite stores NUL: an ordinary answer (a page, the CSV, a redirect), never an error
        assert r.status_code < 500 and "json" not in r.headers["content-type"], where


def test_a_nul_in_a_page_query_or_form_is_a_danish_400_page_and_not_logged(
    client: TestClient, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    postgres = database_url.startswith("postgresql")
    import_fixture(client)
    caplog.set_level(logging.DEBUG)
    csrf = _login(client, "alloc")
    # search fields and filters of list pages (query parameters)
    for url, params in (("/unge", {"q": f"{SECRET}\x00"}),
                        ("/unge.csv", {"q": f"{SECRET}\x00"}),
                        ("/anvisning/tilbud", {"q": f"{SECRET}\x00"})):  # fmt: skip
        _refused_page(client.get(url, params=params), postgres)
    # a form post of a signed-in user (an offer outside the proposal)
    form = {"csrf_token": csrf, "run_id": "1", "week": "2026-W48", "youth_ref": f"{SECRET}\x00",
            "dwelling_ref": f"{SECRET}\x00", "reason": "other", "text": "begrundelse"}  # fmt: skip
    _refused_page(client.post("/anvisning/tilbud/uden-for-forslag", data=form,
                              follow_redirects=False), postgres)  # fmt: skip
    # the session is usable after the refusal: the next page reads the database again
    assert client.get("/unge").status_code == 200
    # the admin's audit-log filters, and the sign-in form (no session yet)
    _login(client, "admin")
    _refused_page(client.get("/admin/log", params={"q": f"{SECRET}\x00"}), postgres)
    client.cookies.clear()
    token = _CSRF.search(client.get("/login").text)
    assert token
    r = client.post("/login", data={"username": f"{SECRET}\x00", "password": PASSWORD,
                                    "csrf_token": token.group(1)}, follow_redirects=False)  # fmt: skip
    _refused_page(r, postgres)
    logged = "\n".join(f"{rec.getMessage()} {rec.__dict__}" for rec in caplog.records)
    assert SECRET not in logged
    if postgres:
        assert "page request value refused by the database" in logged
