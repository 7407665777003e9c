"""The run page's proposals as a person knows them, both of its lists searched, filtered,
sorted and paged on the server, batch offers from it, and the offers list's filters and its
"about to expire" mark (TestClient; the fixture files and the API are the oracles)."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from service import db
from service.models import Offer, local_today
from service.usecases.listing import Filter, ListRequest, ListSpec, fetch_rows

from .conftest import FIXTURES, PASSWORD, fixture_uploads, login, wait_for

NAESTVED = FIXTURES / "naestved"


def _csv(name: str) -> dict[str, dict[str, str]]:
    with (NAESTVED / name).open(encoding="utf-8") as fh:
        return {r["ref"]: r for r in csv.DictReader(fh)}


def _summary(html: str, id_: str) -> str:
    found = re.search(rf'<p class="list-summary" id="{id_}">\s*(.*?)\s*</p>', html, re.S)
    assert found, f"no summary {id_}"
    return " ".join(found[1].split())


def _pairs(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr id="forslag-\d+" data-youth="(\w+)" data-dwelling="(\w+)">', html)


def _unmatched(html: str) -> list[str]:
    return re.findall(r'<tr data-youth="(\w+)"><td data-label="Ung">', html)


def _run(client: TestClient) -> tuple[str, str, list[dict[str, Any]]]:
    """Import naestved and run week 48 through the pages; the run's URL, a CSRF token, and
    the run's proposals as the API gives them."""
    token = login(client, "alloc")
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=fixture_uploads())
    assert r.status_code == 303, r.text
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    run_url = r.headers["location"]
    wait_for(client, run_url, "Unge uden bolig i denne kørsel")
    run_id = run_url.rsplit("/", 1)[1]
    bearer = client.post(
        "/api/v1/login/access-token", data={"username": "alloc", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {bearer.json()['access_token']}"}
    rows = client.get(f"/api/v1/runs/{run_id}/proposals", headers=headers).json()
    return run_url, token, rows


def test_the_run_page_shows_proposals_as_a_person_knows_them_and_pages_both_lists(
    client: TestClient,
) -> None:
    run_url, _, proposals = _run(client)
    units, youths = _csv("units.csv"), _csv("youths.csv")
    matched = [(p["youth_ref"], p["dwelling_ref"]) for p in proposals if p["dwelling_ref"]]
    not_housed = [p for p in proposals if not p["dwelling_ref"]]
    page = client.get(run_url).text
    assert _pairs(page) == matched  # the run's order
    assert "misfit" not in page.lower() and "‰" not in page and "promille" not in page
    for youth_ref, unit_ref in matched:
        row = unescape(re.search(rf'<tr id="forslag-\d+" data-youth="{youth_ref}".*?</tr>',
                                 page, re.S)[0])  # fmt: skip
        unit, youth = units[unit_ref], youths[youth_ref]
        rent, utilities = int(unit["rent"]), int(unit["utilities"])
        assert f'href="/unge/{youth_ref}"' in row and f'href="/boliger/{unit_ref}"' in row
        assert f"{rent:,} kr + {utilities:,} kr aconto".replace(",", ".") in row
        assert f"{rent + utilities:,} kr".replace(",", ".") in row
        assert unit["organisation"] in row and unit["department"] in row and unit["area"] in row
        assert f"{unit['rooms']} vær." in row and f"{unit['size_m2']} m²" in row
        day = date.fromisoformat(unit["available_from"])
        assert f"ledig fra {day:%d.%m.%Y}" in row
        if youth["monthly_income"]:
            share = round((rent + utilities) * 1000 // int(youth["monthly_income"]) / 10)
            assert f"Huslejen er {share} % af indkomsten" in row
        assert "uger på venteliste" in row
    # The youths not housed: 25 a page, every one exactly once over the pages, in order.
    seen: list[str] = []
    pages = -(-len(not_housed) // 25)
    for n in range(1, pages + 1):
        html = client.get(run_url, params={"u_pr_side": 25, "u_side": n}).text
        assert _pairs(html) == matched  # the proposals' list is untouched by the other's pages
        seen += _unmatched(html)
        if n == 1:
            summary = _summary(html, "unmatched-antal")
            assert summary == f"Viser 1–25 af {len(not_housed)} unge, side 1 af {pages}."
            assert 'href="/anvisning/koersler/' in html and "u_side=2" in html
    assert seen == [p["youth_ref"] for p in not_housed]
    # A reason filter: exactly the youths with that reason, counted in the select.
    reason = not_housed[0]["reason"]
    wanted = [p["youth_ref"] for p in not_housed if p["reason"] == reason]
    html = client.get(run_url, params={"u_aarsag": reason, "u_pr_side": 200}).text
    assert _unmatched(html) == wanted
    assert re.search(rf'<option value="{reason}" selected>[^<]*\({len(wanted)}\)</option>', html)
    # Situation filter and search on the proposals, the other list's parameters kept in links.
    situation = youths[matched[0][0]]["situation"]
    html = client.get(run_url, params={"situation": situation, "u_side": 2, "u_pr_side": 25}).text
    assert _pairs(html) == [m for m in matched if youths[m[0]]["situation"] == situation]
    assert "u_side=2" in unescape(re.search(r'<th scope="col"[^>]*><a class="sort" href="([^"]+)"',
                                            html)[1])  # fmt: skip
    html = client.get(run_url, params={"q": matched[-1][1].lower()}).text
    assert _pairs(html) == [matched[-1]]
    area = units[matched[0][1]]["area"]
    html = client.get(run_url, params={"omraade": area}).text
    assert _pairs(html) == [m for m in matched if units[m[1]]["area"] == area]
    # Sorted by the monthly cost, dearest first; ties in the run's order.
    html = client.get(run_url, params={"sorter": "monthly_cost", "orden": "faldende"}).text

    def cost(m: tuple[str, str]) -> int:
        return int(units[m[1]]["rent"]) + int(units[m[1]]["utilities"])

    assert _pairs(html) == sorted(matched, key=cost, reverse=True)
    assert 'aria-sort="descending"' in html
    # Nonsense parameters are ignored, never an error.
    for params in ({"side": "abc"}, {"sorter": "drop table"}, {"u_side": "999"},
                   {"tilbud": "maybe"}, {"u_pr_side": "7"}):  # fmt: skip
        assert client.get(run_url, params=params).status_code == 200


def test_chosen_proposals_are_offered_in_one_step_or_none_with_the_reason(
    client: TestClient,
) -> None:
    run_url, token, _ = _run(client)
    run_id = run_url.rsplit("/", 1)[1]
    page = client.get(run_url).text
    ids = [int(i) for i in re.findall(r'<tr id="forslag-(\d+)"', page)]
    pairs = dict(zip(ids, _pairs(page), strict=True))
    a, b, c = ids[:3]
    assert f'name="proposal_id" value="{a}" id="vaelg-{a}"' in page
    # b is offered on its own first
    r = client.post("/anvisning/tilbud", data={"csrf_token": token, "proposal_id": b})
    assert r.status_code == 303
    due = local_today() + timedelta(days=5)
    url = f"/anvisning/koersler/{run_id}/tilbud"
    form = {"csrf_token": token, "proposal_id": [a, b, c], "expires_on": due.isoformat(),
            "tilbage": "situation=&u_side=1"}  # fmt: skip
    r = client.post(url, data=form)
    assert r.status_code == 409
    text = unescape(r.text)
    assert (
        "Der er ikke givet nogen tilbud: 1 af de valgte forslag kan ikke blive til et tilbud."
        in text
    )
    youth, dwelling = pairs[b]
    assert f"{youth} i {dwelling}: den unge venter ikke længere (Har fået tilbud)" in text
    assert f'value="{a}" id="vaelg-{a}" checked' in r.text  # the choice is kept
    with Session(db.get_engine()) as s:
        assert [o.proposal_id for o in s.exec(select(Offer)).all()] == [b]
    # the date is checked; nothing chosen is said in Danish
    for bad, message in (
        ({"expires_on": local_today().isoformat()}, "Svarfristen skal ligge fra"),
        ({"expires_on": "i morgen"}, "Skriv svarfristen som en dato."),
        ({"proposal_id": []}, "Vælg mindst ét forslag."),
    ):
        r = client.post(url, data={**form, "proposal_id": [a, c], **bad})
        assert r.status_code == 409 and message in unescape(r.text), message
    assert client.post(url, data={**form, "csrf_token": "forged"}).status_code == 403
    assert client.post(url, data={**form, "proposal_id": ["x"]}).status_code == 400
    # the rest in one step: back on the run page, the list as it was, the notice from numbers
    r = client.post(url, data={**form, "proposal_id": [a, c]})
    assert r.status_code == 303
    location = r.headers["location"]
    assert "u_side=1" in location and "tilbudt=2" in location and location.endswith("#matches-h")
    html = unescape(client.get(location).text)
    assert f"2 tilbud er givet med svarfrist {due:%d.%m.%Y}." in html
    with Session(db.get_engine()) as s:
        offers = s.exec(select(Offer).order_by(col(Offer.id))).all()
    assert [(o.proposal_id, o.expires_on, o.created_by) for o in offers[1:]] == [
        (a, due, "alloc"), (c, due, "alloc")]  # fmt: skip
    # an offered proposal has no checkbox any more; the offer filter finds the rest
    assert f'id="vaelg-{a}"' not in html
    html = client.get(run_url, params={"tilbud": "none"}).text
    assert {int(i) for i in re.findall(r'<tr id="forslag-(\d+)"', html)} == set(ids) - {a, b, c}
    # the notice is written from numbers in the URL, never from a text in it
    assert client.get(run_url, params={"tilbudt": "2", "frist": "<b>"}).status_code == 200
    assert "<b>" not in client.get(run_url, params={"tilbudt": "2", "frist": "<b>"}).text


def test_the_offers_list_filters_by_week_state_giver_and_day_and_marks_those_about_to_expire(
    client: TestClient,
) -> None:
    run_url, token, _ = _run(client)
    page = client.get(run_url).text
    ids = [int(i) for i in re.findall(r'<tr id="forslag-(\d+)"', page)][:3]
    for i in ids:
        assert client.post("/anvisning/tilbud", data={"csrf_token": token,
                                                      "proposal_id": i}).status_code == 303  # fmt: skip
    today = local_today()
    with Session(db.get_engine()) as s:
        offers = s.exec(select(Offer).order_by(col(Offer.id))).all()
        soon, later, other = (o.id for o in offers)
        s.execute(
            update(Offer).where(col(Offer.id) == soon).values(expires_on=today + timedelta(days=1))
        )
        s.execute(
            update(Offer).where(col(Offer.id) == later).values(expires_on=today + timedelta(days=3))
        )
        overdue = today - timedelta(days=1)  # not yet expired: that happens at the next run
        s.execute(update(Offer).where(col(Offer.id) == other).values(created_by="alloc2",
                                                                     expires_on=overdue))  # fmt: skip
        s.commit()

    def shown(**params: str) -> list[int]:
        html = client.get("/anvisning/tilbud", params=params).text
        return [int(i) for i in re.findall(r'<tr id="tilbud-(\d+)"', html)]

    html = client.get("/anvisning/tilbud").text
    assert shown() == [other, later, soon]  # newest first
    row = re.search(rf'<tr id="tilbud-{soon}".*?</tr>', html, re.S)[0]
    assert 'class="expiring"' in row and "Udløber i morgen" in row  # said in words, not colour
    assert "Udløber" not in re.search(rf'<tr id="tilbud-{later}".*?</tr>', html, re.S)[0]
    assert "Svarfristen er overskredet" in re.search(rf'<tr id="tilbud-{other}".*?</tr>', html,
                                                      re.S)[0]  # fmt: skip
    assert shown(udloeber="ja") == [other, soon]
    assert "2 tilbud udløber snart" in html
    assert shown(givet_af="alloc2") == [other]
    assert shown(givet_af="alloc") == [later, soon]
    assert shown(uge="2026-W48") == [other, later, soon] and shown(uge="2026-W47") == shown()
    assert shown(tilstand="offered") == [other, later, soon] and shown(tilstand="signed") == []
    assert shown(fra=today.isoformat(), til=today.isoformat()) == [other, later, soon]
    assert shown(fra=(today + timedelta(days=1)).isoformat()) == []
    assert shown(til=(today - timedelta(days=1)).isoformat()) == []
    assert shown(sorter="expires_on", orden="stigende") == [other, soon, later]
    r = client.get("/anvisning/tilbud", params={"fra": "2026-12-01", "til": "2026-11-01"})
    assert r.status_code == 400 and "Til-datoen ligger før fra-datoen." in r.text
    assert client.get("/anvisning/tilbud", params={"fra": "igår"}).status_code == 400
    # the select counts, and the summary
    assert re.search(r'<option value="alloc2">alloc2 \(1\)</option>', html)
    assert _summary(html, "tilbud-antal") == "Viser 1–3 af 3 tilbud."


def test_rows_in_memory_are_listed_as_the_database_lists_them() -> None:
    """fetch_rows: search, filters with their counts, a stable sort with empty values last in
    both directions, and a page past the end showing the last."""
    rows = [{"id": i, "name": n, "kind": k, "cost": c} for i, (n, k, c) in enumerate([
        ("Anna", "a", 3), ("bo", "b", None), ("Carl", "a", 1), ("dora", "b", 3), ("Eva", "a", 2),
    ])]  # fmt: skip
    spec = ListSpec(sorts={"id": "id", "cost": "cost", "name": "name"}, default_sort="id",
                    tiebreak="id", search=("name",),
                    filters={"kind": Filter("kind", ("a", "b"), counted=True),
                             "cheap": Filter("cost", ("yes",),
                                             where=lambda _: lambda r: (r["cost"] or 9) < 3)})  # fmt: skip

    def ids(**kw: Any) -> list[int]:
        return [r["id"] for r in fetch_rows(rows, spec, ListRequest(**kw)).rows]

    assert ids() == [0, 1, 2, 3, 4]
    assert ids(sort="cost") == [2, 4, 0, 3, 1] and ids(sort="cost", descending=True) == [
        0,
        3,
        4,
        2,
        1,
    ]
    assert ids(sort="name") == [0, 1, 2, 3, 4]  # case does not matter
    assert ids(search="A") == [0, 2, 3, 4]
    assert ids(filters={"kind": "b"}) == [1, 3] and ids(filters={"kind": "c"}) == ids()
    assert ids(filters={"cheap": "yes"}) == [2, 4]
    page = fetch_rows(
        rows, spec, ListRequest(search="a", filters={"kind": "a"}, per_page=25, page=9)
    )
    assert (page.total, page.scope, page.request.page) == (3, 5, 1)
    assert page.facets["kind"] == {"a": 3, "b": 1}  # under the search, not its own filter
