"""The allocator decides, in chromium: choose the week's priority scheme, pin a pair, ban a pair,
re-run with the decisions, read the diff, offer outside the proposal with a reason, and the
admin finds it all in the audit log."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import httpx
import pytest

from solver.caseio.read import read_case
from solver.engine.eligibility import compute_eligibility

from .conftest import NAESTVED, PASSWORD, check_page, ensure_imported, nav, shot

pytestmark = pytest.mark.browser


def _api(server: str) -> dict[str, str]:
    token = httpx.post(
        f"{server}/api/v1/login/access-token", data={"username": "alloc", "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _offerable(server: str, proposed: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Eligible naestved pairs the run did not propose, between a waiting youth and a dwelling
    nobody holds, with room left in the quota group and the team (open offers hold theirs) and
    in the group beyond what the pins in force need (an offer taking a pin's claim would leave
    the next run a pin it cannot honour)."""
    headers = _api(server)
    case = read_case(NAESTVED)
    elig = compute_eligibility(case)
    status = {
        y["ref"]: y["status"] for y in httpx.get(f"{server}/api/v1/youths", headers=headers).json()
    }
    offers = httpx.get(f"{server}/api/v1/offers", headers=headers).json()
    live = [o for o in offers if o["state"] in ("offered", "accepted", "signed", "moved_in")]
    held_units = {o["dwelling_ref"] for o in live}
    open_youths = {o["youth_ref"] for o in live if o["state"] in ("offered", "accepted")}
    quotas = httpx.get(f"{server}/api/v1/quotas", headers=headers).json()
    teams = {t["team"]: t for t in httpx.get(f"{server}/api/v1/teams", headers=headers).json()}
    units = {u.ref: u for u in case.units}
    youths = {y.ref: y for y in case.youths}
    decisions = httpx.get(f"{server}/api/v1/weeks/2026-W48/decisions", headers=headers).json()
    pinned = [units[d["unit_ref"]] for d in decisions if d["kind"] == "pin" and d["unit_ref"]]

    def room(y: str, u: str) -> bool:
        unit = units[u]
        for q in quotas:
            if (q["organisation"], q["dwelling_type"]) == (
                unit.organisation,
                unit.dwelling_type.value,
            ):
                rate = Fraction(q["rate"]) if q["rate"] else Fraction(1, 4)
                held = sum(1 for o in live if o["state"] in ("offered", "accepted")
                           and units[o["dwelling_ref"]].organisation == unit.organisation
                           and units[o["dwelling_ref"]].dwelling_type == unit.dwelling_type)  # fmt: skip
                pins = sum(1 for p in pinned if (p.organisation, p.dwelling_type)
                           == (unit.organisation, unit.dwelling_type))  # fmt: skip
                if math.floor(rate * q["vacancies"]) - q["claimed"] - held - pins < 1:
                    return False
        team = teams.get(youths[y].support_team or "")
        if team and team["method"] in ("CTI", "ACT"):
            free = team["workers"] * (team["caseload_cap"] or 10) - team["current_caseload"]
            held = sum(1 for r in open_youths if youths[r].support_team == team["team"])
            return free - held >= 1
        return True

    pairs = [
        (case.youths[int(i)].ref, case.units[int(j)].ref)
        for i, j in zip(elig.youth_idx, elig.unit_idx, strict=True)
    ]
    return [
        (y, u) for y, u in pairs
        if status.get(y) == "waiting" and u not in held_units and (y, u) not in proposed
        and room(y, u)
    ]  # fmt: skip


