"""The run page at the allocation office in chromium: each proposal with the youth and the
dwelling as a person knows them, the youths not housed found and paged by keyboard, chosen
proposals offered in one step without leaving the run, and the offers list filtered with the
offers about to expire marked in words. axe-core and the 320 px reflow check run on every
state (``check_page``; ``shot`` checks what it saves)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from service.models import local_today

from .conftest import check_page, ensure_imported, nav, shot

pytestmark = pytest.mark.browser


def _summary(page: Any, id_: str) -> str:
    return " ".join(page.locator(f"#{id_}").inner_text().split())


def _new_run(page: Any) -> None:
    """A new generation of week 48: its proposals are of youths still waiting."""
    nav(page, "Anvisning")
    page.get_by_label("Uge", exact=True).fill("48")
    page.get_by_label(re.compile("Kør ugen igen")).check()
    page.get_by_role("button", name="Start kørsel").click()
    page.wait_for_url(re.compile(r"/anvisning/koersler/\d+$"))
    page.get_by_role("heading", name=re.compile("Unge uden bolig")).wait_for(timeout=60_000)


def test_the_run_page_reads_as_the_office_knows_it_and_its_lists_page_by_keyboard(
    server: str, open_as: Any
) -> None:
    ensure_imported(server)
    page = open_as("alloc")
    _new_run(page)
    run_url = page.url
    rows = page.locator("tr[id^=forslag-]")
    assert rows.count() >= 3
    first = rows.nth(0)
    text = first.inner_text()
    assert "uger på venteliste" in text and " kr" in text and "vær." in text
    assert re.search(r"Huslejen er \d+ % af (indkomsten|huslejeloftet)", text)
    youth = first.get_attribute("data-youth")
    assert (
        first.get_by_role("link", name=youth, exact=True).get_attribute("href") == f"/unge/{youth}"
    )
    shot(page, "22-run-proposals", check=False)
    check_page(page, "the run page with the proposals' details")

    # The youths not housed: 25 a page, a reason chosen, all by keyboard.
    page.get_by_label("Pr. side").last.select_option("25")
    page.locator("#u-q").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"u_pr_side=25"))
    summary = _summary(page, "unmatched-antal")
    total = int(re.search(r"af (\d+) unge", summary)[1])
    assert summary.startswith("Viser 1–25 af") and total > 25
    pager = page.get_by_role("navigation", name="Sider med unge uden bolig")
    pager.get_by_role("link", name="Næste ›").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"u_side=2"))
    assert _summary(page, "unmatched-antal").startswith("Viser 26–")
    assert page.locator("tr[id^=forslag-]").count() == rows.count()  # the other list stays
    check_page(page, "the youths not housed, page 2")
    reason = page.locator("#u-aarsag option").nth(1)
    value, label = reason.get_attribute("value"), reason.inner_text()
    count = int(re.search(r"\((\d+)\)", label)[1])
    page.locator("#u-aarsag").select_option(value)
    form = page.get_by_role("search", name="Find unge uden bolig")
    form.get_by_role("button", name="Søg").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"u_aarsag={value}"))
    assert f"af {count} {'ung' if count == 1 else 'unge'} ({total} i alt)" in _summary(
        page, "unmatched-antal"
    )
    check_page(page, "the youths not housed for one reason")

    # Search the proposals by the dwelling of the first: one left.
    page.goto(run_url)
    dwelling = page.locator("tr[id^=forslag-]").nth(0).get_attribute("data-dwelling")
    page.locator("#f-q").fill(dwelling)
    page.locator("#f-q").press("Enter")
    page.wait_for_url(re.compile(rf"q={dwelling}"))
    assert page.locator("tr[id^=forslag-]").count() == 1
    assert _summary(page, "forslag-antal").startswith("Viser 1–1 af 1 forslag")
    check_page(page, "the proposals searched")


def test_chosen_proposals_are_offered_in_one_step_and_the_offers_are_filtered(
    server: str, open_as: Any
) -> None:
    ensure_imported(server)
    page = open_as("alloc")
    _new_run(page)
    run_url = page.url
    rows = page.locator("tr[id^=forslag-]")
    chosen = [rows.nth(i).get_attribute("data-youth") for i in (0, 1)]
    for i in (0, 1):  # by keyboard: the checkbox takes the focus and a space ticks it
        rows.nth(i).locator("input[type=checkbox]").focus()
        page.keyboard.press("Space")
    due = local_today() + timedelta(days=2)
    page.get_by_label("Svarfrist").fill(due.isoformat())
    check_page(page, "two proposals chosen")
    page.get_by_role("button", name="Giv tilbud til de valgte").click()
    page.wait_for_url(re.compile(r"tilbudt=2"))
    assert page.url.startswith(run_url)  # the run, not the offers
    notice = page.locator("[role=status]").filter(has_text="tilbud er givet")
    assert f"2 tilbud er givet med svarfrist {due:%d.%m.%Y}." in notice.inner_text()
    expect(notice).to_be_in_viewport()  # where the page lands (#matches-h), not above it
    for youth in chosen:
        row = page.locator(f"tr[data-youth='{youth}']")
        assert "Tilbudt" in row.inner_text() and row.locator("input[type=checkbox]").count() == 0
    check_page(page, "after a batch offer")
    shot(page, "23-run-batch-offer", check=False)

    # The offers list: these two are about to expire (answer in 2 days), marked in words.
    nav(page, "Tilbud")
    page.get_by_label("Kun dem, der udløber snart").check()
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile("udloeber=ja"))
    listed = page.locator("tr[id^=tilbud-]")
    youths = {listed.nth(i).get_attribute("data-youth") for i in range(listed.count())}
    assert set(chosen) <= youths
    for youth in chosen:
        row = page.locator(f"tr[id^=tilbud-][data-youth='{youth}']")
        assert "Udløber om 2 dage" in row.inner_text()
        assert row.get_attribute("class") == "expiring"
    check_page(page, "offers about to expire")
    shot(page, "24-offers-expiring", check=False)
    page.get_by_label("Givet af").select_option("alloc")
    page.get_by_label("Uge").select_option("2026-W48")
    page.get_by_label("Givet fra dato").fill(local_today().isoformat())
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile("givet_af=alloc"))
    assert set(chosen) <= {
        r.get_attribute("data-youth") for r in page.locator("tr[id^=tilbud-]").all()
    }
    check_page(page, "offers by giver, week and day")
    page.get_by_label("Givet fra dato").fill((local_today() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Filtrér").click()
    assert "Ingen tilbud matcher" in page.locator("#tilbud-antal").inner_text()
