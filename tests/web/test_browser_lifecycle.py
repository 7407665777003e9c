"""The case lifecycle in chromium (issue 10): the allocator registers a youth and a vacancy on
the pages (a wrong cell is named next to its field, with the import's message), withdraws the
youth with a reason and reopens them, confirms the youths a re-import no longer lists, and
records a minor's guardian consent before the contract is signed. axe-core at 1366 and 320 px
on every state. The module has its own server: it withdraws youths for good."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, check_page, fixture_uploads, serve, shot

pytestmark = pytest.mark.browser
WEEK = "2026-W48"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(tmp_path_factory.mktemp("web-lifecycle"))


def _api(server: str) -> dict[str, str]:
    token = httpx.post(
        f"{server}/api/v1/login/access-token", data={"username": "alloc", "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _imported(server: str) -> None:
    """The naestved week, once (the first import starts the import process: give it time)."""
    headers = _api(server)
    if not httpx.get(f"{server}/api/v1/quotas", headers=headers).json():
        r = httpx.post(f"{server}/api/v1/imports", files=fixture_uploads(), headers=headers,
                       timeout=120)  # fmt: skip
        assert r.status_code == 201, r.text


def test_register_withdraw_reopen_and_confirm_the_missing(server: str, open_as: Any) -> None:
    _imported(server)
    page = open_as("alloc")
    page.goto("/anvisning")
    page.locator("#new-youth").click()
    page.wait_for_url("**/unge/ny")
    page.fill("#f-ref", "W00001")
    page.fill("#f-birth_date", "2005-02-03")
    page.fill("#f-referred_on", "2026-10-01")
    page.select_option("#f-situation", "couch")
    page.select_option("#f-income_type", "su")
    page.select_option("#f-support_method", "ICM")
    page.fill("#f-support_team", "ICM-9")  # no such team: the import's check names the field
    page.fill("#f-monthly_income", "6.500")
    page.get_by_role("button", name="Gem").click()
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("Oplysningerne er ikke gemt")
    # the summary names each field by its label (not its column code) and leads to it
    expect(errors).to_contain_text("Månedlig indkomst: '6.500' er ikke et helt tal")
    assert errors.get_by_role("link", name="Månedlig indkomst").get_attribute("href") == (
        "#f-monthly_income"
    )
    expect(page.locator("#f-support_team-err")).to_contain_text("ICM-9")
    assert page.locator("#f-monthly_income-err").count() == 1
    assert page.locator("#f-ref").input_value() == "W00001"  # what was typed stays
    shot(page, "lifecycle-register-youth-errors")
    page.fill("#f-support_team", "ICM-1")
    page.fill("#f-monthly_income", "6500")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url("**/unge/W00001?*")
    expect(page.locator(".notice.ok")).to_contain_text("registreret og venter")
    check_page(page, "registered")

    # The youth's page: withdraw (other needs a text), then with a reason, then reopen.
    page.locator("#withdraw-box summary").click()
    page.select_option("#w-reason", "other")
    page.locator("#withdraw").click()
    expect(page.locator(".notice.error")).to_contain_text("kræver en forklaring")
    page.locator("#withdraw-box summary").click()
    page.select_option("#w-reason", "moved_away")
    page.locator("#withdraw").click()
    expect(page.locator(".notice.ok")).to_contain_text("er udgået (Fraflyttet kommunen)")
    expect(page.locator("#withdrawn")).to_contain_text("Fraflyttet kommunen")
    shot(page, "lifecycle-withdrawn")
    page.locator("#reopen").click()
    expect(page.locator(".notice.ok")).to_contain_text("venter igen")
    assert page.locator("#withdraw-box").count() == 1
    # Edit: the form holds the stored values; the reference is fixed.
    page.locator("#edit-youth").click()
    assert page.locator("#f-support_team").input_value() == "ICM-1"
    assert page.locator("#f-ref").get_attribute("readonly") is not None
    page.fill("#f-rent_ceiling", "3200")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".notice.ok")).to_contain_text("er gemt")

    # A vacancy.
    page.goto("/anvisning")
    page.locator("#new-dwelling").click()
    page.fill("#f-ref", "V00001")
    page.fill("#f-organisation", "Privat udlejer")
    page.fill("#f-area", "Næstved")
    page.select_option("#f-dwelling_type", "private")
    page.fill("#f-rooms", "0")
    page.fill("#f-rent", "2500")
    page.fill("#f-available_from", "2026-12-01")
    page.fill("#f-address", "Torvestræde 4, 2. tv., 4700 Næstved")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#f-rooms-err")).to_have_count(1)
    check_page(page, "dwelling error")
    page.fill("#f-rooms", "2")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"**/anvisning/uger/{WEEK}/boliger/V00001?*")
    expect(page.locator(".notice.ok")).to_contain_text("registreret som ledig")
    assert page.locator("#f-address").input_value() == "Torvestræde 4, 2. tv., 4700 Næstved"
    shot(page, "lifecycle-dwelling")

    # A re-import without three youths: listed for the allocator, not dropped, not kept quietly.
    headers = _api(server)
    files = []
    for name, (fname, data, kind) in fixture_uploads():
        if fname == "youths.csv":
            lines = data.decode().splitlines(keepends=True)
            data = "".join(ln for ln in lines if ln[:6] not in ("U00001", "U00002", "U00003"))
            data = data.encode()
        files.append((name, (fname, data, kind)))
    r = httpx.post(f"{server}/api/v1/imports", files=files, headers=headers, timeout=120)
    assert r.status_code == 201, r.text
    assert set(r.json()["missing_youths"]) >= {"U00001", "U00002", "U00003"}
    page.goto("/anvisning")
    expect(page.locator("#missing-youths")).to_contain_text("mangler i importen")
    page.locator("#missing-youths a").click()
    page.wait_for_url("**/anvisning/manglende")
    rows = page.locator("#manglende tbody tr")
    assert rows.count() == len(r.json()["missing_youths"])
    shot(page, "lifecycle-missing")
    page.select_option("#svar-U00001", "keep")
    page.select_option("#svar-U00002", "no_contact")
    page.locator("#confirm-each").click()
    expect(page.locator(".notice.ok")).to_contain_text("1 fortsat ventende, 1 udgået")
    assert page.locator("#svar-U00001").count() == 0
    page.select_option("#alle", "keep")
    page.get_by_role("button", name="Gem for alle").click()
    expect(page.locator("#none-missing")).to_be_visible()
    check_page(page, "none missing")
    u2 = httpx.get(f"{server}/api/v1/youths/U00002", headers=headers).json()
    assert (u2["status"], u2["withdrawn_reason"]) == ("withdrawn", "no_contact")


def test_a_minors_contract_waits_for_the_guardians_consent(server: str, open_as: Any) -> None:
    _imported(server)
    headers = _api(server)
    minor = {"ref": "M00001", "birth_date": "2009-06-01", "referred_on": "2026-01-05",
             "situation": "couch", "income_type": "job", "monthly_income": 14000,
             "support_method": "none"}  # fmt: skip
    flat = {"ref": "M-FLAT", "organisation": "Privat", "area": "Næstved",
            "dwelling_type": "private", "rooms": 1, "rent": 2400, "deposit": 0,
            "available_from": "2026-11-23"}  # fmt: skip
    r = httpx.post(f"{server}/api/v1/youths", json=minor, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    r = httpx.post(f"{server}/api/v1/weeks/{WEEK}/dwellings", json=flat, headers=headers)
    assert r.status_code == 201, r.text
    pin = {"kind": "pin", "youth_ref": "M00001", "unit_ref": "M-FLAT", "reason": "test"}
    r = httpx.post(f"{server}/api/v1/weeks/{WEEK}/decisions", json=pin, headers=headers)
    assert r.status_code == 201, r.text

    r = httpx.post(f"{server}/api/v1/runs", json={"week": WEEK, "force": True}, headers=headers)
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    page = open_as("alloc")
    for _ in range(600):
        if httpx.get(f"{server}/api/v1/runs/{run_id}", headers=headers).json()["status"] == "done":
            break
        page.wait_for_timeout(200)
    proposals = httpx.get(f"{server}/api/v1/runs/{run_id}/proposals", headers=headers).json()
    mine = next(p for p in proposals if p["youth_ref"] == "M00001")
    assert mine["dwelling_ref"] == "M-FLAT" and mine["minor"] is True
    # Where the offer is made, the run page says the youth is a minor.
    page.goto(f"/anvisning/koersler/{run_id}")
    expect(page.locator(f"#forslag-{mine['id']}")).to_contain_text("Under 18 (17 år)")
    check_page(page, "run with a minor")
    r = httpx.post(f"{server}/api/v1/offers", json={"proposal_id": mine["id"]}, headers=headers)
    assert r.status_code == 201, r.text
    oid = r.json()["id"]

    page.goto("/anvisning/tilbud")
    row = page.locator(f"#tilbud-{oid}")
    expect(row).to_contain_text("Under 18 (17 år)")
    expect(row).to_contain_text("samtykke mangler")
    row.get_by_role("button", name="Accepter").click()
    expect(page.locator(".notice.ok")).to_contain_text("accepteret")
    row = page.locator(f"#tilbud-{oid}")
    row.get_by_role("button", name="Kontrakt underskrevet").click()
    expect(page.locator(".notice.error")).to_contain_text("mindreårig")
    shot(page, "lifecycle-minor-consent-missing")
    row = page.locator(f"#tilbud-{oid}")
    row.locator(".consent-form summary").click()
    row.get_by_label("Hvem gav samtykke").fill("Mor (forældremyndighed)")
    row.get_by_role("button", name="Registrér samtykke").click()
    expect(page.locator(".notice.ok")).to_contain_text("samtykke er registreret")
    row = page.locator(f"#tilbud-{oid}")
    expect(row.locator(".consent")).to_contain_text("Mor (forældremyndighed)")
    check_page(page, "consent recorded")
    row.get_by_role("button", name="Kontrakt underskrevet").click()
    expect(page.locator(".notice.ok")).to_contain_text("Kontrakten er registreret")
    offer = next(o for o in httpx.get(f"{server}/api/v1/offers", headers=headers).json()
                 if o["id"] == oid)  # fmt: skip
    assert offer["state"] == "signed" and offer["consent_by"] == "alloc"