def test_choose_a_scheme_pin_ban_rerun_read_the_diff_override_and_audit(
    server: str, open_as: Any
) -> None:
    ensure_imported(server)
    page = open_as("alloc")
    nav(page, "Anvisning")
    page.get_by_label("Uge", exact=True).fill("48")
    page.get_by_role("button", name="Start kørsel").click()
    page.wait_for_url("**/anvisning/koersler/*")
    page.locator("#matches-h").wait_for(timeout=60_000)

    # The scheme: situation first; the page says which scheme is in force.
    page.get_by_label("Vælg ordning for ugen").select_option("situation")
    page.get_by_role("button", name="Brug ordningen").click()
    assert "Boligsituation" in page.locator("#prioritering").inner_text()
    check_page(page, "scheme chosen")

    # Pin the first proposed pair nobody was offered yet (it stays across re-runs), ban the next.
    # (The new scheme made the run stale: it offers nothing, so no row has an offer button.)
    assert "kør ugen igen for at give tilbud" in page.locator("#no-offers-stale").inner_text()
    rows = page.locator("#matches-h ~ div table tbody tr").filter(
        has_not=page.locator('a[href^="/anvisning/tilbud?q="]')
    )
    first, second = rows.nth(0), rows.nth(1)
    pinned_youth = first.get_attribute("data-youth")
    banned_youth = second.get_attribute("data-youth")
    banned_unit = second.get_attribute("data-dwelling")
    assert pinned_youth and banned_youth and banned_unit
    first.locator("summary", has_text="Beslut").click()
    first.get_by_label("Begrundelse").first.fill("Aftalt på visitationsmødet")
    first.get_by_role("button", name="Fastlås parret").click()
    second = page.locator("#matches-h ~ div table tbody tr", has_text=banned_youth).first
    second.locator("summary", has_text="Beslut").click()
    second.get_by_label("Begrundelse").nth(1).fill("Udlejer har sagt nej")
    second.get_by_role("button", name="Udeluk parret").click()
    decisions = page.locator("#decision-list tbody tr")
    assert decisions.count() == 2
    assert "Udlejer har sagt nej" in page.locator("#decision-list").inner_text()
    check_page(page, "a pin and a ban")

    page.get_by_role("button", name="Kør igen med mine beslutninger").click()
    page.wait_for_url("**/anvisning/koersler/*")
    page.locator("#forskel-h").wait_for(timeout=60_000)
    shot(page, "14-allocator-decisions-diff")
    matches = page.locator("#matches-h ~ div table").inner_text()
    assert pinned_youth in matches and "Fastlåst af boliganvisningen" in matches
    pairs = [
        (r.get_attribute("data-youth"), r.get_attribute("data-dwelling"))
        for r in page.locator("#matches-h ~ div table tbody tr").all()
    ]
    assert (banned_youth, banned_unit) not in pairs
    # The banned youth lost that dwelling: the diff shows them moved or out, with the reason.
    assert banned_youth in page.locator("#diff").inner_text()

    # Outside the proposal: a hard rule holds (Danish message), then an offerable pair.
    proposed = set(pairs)
    youth, unit = _offerable(server, proposed)[0]
    page.get_by_label("Ung (reference)", exact=True).last.fill(youth)
    page.get_by_label("Bolig (reference)", exact=True).last.fill(unit)
    page.get_by_label("Begrundelse", exact=True).last.select_option("social_assessment")
    page.get_by_label("Begrundelse i ord").fill("Kendt af boliganvisningen; netværket bor tæt på")
    page.get_by_role("button", name="Giv tilbud uden for forslaget").click()
    page.wait_for_url("**/anvisning/tilbud**")
    row = page.locator("tr", has_text=youth).first
    assert "Uden for forslaget: Faglig vurdering" in row.inner_text()
    check_page(page, "an offer outside the proposal")

    admin = open_as("admin")
    nav(admin, "Revisionslog")
    admin.get_by_label("Handling").select_option("offer.override")
    admin.get_by_role("button", name="Filtrér").click()
    assert "Tilbud uden for forslaget" in admin.locator("#log").inner_text()
    admin.get_by_label("Handling").select_option("decision.create")
    admin.get_by_role("button", name="Filtrér").click()
    assert admin.locator("#log tbody tr").count() >= 2
    check_page(admin, "audit log filtered to decisions")
