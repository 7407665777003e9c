"""Lists that scale, the find box, the start page's to-do, the youth page's additions, the
Danish spreadsheets in and out: through the pages (TestClient), checked against the fixture
files and the queue model as independent oracles."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service import db
from service.models import AuditEvent, Offer, WeekPolicy, local_today
from service.usecases.listing import Filter, ListRequest, ListSpec, normalise
from service.usecases.youth_list import compute_queue_columns
from solver.caseio.read import read_case
from solver.engine.queue import QueueModel

from .conftest import FIXTURES, csrf_of, fixture_uploads, login, wait_for

NAESTVED = FIXTURES / "naestved"


def _youths() -> list[dict[str, str]]:
    with (NAESTVED / "youths.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _import(client: TestClient) -> str:
    token = login(client, "alloc")
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=fixture_uploads())
    assert r.status_code == 303, r.text
    return token


def _refs(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/unge/(U\d+)">', html)


def _summary(html: str) -> str:
    found = re.search(r'<p class="list-summary"[^>]*>\s*(.*?)\s*</p>', html, re.S)
    assert found, "no list summary"
    return " ".join(found[1].split())


def _events(**where: str) -> list[AuditEvent]:
    with Session(db.get_engine()) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(session.exec(query).all())


# ----------------------------------------------------------------------------- queue columns
@pytest.mark.parametrize("fixture", ["naestved", "copenhagen"])
def test_every_youths_queue_figures_at_once_equal_the_queue_models_one_by_one(
    fixture: str,
) -> None:
    """The list's vectorised position, eligible count and blocks are ``QueueModel.info``'s,
    for every youth, with all youths waiting and with a random third not waiting."""
    case = read_case(FIXTURES / fixture)
    rng = np.random.default_rng(7)
    for waiting in (None, rng.random(len(case.youths)) > 0.33):
        model = QueueModel(case, waiting)
        columns = compute_queue_columns(model)
        for youth in case.youths:
            info = model.info(youth.ref)
            got = columns[youth.ref]
            assert (got.position, got.eligible, got.blocks) == (
                info.position,
                info.eligible_dwellings,
                info.blocks,
            ), youth.ref


def test_a_list_request_is_made_valid_never_refused() -> None:
    spec = ListSpec(sorts={"a": object()}, default_sort="a", tiebreak=object(),
                    filters={"s": Filter(object(), ("x", "y"))})  # fmt: skip
    r = normalise(spec, ListRequest(search="  q ", sort="evil", descending=True,
                                    filters={"s": "z", "t": "x"}, page=-3, per_page=7))  # fmt: skip
    assert (r.search, r.sort, r.descending, dict(r.filters), r.page, r.per_page) == (
        "q", "a", False, {}, 1, 50)  # fmt: skip
    r = normalise(spec, ListRequest(sort="a", descending=True, filters={"s": "y"}, per_page=25))
    assert (r.descending, dict(r.filters), r.per_page) == (True, {"s": "y"}, 25)


# ----------------------------------------------------------------------------- the youth list
def test_the_youth_list_searches_filters_sorts_and_pages_on_the_server(client: TestClient) -> None:
    _import(client)
    youths = _youths()
    first = client.get("/unge")
    assert first.status_code == 200
    assert _summary(first.text) == "Viser 1–50 af 60 unge, side 1 af 2."
    assert _refs(first.text) == sorted(y["ref"] for y in youths)[:50]
    second = client.get("/unge?side=2").text
    assert _refs(second) == sorted(y["ref"] for y in youths)[50:]
    assert 'aria-current="page">2<' in second
    # a page past the end shows the last; nonsense parameters are ignored, never an error
    assert _refs(client.get("/unge?side=99").text) == _refs(second)
    odd = client.get("/unge?side=abc&sorter=evil&orden=op&status=bogus&pr_side=7")
    assert odd.status_code == 200 and _refs(odd.text) == _refs(first.text)
    # search (case-insensitive, part of the reference), with the count out of all
    found = client.get("/unge?q=u0000").text
    assert _refs(found) == [f"U0000{i}" for i in range(1, 10)]
    assert _summary(found) == "Viser 1–9 af 9 unge (60 i alt)."
    # filters with facet counts, as the fixture has them
    cti = [y["ref"] for y in youths if y["support_method"] == "CTI"]
    page = client.get("/unge?stoette=CTI&pr_side=100").text
    assert sorted(_refs(page)) == sorted(cti)
    assert f">CTI ({len(cti)})</option>" in page
    urgent_by = local_today() + timedelta(days=28)  # the fixture's urgent_within_days
    urgent = [
        y["ref"]
        for y in youths
        if y["urgent_by"] and date.fromisoformat(y["urgent_by"]) <= urgent_by
    ]
    assert sorted(_refs(client.get("/unge?akut=yes&pr_side=100").text)) == sorted(urgent)
    # sort by referral date, both ways; by queue position (computed), waiting youths first
    by_date = sorted(youths, key=lambda y: (y["referred_on"], y["ref"]))
    assert _refs(client.get("/unge?sorter=referred&pr_side=100").text) == [
        y["ref"] for y in by_date
    ]
    down = _refs(client.get("/unge?sorter=referred&orden=faldende&pr_side=100").text)
    assert [next(y["referred_on"] for y in youths if y["ref"] == r) for r in down] == sorted(
        (y["referred_on"] for y in youths), reverse=True
    )
    html = client.get("/unge?sorter=position&pr_side=100").text
    positions = [
        int(p)
        for p in re.findall(
            r'<td class="num"[^>]*>(\d+)</td>\s*<td class="num"[^>]*>\d+</td>\s*<td[ >]', html
        )
    ]
    # a youth who fits no dwelling of the pool has no place ("–", last), not number 1
    from solver.engine.eligibility import compute_eligibility

    fitting = len(set(compute_eligibility(read_case(NAESTVED)).youth_idx.tolist()))
    assert 0 < fitting < 60 and len(positions) == fitting and positions == sorted(positions)
    assert 'aria-sort="ascending"' in html


def test_a_case_worker_lists_counts_and_downloads_only_their_teams_youths(
    client: TestClient,
) -> None:
    _import(client)
    login(client, "cw_icm1")
    mine = sorted(y["ref"] for y in _youths() if y["support_team"] == "ICM-1")
    page = client.get("/unge?pr_side=100").text
    assert sorted(_refs(page)) == mine
    assert _summary(page) == f"Viser 1–{len(mine)} af {len(mine)} unge."
    assert ">CTI-1<" not in page  # the team filter offers their own teams only
    # another team asked for by URL: the filter is dropped, still only their own
    assert sorted(_refs(client.get("/unge?team=CTI-1&pr_side=100").text)) == mine
    assert sorted(_refs(client.get("/unge?q=U&status=waiting&pr_side=100").text)) == mine
    # the spreadsheet: Danish for people, codes for machines, the same youths, audited
    danish = client.get("/unge.csv").content.decode("utf-8")
    assert danish.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(danish[1:]), delimiter=";"))
    assert sorted(r["Ung"] for r in rows) == mine
    assert {r["Status"] for r in rows} <= {"Venter", "Har fået tilbud", "Har fået bolig"}
    assert {r["Under 18"] for r in rows} <= {"ja", "nej"}
    machine = list(csv.DictReader(io.StringIO(client.get("/unge.csv?dialekt=maskine").text)))
    assert sorted(r["ref"] for r in machine) == mine and machine[0]["status"] == "waiting"
    details = [e.detail for e in _events(actor="cw_icm1", action="read.youths")]
    assert f"{len(mine)} listed" in details


# ----------------------------------------------------------------------------- admin lists
def test_the_audit_log_users_and_planning_jobs_are_paged_lists(client: TestClient) -> None:
    _import(client)
    ref = next(y["ref"] for y in _youths() if y["support_team"] == "ICM-1")
    login(client, "cw_icm1")
    for _ in range(30):
        client.get(f"/unge/{ref}")
    login(client, "admin")
    log = client.get("/admin/log?pr_side=25").text
    total = len(_events())
    assert _summary(log).startswith(f"Viser 1–25 af {total} hændelser")
    assert log.count('class="actor"') == 25
    only = client.get("/admin/log?bruger=cw_icm1&handling=read.queue&pr_side=100").text
    assert only.count('class="actor"') == 30 and "Læst: kø for ung" in only
    by_actor = client.get("/admin/log?sorter=actor&pr_side=200").text
    actors = re.findall(r'<td class="actor">([^<]+)</td>', by_actor)
    assert actors == sorted(actors) and len(actors) == len(_events())
    # audit details in Danish
    assert "60 unge, 10 boliger" in client.get("/admin/log?handling=import").text
    users = client.get("/admin/brugere?rolle=caseworker").text
    assert re.findall(r'<th scope="row">([^<]+)</th>', users) == ["cw_cti1", "cw_icm1"]
    assert "Vis rolle" in users
    assert "Ingen kørsler matcher" in client.get("/planlaegning?status=failed").text or (
        "Ingen planlægningskørsler" in client.get("/planlaegning?status=failed").text
    )


# ----------------------------------------------------------------------------- find, dwelling
def test_the_find_box_opens_a_youth_or_a_dwelling_or_lists_the_matches(client: TestClient) -> None:
    _import(client)
    r = client.get("/find?ref=u00007")
    assert r.status_code == 303 and r.headers["location"] == "/unge/U00007"
    r = client.get("/find?ref=B00003")
    assert r.status_code == 303 and r.headers["location"] == "/boliger/B00003"
    many = client.get("/find?ref=0001")
    assert many.status_code == 200
    assert "/unge/U00010" in many.text and "/boliger/B00010" in many.text
    none = client.get("/find?ref=ZZZ")
    assert none.status_code == 404 and "Ingen ung eller bolig" in none.text
    assert 'action="/find"' in client.get("/anvisning").text
    page = client.get("/boliger/B00003").text
    unit = next(
        u
        for u in csv.DictReader((NAESTVED / "units.csv").open(encoding="utf-8"))
        if u["ref"] == "B00003"
    )
    assert unit["organisation"] in page and unit["area"] in page
    assert f"{int(unit['rent']):,} kr".replace(",", ".") in page
    assert client.get("/boliger/B99999").status_code == 404
    login(client, "cw_icm1")
    assert client.get("/find?ref=U00007").status_code == 403
    assert client.get("/boliger/B00003").status_code == 403
    assert 'action="/find"' not in client.get("/unge").text


# ----------------------------------------------------------------------------- start pages
def test_the_allocators_start_page_says_what_needs_doing(client: TestClient) -> None:
    token = _import(client)
    start = client.get("/").text
    assert "uge 48, 2026 (ikke kørt)" in start
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    assert r.status_code == 303
    run = wait_for(client, r.headers["location"], "Unge uden bolig i denne kørsel")
    proposal = int(re.search(r'name="proposal_id" value="(\d+)"', run)[1])
    assert client.post("/anvisning/tilbud", data={"csrf_token": token,
                                                   "proposal_id": proposal}).status_code == 303  # fmt: skip
    with Session(db.get_engine()) as session:
        offer = session.exec(select(Offer)).one()
        offer.expires_on = local_today() + timedelta(days=1)
        session.add(offer)
        session.commit()
        youth = offer.youth_ref
    start = client.get("/").text
    assert "Alle importerede uger er kørt på de nyeste data." in start
    todo = re.search(r'<li id="todo-expiring"[^>]*>(.*?)</li>', start, re.S)[1]
    assert "<strong>1</strong>" in todo and youth in todo
    assert "<strong>1</strong> åbent tilbud" in start
    # a new import of the week makes its run stale
    client.post("/anvisning/import", data={"csrf_token": token}, files=fixture_uploads())
    assert "forældet — kør ugen igen" in client.get("/").text
    urgent_by = local_today() + timedelta(days=28)
    urgent = [
        y
        for y in _youths()
        if y["urgent_by"] and date.fromisoformat(y["urgent_by"]) <= urgent_by and y["ref"] != youth
    ]
    assert f"<strong>{len(urgent)}</strong> ventende" in client.get("/").text


def test_a_case_worker_sees_what_changed_since_their_last_visit(client: TestClient) -> None:
    token = _import(client)
    mine = sorted(y["ref"] for y in _youths() if y["support_team"] == "ICM-1")
    login(client, "cw_icm1")
    start = client.get("/").text
    assert start.count("ikke åbnet af dig endnu") == len(mine)
    seen = mine[0]
    client.get(f"/unge/{seen}")
    start = client.get("/").text
    assert start.count("ikke åbnet af dig endnu") == len(mine) - 1
    assert f'href="/unge/{seen}"' not in start  # nothing new for the one just opened
    token = login(client, "alloc")
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "uge 48"})
    wait_for(client, r.headers["location"], "Unge uden bolig i denne kørsel")
    login(client, "cw_icm1")
    start = client.get("/").text
    row = re.search(rf'<a href="/unge/{seen}">{seen}</a>.*?</tr>', start, re.S)
    assert row and re.search(r"(foreslået bolig B\d+|ikke matchet) i uge 48, 2026", row[0])
    # An offer to a youth the case worker never opened is named beside the run's outcome (an
    # offer row as an override makes it: no run of the fixture proposes ICM-1's youths much).
    offered, dwelling = mine[1], "B-TEST"
    with Session(db.get_engine()) as session:
        session.add(Offer(youth_ref=offered, dwelling_ref=dwelling, week="2026-W48",
                          expires_on=local_today() + timedelta(days=14)))  # fmt: skip
        session.commit()
    start = client.get("/").text
    row = re.search(rf'<a href="/unge/{offered}">{offered}</a>.*?</tr>', start, re.S)
    assert row and f"tilbud om {dwelling}: Tilbudt" in row[0], row


# ----------------------------------------------------------------------------- youth page
def test_the_youth_page_names_weeks_lists_this_weeks_dwellings_and_polls_its_wait(
    client: TestClient,
) -> None:
    token = _import(client)
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "2026-W48"})
    wait_for(client, r.headers["location"], "Unge uden bolig i denne kørsel")
    case = read_case(NAESTVED)
    from solver.engine.eligibility import compute_eligibility

    elig = compute_eligibility(case)
    login(client, "cw_icm1")
    for ref in sorted(y["ref"] for y in _youths() if y["support_team"] == "ICM-1"):
        i = next(k for k, y in enumerate(case.youths) if y.ref == ref)
        expected = sorted(case.units[u].ref for u in elig.unit_idx[elig.youth_idx == i])
        page = client.get(f"/unge/{ref}").text
        table = re.search(r'<table id="ugens-boliger"[^>]*>.*?</table>', page, re.S)
        listed = re.findall(r'<th scope="row">(B\d+)</th>', table[0]) if table else []
        assert sorted(listed) == expected, ref
        assert "/boliger/" not in page  # a case worker gets no dwelling links
        assert "uge 48, 2026" in page
    poll = client.get(f"/unge/{ref}/ventetid", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and poll.headers.get("HX-Refresh") == "true"  # switched off
    other = next(y["ref"] for y in _youths() if y["support_team"] == "CTI-1")
    assert client.get(f"/unge/{other}/ventetid").status_code == 404


# ----------------------------------------------------------------------------- spreadsheets in
def _workbook() -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out) as writer:
        for name in ("youths", "units", "support", "quotas"):
            frame = pd.read_csv(NAESTVED / f"{name}.csv", dtype=str, keep_default_na=False)
            frame.to_excel(writer, sheet_name={"youths": "unge", "units": "Boliger"}.get(name, name),
                           index=False)  # fmt: skip
    return out.getvalue()


def test_a_workbook_without_week_or_policy_is_asked_for_them(client: TestClient) -> None:
    token = login(client, "alloc")
    upload = [("files", ("uge.xlsx", _workbook(), "application/octet-stream"))]
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=upload)
    assert r.status_code == 422
    assert "Filerne siger ikke, hvilken uge eller politik de gælder" in r.text
    assert "filerne angiver ikke ugen" in r.text and "ingen policy.toml" in r.text
    with Session(db.get_engine()) as session:
        assert session.exec(select(WeekPolicy)).first() is None  # nothing silently defaulted
    r = client.post("/anvisning/import", data={"csrf_token": token, "week": "uge 48, 2026",
                                               "policy": "latest"}, files=upload)  # fmt: skip
    assert r.status_code == 422 and "ingen seneste politik" in r.text
    r = client.post("/anvisning/import", data={"csrf_token": token, "week": "uge 48, 2026",
                                               "policy": "default"}, files=upload)  # fmt: skip
    assert r.status_code == 303 and "uge=2026-W48&nye=60" in r.headers["location"]
    r = client.post("/anvisning/import", data={"csrf_token": token, "week": "2026-W49",
                                               "policy": "latest"}, files=upload)  # fmt: skip
    assert r.status_code == 303 and "uge=2026-W49" in r.headers["location"]
    r = client.post("/anvisning/import", data={"csrf_token": token, "week": "uge 99"},
                    files=upload)  # fmt: skip
    assert r.status_code == 400 and "er ikke en uge" in r.text
    template = client.get("/anvisning/skabelon.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    assert "spreadsheetml" in template.headers["content-type"]
    assert csrf_of(client.get("/anvisning").text)


# ----------------------------------------------------------------------------- the meeting
def test_the_weeks_proposals_as_a_printable_page_and_an_excel_workbook(client: TestClient) -> None:
    """Every proposed match with the dwelling and the youth as the meeting knows them, from the
    run's own data: the workbook's figures are the fixture's, the fit in plain Danish."""
    from openpyxl import load_workbook

    token = _import(client)
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    run_url = r.headers["location"]
    run = wait_for(client, run_url, "Unge uden bolig i denne kørsel")
    pairs = re.findall(r'aria-label="Giv tilbud: (U\d+) i (B\d+)"', run)
    assert pairs and f"{run_url}/moede" in run
    page = client.get(f"{run_url}/moede")
    assert page.status_code == 200 and "Forslag til anvisningsmødet · uge 48, 2026" in page.text
    assert page.text.count('class="proposal"') == len(pairs)
    assert "af indkomsten" in page.text or "af huslejeloftet" in page.text
    book = load_workbook(io.BytesIO(client.get(f"{run_url}/forslag.xlsx").content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    assert [(r["Ung"], r["Bolig"]) for r in rows] == pairs
    units = {u["ref"]: u for u in csv.DictReader((NAESTVED / "units.csv").open(encoding="utf-8"))}
    youths = {y["ref"]: y for y in _youths()}
    for row in rows:
        unit, youth = units[row["Bolig"]], youths[row["Ung"]]
        assert row["Husleje"] == int(unit["rent"]) and row["Aconto"] == int(unit["utilities"])
        assert row["Husleje i alt pr. måned"] == int(unit["rent"]) + int(unit["utilities"])
        assert row["Boligorganisation"] == unit["organisation"]
        assert row["Ledig fra"].date() == date.fromisoformat(unit["available_from"])
        assert row["Team"] == (youth["support_team"] or None)
        income = int(youth["monthly_income"]) if youth["monthly_income"] else None
        if income:
            share = round((int(unit["rent"]) + int(unit["utilities"])) * 1000 // income / 10)
            assert f"huslejen er {share} % af indkomsten" in row["Pasform"]
    assert client.get("/anvisning/koersler/999/moede").status_code == 404
    login(client, "cw_icm1")
    assert client.get(f"{run_url}/forslag.xlsx").status_code == 403


def test_a_youth_blocked_from_every_dwelling_is_not_told_they_fit_one(client: TestClient) -> None:
    """A youth whom something of their own blocks from the whole pool (ICM support not in
    place) has 0 eligible dwellings; the nearest-miss line once said "passer til mindst én
    bolig", since no dwelling failed on the dwellings' own rules."""
    _import(client)
    from solver.engine.eligibility import compute_eligibility

    case = read_case(NAESTVED)
    elig = compute_eligibility(case)
    blocked = next(y.ref for i, y in enumerate(case.youths) if elig.youth_blocked[i])
    page = client.get(f"/unge/{blocked}").text
    assert "passer til mindst én bolig" not in page
    assert "Ingen bolig i puljen fejler på boligens egne regler" in page
    assert "<dt>Egnede boliger</dt><dd>0 af" in page
    assert '<dd id="position">–</dd>' in page and "så der er ingen plads i køen" in page


def test_an_open_case_past_its_urgent_by_date_is_marked_overdue(client: TestClient) -> None:
    """The start page, the youth list and the run page say how long ago an open case's
    urgent-by date passed; a closed case's past date is shown as it is."""
    from service.models import YouthRecord

    token = _import(client)
    late, closed = local_today() - timedelta(days=3), local_today() - timedelta(days=1)
    with Session(db.get_engine()) as session:
        waiting, withdrawn = session.exec(
            select(YouthRecord)
            .where(YouthRecord.status == "waiting")
            .order_by(col(YouthRecord.ref))
        ).all()[:2]
        waiting.urgent_by, withdrawn.urgent_by, withdrawn.status = late, closed, "withdrawn"
        session.add_all([waiting, withdrawn])
        session.commit()
        refs = waiting.ref, withdrawn.ref
    marked = f'{late:%d.%m.%Y} <strong class="overdue">(overskredet med 3 dage)</strong>'
    todo = re.search(r'<li id="todo-urgent"[^>]*>(.*?)</li>', client.get("/").text, re.S)[1]
    assert (f'{refs[0]}</a> ({late:%d.%m.%Y}, <strong class="overdue">overskredet med 3 dage'
            "</strong>)") in todo  # fmt: skip
    youth_page = client.get(f"/unge/{refs[0]}").text
    assert f'<dd id="urgent-by">{marked}</dd>' in youth_page
    listed = client.get(f"/unge?q={refs[0]}").text
    assert marked in listed
    other = client.get(f"/unge?q={refs[1]}&status=withdrawn").text
    assert f">{closed:%d.%m.%Y}</td>" in other and "overskredet" not in other
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    run = wait_for(client, r.headers["location"], "Unge uden bolig i denne kørsel")
    assert f"<strong>Haster senest</strong> {marked}" in run


def test_the_overdue_words_count_days() -> None:
    from service.web.render import urgent_date

    today = local_today()
    assert "med 1 dag)" in urgent_date(today - timedelta(days=1))
    assert urgent_date(today) == f"{today:%d.%m.%Y}"  # due today is not overdue
    assert (
        urgent_date(today - timedelta(days=5), open_case=False)
        == f"{today - timedelta(days=5):%d.%m.%Y}"
    )
    assert urgent_date(None) == "–"


def test_the_start_page_lists_only_weeks_still_to_be_allocated(client: TestClient) -> None:
    """Last week's run goes stale with every change of the data (the version is global); once
    this week is imported, last week is done and the start page stops asking to run it."""
    token = _import(client)
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    wait_for(client, r.headers["location"], "Unge uden bolig i denne kørsel")
    assert "Alle importerede uger er kørt på de nyeste data." in client.get("/").text
    uploads = fixture_uploads()
    policy = (NAESTVED / "policy.toml").read_text().replace('"2026-11-23"', '"2026-11-30"')
    uploads = [u if u[1][0] != "policy.toml" else ("files", ("policy.toml", policy.encode(),
               "text/plain")) for u in uploads]  # fmt: skip
    assert client.post("/anvisning/import", data={"csrf_token": token},
                       files=uploads).status_code == 303  # fmt: skip
    todo = re.search(r'<li id="todo-stale"[^>]*>(.*?)</li>', client.get("/").text, re.S)[1]
    assert "uge 49, 2026 (ikke kørt)" in todo and "uge 48" not in todo


def test_a_stale_run_offers_nothing_and_an_offer_sent_from_an_older_page_is_refused(
    client: TestClient,
) -> None:
    token = _import(client)
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    page = wait_for(client, r.headers["location"], "Unge uden bolig i denne kørsel")
    proposal = int(re.search(r'name="proposal_id" value="(\d+)"', page)[1])
    assert 'id="batch-offer"' in page and ">Giv tilbud</button>" in page
    client.post("/anvisning/import", data={"csrf_token": token}, files=fixture_uploads())
    stale = client.get(r.headers["location"]).text
    assert 'id="batch-offer"' not in stale and ">Giv tilbud</button>" not in stale
    assert 'name="proposal_id"' not in stale
    assert "kør ugen igen for at give tilbud" in stale
    # the page opened before the import still has the button: its offer is refused in Danish
    refused = client.post("/anvisning/tilbud", data={"csrf_token": token, "proposal_id": proposal})
    assert refused.status_code == 409 and "forældet — kør ugen igen" in refused.text
    with Session(db.get_engine()) as session:
        assert session.exec(select(Offer)).first() is None


def _pinned_run(client: TestClient) -> tuple[str, str, str, str, str]:
    """Week 48 imported and run through the pages, its first proposed pair then pinned on the
    run page: the form token, the run's address, its page (before the pin), the youth and the
    dwelling."""
    token = _import(client)
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48"})
    run_url = r.headers["location"]
    page = wait_for(client, run_url, "Unge uden bolig i denne kørsel")
    youth, unit = re.search(r'data-youth="(U\d+)" data-dwelling="(B\d+)"', page).groups()
    pinned = client.post("/anvisning/uger/2026-W48/beslutninger", data={
        "csrf_token": token, "run_id": run_url.rsplit("/", 1)[1], "kind": "pin",
        "youth_ref": youth, "unit_ref": unit, "reason": "aftalt på mødet"})  # fmt: skip
    assert pinned.status_code == 303, pinned.text
    return token, run_url, page, youth, unit


def test_a_refused_offer_outside_the_proposal_keeps_the_form_filled(client: TestClient) -> None:
    token, run_url, page, youth, unit = _pinned_run(client)
    run_id = int(run_url.rsplit("/", 1)[1])
    other = next(b for b in re.findall(r'data-dwelling="(B\d+)"', page) if b != unit)
    sent = {"csrf_token": token, "run_id": run_id, "week": "2026-W48", "youth_ref": youth,
            "dwelling_ref": other, "reason": "continuity", "text": "kender området godt",
            "dispensations": "area_excluded"}  # fmt: skip
    refused = client.post("/anvisning/tilbud/uden-for-forslag", data=sent)
    assert refused.status_code == 409
    assert f"Den unge &#39;{youth}&#39; er fastlåst til bolig &#39;{unit}&#39;" in refused.text
    form = refused.text[refused.text.index('id="uden-for-forslag"') :]
    assert f'name="youth_ref" required maxlength="64" value="{youth}"' in form
    assert f'name="dwelling_ref" required maxlength="64" value="{other}"' in form
    assert '<option value="continuity" selected>' in form
    assert ">kender området godt</textarea>" in form
    assert 'value="area_excluded" checked>' in form


def test_the_run_page_tells_decisions_made_after_it_and_those_revoked_since(
    client: TestClient,
) -> None:
    token, first_url, _, youth, unit = _pinned_run(client)
    page = client.get(first_url).text
    assert "Ugens beslutninger i kraft (1)" in page
    assert "Truffet efter kørslen: med i næste kørsel." in page
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "48", "force": "1"})
    second_url = r.headers["location"]
    page = wait_for(client, second_url, "Unge uden bolig i denne kørsel")
    assert "Truffet efter kørslen" not in page  # the second run solved with it
    decision = int(re.search(r'action="/anvisning/beslutninger/(\d+)/tilbagekald"', page)[1])
    revoked = client.post(f"/anvisning/beslutninger/{decision}/tilbagekald",
                          data={"csrf_token": token, "run_id": second_url.rsplit("/", 1)[1]})  # fmt: skip
    assert revoked.status_code == 303
    page = client.get(second_url).text
    assert "Ugens beslutninger i kraft (0)" in page and "Ingen beslutninger i kraft." in page
    since = re.search(r'<ul id="revoked-since">(.*?)</ul>', page, re.S)
    assert since and youth in since[1] and unit in since[1] and "tilbagekaldt" in since[1]
    assert "af alloc" in since[1]
    # the first run never had it: nothing to say there
    assert 'id="revoked-since"' not in client.get(first_url).text
