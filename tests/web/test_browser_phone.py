"""A working day on a phone (360 × 740), in chromium: the case worker reads their youths and a
youth's fitting dwellings, the allocator takes back a decision on the run page, the planner
fills in the scenario form. Every cell and control is on the screen without scrolling sideways
(a wide table in a region that scrolls by itself hid its right-hand columns, the »Tilbagekald«
button among them), and each field's label stands above its own field. axe-core at 1366 and
320 px on every state. The module has its own server: it adds a decision to the week."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import PASSWORD, check_page, ensure_imported, nav, serve, shot

pytestmark = pytest.mark.browser
WEEK = "2026-W48"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(tmp_path_factory.mktemp("web-phone"))


def _api(server: str) -> dict[str, str]:
    token = httpx.post(
        f"{server}/api/v1/login/access-token", data={"username": "alloc", "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _on_phone(page: Any, state: str) -> None:
    """axe-core at 1366 and 320 px, then the phone's viewport."""
    check_page(page, state)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)  # a layout pass at the new width


def _no_sideways_scroll(page: Any) -> None:
    wide = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"the page scrolls sideways at {wide[1]} px: {wide[0]} px wide"


# Every cell of the table that lies (partly) outside the screen or is clipped by a region
# that scrolls: what a reader on the phone does not see without scrolling sideways.
_HIDDEN_CELLS = """table => {
  const edge = window.innerWidth, out = [];
  for (const cell of table.querySelectorAll('tbody th, tbody td')) {
    const r = cell.getBoundingClientRect();
    let clipped = r.left < 0 || r.right > edge + 0.5;
    for (let a = cell.parentElement; a && !clipped; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') {
        const box = a.getBoundingClientRect();
        clipped = r.left < box.left - 0.5 || r.right > box.right + 0.5;
      }
    }
    if (clipped) out.push((cell.dataset.label || cell.tagName) + ' ' + Math.round(r.right));
  }
  return out;
}"""


def _all_cells_on_screen(page: Any, table: str) -> None:
    hidden = page.locator(table).evaluate(_HIDDEN_CELLS)
    assert not hidden, f"{table}: cells off the screen at 360 px: {hidden[:6]}"


def test_a_case_worker_reads_their_youths_on_a_phone(server: str, open_as: Any) -> None:
    ensure_imported(server)
    page = open_as("cw_icm1")
    nav(page, "Mine unge")
    _on_phone(page, "case worker's youths")
    _no_sideways_scroll(page)
    assert page.locator("#unge tbody tr").count() >= 2
    _all_cells_on_screen(page, "#unge")
    # each cell says what it is; the sort links stay at hand
    assert (
        page.locator("#unge tbody td").first.evaluate(
            "td => getComputedStyle(td, '::before').content"
        )
        == '"Status"'
    )
    assert page.get_by_role("link", name="Plads i køen").is_visible()
    page.locator("#unge-antal").evaluate("p => p.scrollIntoView()")
    shot(page, "25-phone-caseworker-list", check=False)

    page.locator("#unge tbody th a").first.click()
    assert page.locator("h1").inner_text().startswith("Ung ")
    _on_phone(page, "case worker's youth")
    _no_sideways_scroll(page)
    if page.locator("#ugens-boliger").count():
        _all_cells_on_screen(page, "#ugens-boliger")

    # at a desktop's width the list is a table again (its headings are the columns')
    page.set_viewport_size({"width": 1366, "height": 768})
    page.go_back()
    assert page.locator("#unge thead").evaluate("e => getComputedStyle(e).display") == (
        "table-header-group"
    )


def test_the_allocator_takes_back_a_decision_on_a_phone(server: str, open_as: Any) -> None:
    ensure_imported(server)
    headers = _api(server)
    run = httpx.post(f"{server}/api/v1/runs", json={"week": WEEK, "wait": 30}, headers=headers,
                     timeout=60).json()  # fmt: skip
    youths = httpx.get(f"{server}/api/v1/youths", headers=headers).json()
    youth = next(y["ref"] for y in youths if y["status"] == "waiting")
    r = httpx.post(f"{server}/api/v1/weeks/{WEEK}/decisions", headers=headers,
                   json={"kind": "ban", "youth_ref": youth,
                         "reason": "Den unge er indlagt og kan ikke flytte i denne uge"})  # fmt: skip
    assert r.status_code == 201, r.text
    page = open_as("alloc")
    page.goto(f"/anvisning/koersler/{run['id']}")
    page.get_by_role("heading", name=re.compile("Unge uden bolig")).wait_for(timeout=60_000)
    _on_phone(page, "run with a decision")
    _no_sideways_scroll(page)
    _all_cells_on_screen(page, "#decision-list")
    # scroll the page (not a region) to the decisions: the button is there, on the screen
    page.locator("#beslutninger-h").evaluate("h => h.scrollIntoView()")
    revoke = page.get_by_role("button", name=re.compile("^Tilbagekald beslutning"))
    box = revoke.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "Tilbagekald"
    shot(page, "26-phone-run-decisions", check=False)
    revoke.click()
    assert page.locator("#decision-list").count() == 0


# Each label that names a field (not a check box's, beside its box) and the field: a label to
# the left of its field, or on the line of another field, is read as naming that one.
_LABELS_BESIDE = """form => {
  const out = [];
  for (const label of form.querySelectorAll('fieldset label[for]')) {
    const field = document.getElementById(label.htmlFor);
    if (!field || field.type === 'checkbox' || field.type === 'radio') continue;
    const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
    if (f.top < l.bottom - 1 || Math.abs(f.left - l.left) > 1) out.push(label.textContent.trim());
  }
  return out;
}"""


def test_the_planner_composes_a_scenario_on_a_phone(server: str, open_as: Any) -> None:
    page = open_as("planner")
    nav(page, "Planlægning")
    page.get_by_role("link", name="Sammensæt et scenarie").click()
    _on_phone(page, "compose form")
    _no_sideways_scroll(page)
    beside = page.locator("form.stack").evaluate(_LABELS_BESIDE)
    assert not beside, f"labels not above their fields at 360 px: {beside[:6]}"
    page.get_by_label("Navn", exact=True).fill("grådig matchning")
    shot(page, "27-phone-planner-compose", check=False)
