"""A day at the office in chromium: the allocator finds a youth or a dwelling by reference,
works the youth list (search, sort, filter, pages) by keyboard and reads the start page's
to-do; a case worker reads what changed and watches the expected wait arrive without
reloading; a workbook without a week is asked for one. axe-core and the 320 px reflow check
run on every state (``check_page``; ``shot`` checks what it saves)."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from .conftest import NAESTVED, PASSWORD, check_page, ensure_imported, fixture_uploads, nav, shot

pytestmark = pytest.mark.browser


def _youths() -> list[dict[str, str]]:
    with (NAESTVED / "youths.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _summary(page: Any) -> str:
    return " ".join(page.locator(".list-summary").inner_text().split())


def test_allocator_finds_by_reference_and_works_the_youth_list(server: str, open_as: Any) -> None:
    ensure_imported(server)
    page = open_as("alloc")
    check_page(page, "start page with the to-do")
    todo = page.locator("#todo-h")
    assert todo.is_visible() and "ventende" in page.locator("#todo-urgent").inner_text()
    shot(page, "15-start-allocator")

    # the find box: exactly one dwelling opens it; part of a reference lists the matches
    page.get_by_label("Find ung eller bolig (reference)").fill("b00003")
    page.keyboard.press("Enter")
    page.wait_for_url("**/boliger/B00003")
    assert page.locator("h1").inner_text() == "Bolig B00003"
    unit = next(u for u in csv.DictReader((NAESTVED / "units.csv").open()) if u["ref"] == "B00003")
    facts = page.locator("dl.dwelling").inner_text()
    assert unit["organisation"] in facts and unit["area"] in facts
    shot(page, "16-dwelling")
    page.get_by_label("Find ung eller bolig (reference)").fill("0001")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find?ref=0001")
    assert page.get_by_role("link", name="U00010").is_visible()
    check_page(page, "find: several matches")
    page.get_by_role("link", name="U00010").click()
    page.wait_for_url("**/unge/U00010")
    check_page(page, "youth page, allocator")

    # the youth list: counts, search by keyboard, sort by queue position, a filter, pages
    nav(page, "Unge")
    assert _summary(page) == "Viser 1–50 af 60 unge, side 1 af 2."
    shot(page, "17-youth-list")
    page.get_by_label("Søg", exact=True).focus()
    page.keyboard.type("u0001")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/unge\?q=u0001"))
    assert _summary(page) == "Viser 1–10 af 10 unge (60 i alt)."
    page.get_by_role("link", name="Nulstil").click()
    page.get_by_role("link", name="Plads i køen").click()
    page.wait_for_url(re.compile(r"sorter=position"))
    header = page.locator("th", has=page.get_by_role("link", name="Plads i køen"))
    assert header.get_attribute("aria-sort") == "ascending"
    cells = page.locator("#unge tbody tr td:nth-child(9)").all_inner_texts()
    numbers = [int(c) for c in cells if c.isdigit()]
    assert numbers == sorted(numbers) and len(numbers) >= 40
    check_page(page, "sorted by queue position")
    page.get_by_label("Støtte").select_option("CTI")
    page.get_by_role("button", name="Søg").click()
    cti = sum(1 for y in _youths() if y["support_method"] == "CTI")
    assert _summary(page).startswith(f"Viser 1–{cti} af {cti} unge")
    page.get_by_role("link", name="Nulstil").click()
    page.get_by_role("navigation", name="Sider i listen over unge").get_by_role(
        "link", name="Side 2"
    ).click()
    assert _summary(page) == "Viser 51–60 af 60 unge, side 2 af 2."
    assert page.locator("#unge tbody tr").count() == 10
    check_page(page, "youth list, page 2")
    with page.expect_download() as info:
        page.get_by_role("link", name="regneark (CSV, dansk)").click()
    rows = list(csv.DictReader(io.StringIO(
        Path(info.value.path()).read_text(encoding="utf-8-sig")), delimiter=";"))  # fmt: skip
    assert len(rows) == 60 and "Plads i køen" in rows[0]


def test_case_worker_reads_what_changed_and_the_wait_arrives_by_itself(
    server: str, open_as: Any
) -> None:
    ensure_imported(server)
    mine = sorted(y["ref"] for y in _youths() if y["support_team"] == "ICM-1")
    page = open_as("cw_icm1")
    assert page.get_by_role("heading", name="Nyt om dine unge siden dit sidste besøg").is_visible()
    check_page(page, "case worker's start page")
    shot(page, "18-start-caseworker")

    # New data: the expected wait of the new pool is computed when someone asks, so the page
    # first shows it as being computed (or the old figures as stale) and then updates itself.
    token = httpx.post(f"{server}/api/v1/login/access-token",
                       data={"username": "alloc", "password": PASSWORD}).json()["access_token"]  # fmt: skip
    r = httpx.post(f"{server}/api/v1/imports", files=fixture_uploads(),
                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.status_code == 201, r.text
    page.goto(f"/unge/{mine[0]}")
    poll = page.locator("#wait-poll")
    assert poll.count() == 1 and poll.get_attribute("hx-get") == f"/unge/{mine[0]}/ventetid"
    check_page(page, "expected wait being computed")
    deadline = time.monotonic() + 90
    while page.locator("#wait-poll").count():  # no reload here: htmx polls, then reloads
        assert time.monotonic() < deadline, "the page never updated itself"
        time.sleep(0.5)
    assert re.search(r"\d+ uger|ikke tilgængelig", page.locator("#expected-wait").inner_text())
    assert "beregnes" not in page.locator("#expected-wait").inner_text()
    week = page.locator("#week-h")
    assert week.is_visible() and "/boliger/" not in page.content()
    check_page(page, "youth page with this week's dwellings")
    page.evaluate("document.getElementById('week-h').scrollIntoView()")
    shot(page, "19-caseworker-youth-dwellings", check=False)


def test_the_weeks_proposals_print_for_the_allocation_meeting(server: str, open_as: Any) -> None:
    ensure_imported(server)
    page = open_as("alloc")
    nav(page, "Anvisning")
    page.get_by_label("Uge", exact=True).fill("48")
    page.get_by_role("button", name="Start kørsel").click()
    page.get_by_role("heading", name=re.compile("Unge uden bolig")).wait_for(timeout=60_000)
    proposals = page.locator("tr[id^=forslag-]").count()
    page.get_by_role("link", name="Forslag til anvisningsmødet (udskrift)").click()
    page.wait_for_url("**/moede")
    assert page.locator("li.proposal").count() == proposals
    assert "af indkomsten" in page.locator("ol.meeting").inner_text()
    check_page(page, "the meeting's page")
    shot(page, "21-meeting", check=False)
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert page.locator(".decision-line").first.is_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent som Excel-ark").click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


def _workbook() -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out) as writer:
        for name, sheet in (("youths", "unge"), ("units", "boliger"), ("support", "støtte"),
                            ("quotas", "kvoter")):  # fmt: skip
            frame = pd.read_csv(NAESTVED / f"{name}.csv", dtype=str, keep_default_na=False)
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return out.getvalue()


def test_a_workbook_alone_is_asked_for_its_week_and_policy(
    open_as: Any, tmp_path: Path, server: str
) -> None:
    ensure_imported(server)
    book = tmp_path / "uge.xlsx"
    book.write_bytes(_workbook())
    page = open_as("alloc")
    nav(page, "Anvisning")
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent en tom Excel-skabelon").click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    page.get_by_label(re.compile("Filer fra sagsmappen")).set_input_files(str(book))
    page.get_by_role("button", name="Importér").click()
    alert = page.locator(".notice.error[role=alert]").last.inner_text()
    assert "Filerne siger ikke, hvilken uge eller politik de gælder" in alert
    assert page.get_by_label(re.compile("^Uge, hvis filerne")).get_attribute("aria-invalid")
    check_page(page, "import asks for the week and the policy")
    shot(page, "20-import-asks")
    page.get_by_label(re.compile("Filer fra sagsmappen")).set_input_files(str(book))
    page.get_by_label(re.compile("^Uge, hvis filerne")).fill("48")
    page.get_by_label(re.compile("^Som seneste importerede uge")).check()
    page.get_by_role("button", name="Importér").click()
    notice = page.locator(".notice.ok[role=status]").inner_text()
    assert notice.startswith("Uge 48, 2026 er importeret")
    check_page(page, "workbook imported")
