"""Issue 10 in chromium: a stale run says so wherever it is shown (start page, the runs list,
the run page) and offers nothing; the quota report page with its CSV and Excel downloads."""

from __future__ import annotations

import io
import time
from typing import Any

import httpx
import pytest

from .conftest import PASSWORD, check_page, ensure_imported, fixture_uploads, nav, shot

pytestmark = pytest.mark.browser
WEEK = "2026-W48"


def _headers(server: str) -> dict[str, str]:
    token = httpx.post(
        f"{server}/api/v1/login/access-token", data={"username": "alloc", "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _fresh_run(server: str, headers: dict[str, str]) -> dict[str, Any]:
    run = httpx.post(
        f"{server}/api/v1/runs", json={"week": WEEK}, headers=headers, timeout=60
    ).json()
    deadline = time.monotonic() + 90
    while run["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        run = httpx.get(f"{server}/api/v1/runs/{run['id']}", headers=headers).json()
    assert run["status"] == "done" and not run["stale"], run
    return run


def test_a_stale_run_says_so_on_the_start_page_the_runs_and_the_run(
    server: str, open_as: Any
) -> None:
    ensure_imported(server)
    headers = _headers(server)
    run = _fresh_run(server, headers)
    # The week is imported again: the run no longer shows the week's data.
    r = httpx.post(f"{server}/api/v1/imports", files=fixture_uploads(), headers=headers, timeout=60)
    assert r.status_code == 201, r.text
    assert httpx.get(f"{server}/api/v1/runs/{run['id']}", headers=headers).json()["stale"]
    page = open_as("alloc")
    todo = page.locator("#todo-stale")
    assert "forældet — kør ugen igen" in todo.inner_text()
    check_page(page, "stale run on the start page")
    nav(page, "Anvisning")
    row = page.locator("section[aria-labelledby=runs-h] tbody tr", has_text=f"Kørsel {run['id']}")
    assert "forældet — kør ugen igen" in row.inner_text()
    row.get_by_role("link", name=f"Kørsel {run['id']}").click()
    alert = page.get_by_role("alert")
    assert "forældet — kør ugen igen" in alert.inner_text()
    assert "seneste ændring: Import (uge 48, 2026)" in alert.inner_text()
    check_page(page, "stale run page")
    page.goto(f"/anvisning/koersler/{run['id']}/moede")  # the meeting's print says so too
    assert "forældet — kør ugen igen" in page.get_by_role("alert").inner_text()
    page.goto(f"/anvisning/koersler/{run['id']}")
    shot(page, "17-stale-run", check=False)
    # A stale run offers nothing (an offer from it would be refused): no offer buttons, no
    # batch form, and the page says to run the week again.
    assert page.locator("tr[id^=forslag-]").count() > 0
    assert page.locator("tr[id^=forslag-] button", has_text="Giv tilbud").count() == 0
    assert page.locator("#batch-offer").count() == 0
    assert "kør ugen igen for at give tilbud" in page.locator("#no-offers-stale").inner_text()


def test_the_quota_report_page_and_its_downloads(server: str, open_as: Any) -> None:
    from openpyxl import load_workbook

    ensure_imported(server)
    headers = _headers(server)
    api = httpx.get(f"{server}/api/v1/reports/quotas?year=2026", headers=headers, timeout=30).json()
    assert api
    page = open_as("alloc")
    nav(page, "Kvoterapport")
    assert page.locator("h1").inner_text() == "Kvoterapport 2026"
    rows = page.locator("#kvoterapport tbody tr")
    assert rows.count() == len(api)
    for line in api:
        row = page.locator(
            f"#kvoterapport tr[data-organisation='{line['organisation']}']"
            f"[data-type='{line['dwelling_type']}']"
        )
        assert int(row.locator(".vacancies").inner_text()) == line["vacancies"]
        assert int(row.locator(".claimed").inner_text()) == line["claimed"]
    check_page(page, "quota report")
    shot(page, "18-quota-report", check=False)
    csv = page.request.get("/kvoterapport.csv?aar=2026")
    assert csv.status == 200
    head = csv.text().lstrip("\ufeff").splitlines()[0]
    assert head.startswith("Boligorganisation;Boligtype;Periode;Ledige boliger meldt;Anvist")
    xlsx = page.request.get("/kvoterapport.xlsx?aar=2026")
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    assert sheet is not None and sheet.cell(1, 1).value == "Boligorganisation"
    assert sheet.max_row == len(api) + 1


def test_a_claim_outside_boligmatch_through_the_capacity_page(server: str, open_as: Any) -> None:
    """An allocator records a claim made by phone: first with a blank department (refused in
    Danish at the field, as typed), then whole; the group's row counts it at once; withdrawn
    again, the row is as before and the list says who withdrew it. axe-core and the 320 px
    reflow on each state."""
    ensure_imported(server)
    headers = _headers(server)
    groups = httpx.get(f"{server}/api/v1/quotas", headers=headers).json()
    group = max(groups, key=lambda g: g["remaining"])
    assert group["remaining"] >= 1, groups
    row_selector = (f"#kvoter tr[data-organisation='{group['organisation']}']"
                    f"[data-type='{group['dwelling_type']}']")  # fmt: skip
    page = open_as("alloc")
    nav(page, "Kvoter og teams")
    row = page.locator(row_selector)
    before = int(row.locator(".remaining").inner_text())
    assert before == group["remaining"]
    page.select_option("#c-organisation", group["organisation"])
    page.select_option("#c-dwelling_type", group["dwelling_type"])
    page.fill("#c-dwelling_ref", "TLF-0815")
    page.fill("#c-note", "akut, aftalt pr. telefon")
    page.get_by_role("button", name="Registrér anvisning").click()
    errors = page.locator("#claim-errors")
    assert "Ret fejlen" in errors.inner_text() and "Skal udfyldes." in errors.inner_text()
    department = page.locator("#c-department")
    assert department.get_attribute("aria-invalid") == "true"
    assert page.locator("#c-dwelling_ref").input_value() == "TLF-0815"  # kept as typed
    check_page(page, "claim refused")
    department.fill(f"{group['organisation']}-afd99")
    page.get_by_role("button", name="Registrér anvisning").click()
    assert "er registreret og tæller nu med i kvoten" in page.get_by_role("status").inner_text()
    assert int(page.locator(row_selector).locator(".remaining").inner_text()) == before - 1
    claim = page.locator("#claims tbody tr", has_text="TLF-0815")
    assert "akut, aftalt pr. telefon" in claim.inner_text()
    check_page(page, "claim recorded")
    shot(page, "18a-claim-outside-boligmatch", check=False)
    claim.get_by_role("button", name="Træk tilbage: anvisningen af TLF-0815").click()
    assert "er trukket tilbage" in page.get_by_role("status").inner_text()
    assert int(page.locator(row_selector).locator(".remaining").inner_text()) == before
    assert (
        "Trukket tilbage af alloc"
        in page.locator("#claims tbody tr", has_text="TLF-0815").inner_text()
    )
    check_page(page, "claim withdrawn")
