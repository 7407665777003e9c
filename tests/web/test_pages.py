"""The pages without a browser: who may open what, CSRF, login, audit, and no 500 for bad input.

The access rules must be the API's: a case worker sees only their own teams' youths, and another
team's youth by URL is the same 404 page as a youth that does not exist.
"""

from __future__ import annotations

import csv
import html
import io
import re

import matplotlib
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service import db
from service.models import AuditEvent, Proposal, Run
from service.usecases.gdpr import erase_youth
from service.web.render import reason_sentence

from .conftest import FIXTURES, PASSWORD, csrf_of, fixture_uploads, login, wait_for

# page -> roles that may open it (the others: 403 page)
PAGES = {
    "/": {"admin", "alloc", "planner", "cw_icm1"},
    "/anvisning": {"admin", "alloc"},
    "/anvisning/tilbud": {"admin", "alloc"},
    "/kapacitet": {"admin", "alloc", "planner"},
    "/unge": {"admin", "alloc", "cw_icm1"},
    "/planlaegning": {"admin", "planner"},
    "/admin/brugere": {"admin"},
    "/admin/log": {"admin"},
}


def _youths() -> list[dict[str, str]]:
    with (FIXTURES / "naestved" / "youths.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _ref_of_team(team: str) -> str:
    return next(y["ref"] for y in _youths() if y["support_team"] == team)


def _import(client: TestClient) -> None:
    token = login(client, "alloc")
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=fixture_uploads())
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/anvisning?uge=2026-W48&nye=60")


def _events(**where: str) -> list[AuditEvent]:
    with Session(db.get_engine()) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(session.exec(query).all())


def test_unauthenticated_pages_redirect_to_login(client: TestClient) -> None:
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login"), path
    r = client.get("/unge/U00001")
    assert r.headers["location"] == "/login?next=/unge/U00001"
    # a poll from htmx gets a redirect htmx understands
    r = client.get("/anvisning/koersler/1/status", headers={"HX-Request": "true"})
    assert r.status_code == 401 and r.headers["HX-Redirect"].startswith("/login")
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize("user", ["admin", "alloc", "planner", "cw_icm1"])
def test_each_role_reaches_its_pages_and_only_those(client: TestClient, user: str) -> None:
    login(client, user)
    for path, allowed in PAGES.items():
        r = client.get(path)
        if user in allowed:
            assert r.status_code == 200, (user, path, r.text[:300])
            assert 'lang="da"' in r.text
            assert "no-store" in r.headers["cache-control"]
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        else:
            assert r.status_code == 403, (user, path)
            assert "Ingen adgang" in r.text


def test_login_sets_a_protected_cookie_and_rejects_bad_passwords(client: TestClient) -> None:
    page = client.get("/login")
    assert '<label for="username">Brugernavn</label>' in page.text
    token = csrf_of(page.text)
    r = client.post("/login", data={"username": "alloc", "password": "nope", "csrf_token": token})
    assert r.status_code == 400 and "Forkert brugernavn eller adgangskode" in r.text
    page = client.get("/login?next=/kapacitet")
    r = client.post(
        "/login",
        data={"username": "alloc", "password": PASSWORD, "csrf_token": csrf_of(page.text),
              "next": "/kapacitet"},
    )  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/kapacitet"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    # an open redirect is not possible
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": "alloc", "password": PASSWORD, "csrf_token": csrf_of(page.text),
              "next": "//evil.example/x"},
    )  # fmt: skip
    assert r.headers["location"] == "/"


def test_login_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "alloc", "password": PASSWORD})
    assert r.status_code == 403 and "Formularen var udløbet" in r.text
    assert "boligmatch_session" not in r.headers.get("set-cookie", "")


def test_posts_without_csrf_are_refused_and_change_nothing(client: TestClient) -> None:
    login(client, "admin")
    attempts = [
        ("/anvisning/import", {}, fixture_uploads()),
        ("/anvisning/koersler", {"week": "2026-W48"}, None),
        ("/anvisning/tilbud", {"proposal_id": "1"}, None),
        ("/anvisning/tilbud/1/accept", {}, None),
        ("/admin/brugere", {"username": "x1", "password": "long-enough-pw", "role": "admin"}, None),
        ("/admin/brugere/alloc", {"handling": "deaktiver"}, None),
        (
            "/admin/brugere/alloc",
            {"handling": "adgangskode", "password": "a-new-pass-phrase"},
            None,
        ),
        ("/planlaegning", {"names": "two-more-dwellings"}, None),
        ("/logout", {}, None),
    ]
    for path, data, files in attempts:
        for token in (None, "forged"):
            body = dict(data) | ({"csrf_token": token} if token else {})
            r = client.post(path, data=body, files=files)
            assert r.status_code == 403, (path, token, r.status_code)
            assert "Sikkerhedstjekket" in r.text
    # nothing was written (the admin's sign-in is on record)
    assert not [e for e in _events() if e.action not in ("read.offers", "login")]
    assert client.get("/").status_code == 200  # still signed in: logout was refused too


def test_logout_ends_the_session(client: TestClient) -> None:
    token = login(client, "planner")
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/planlaegning").status_code == 303


def test_logout_ends_the_token_itself_not_only_the_cookie(client: TestClient) -> None:
    """A copy of the cookie (another tab, a shared PC's saved state) is void after logging out."""
    from service.web.session import SESSION_COOKIE

    token = login(client, "planner")
    kept = client.cookies.get(SESSION_COOKIE)
    assert kept
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    client.cookies.set(SESSION_COOKIE, kept)
    assert client.get("/planlaegning").status_code == 303  # back to the login form
    login(client, "planner")  # a new login works at once
    assert client.get("/planlaegning").status_code == 200


def test_caseworker_sees_only_own_teams_youths(client: TestClient) -> None:
    _import(client)
    mine, other = _ref_of_team("ICM-1"), _ref_of_team("CTI-2")
    login(client, "cw_icm1")
    listing = client.get("/unge").text
    icm1 = {y["ref"] for y in _youths() if y["support_team"] == "ICM-1"}
    shown = set(__import__("re").findall(r'href="/unge/(U\d+)"', listing))
    assert shown == icm1
    assert other not in listing
    page = client.get(f"/unge/{mine}")
    assert page.status_code == 200
    assert f"Ung {mine}" in page.text and 'id="position"' in page.text
    # another team's youth and a youth that does not exist: the same 404 page
    probe = client.get(f"/unge/{other}")
    missing = client.get("/unge/U99999")
    assert probe.status_code == missing.status_code == 404
    assert probe.text == missing.text
    assert other not in probe.text
    # the read is audited as the API does, the refused one is not
    reads = _events(actor="cw_icm1", action="read.queue")
    assert [e.object_ref for e in reads] == [mine]
    assert _events(actor="cw_icm1", action="read.youths")


def test_allocator_sees_every_youth_and_reads_are_audited(client: TestClient) -> None:
    _import(client)
    login(client, "alloc")
    listing = client.get("/unge?pr_side=100").text
    assert all(y["ref"] in listing for y in _youths())
    other = _ref_of_team("CTI-2")
    assert client.get(f"/unge/{other}").status_code == 200
    assert [e.object_ref for e in _events(actor="alloc", action="read.queue")] == [other]


def test_week_run_offer_and_sign_through_the_pages(client: TestClient) -> None:
    _import(client)
    token = login(client, "alloc")
    before = client.get("/kapacitet").text
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "2026-W48"})
    assert r.status_code == 303
    run_url = r.headers["location"]
    # the page that started the run waited for it (a small week): it opens finished
    page = client.get(run_url).text
    assert "Unge uden bolig i denne kørsel" in page and 'hx-trigger="every' not in page
    # the htmx poll of a finished run reloads the page; a plain GET is just the fragment
    status = client.get(f"{run_url}/status", headers={"HX-Request": "true"})
    assert status.headers["HX-Refresh"] == "true" and "Færdig" in status.text
    assert "hx-get" not in client.get(f"{run_url}/status").text
    assert _events(actor="alloc", action="read.proposals")
    proposal = int(__import__("re").search(r'name="proposal_id" value="(\d+)"', page).group(1))
    r = client.post("/anvisning/tilbud", data={"csrf_token": token, "proposal_id": proposal})
    assert r.status_code == 303
    offer_id = int(r.headers["location"].rsplit("-", 1)[1])
    # a second offer from the same proposal: a Danish 409, not a 500
    r = client.post("/anvisning/tilbud", data={"csrf_token": token, "proposal_id": proposal})
    assert r.status_code == 409 and "kan ikke længere blive til et tilbud" in r.text
    # a decline whose text holds a CPR number is refused on the offers page; the offer stays
    r = client.post(f"/anvisning/tilbud/{offer_id}/decline",
                    data={"csrf_token": token, "reason": "area", "text": "mor: 0306021234"})  # fmt: skip
    assert r.status_code == 400
    assert f"Tilbud {offer_id}: Begrundelsen: Teksten ligner et CPR-nummer." in r.text
    # its form opens again as typed, the error under it (the text is shown to its typist only)
    form = r.text.split(f'action="/anvisning/tilbud/{offer_id}/decline"')[0].rsplit("<details", 1)[
        1
    ]
    assert form.startswith(' class="decline" open>')
    rest = r.text.split(f'action="/anvisning/tilbud/{offer_id}/decline"')[1].split("</form>")[0]
    assert f'id="decline-err-{offer_id}">Begrundelsen: Teksten ligner' in rest
    assert '<option value="area" selected>' in rest and ">mor: 0306021234</textarea>" in rest
    with Session(db.get_engine()) as session:
        assert "0306021234" not in str(session.exec(select(AuditEvent.detail)).all())
    # signing before accepting is refused with a reason
    r = client.post(f"/anvisning/tilbud/{offer_id}/sign", data={"csrf_token": token})
    assert r.status_code == 409 and "Kun et accepteret tilbud" in r.text
    for action in ("accept", "sign"):
        r = client.post(f"/anvisning/tilbud/{offer_id}/{action}", data={"csrf_token": token})
        assert r.status_code == 303, r.text
    offers = client.get("/anvisning/tilbud").text
    assert "Kontrakt underskrevet" in offers
    assert before != client.get("/kapacitet").text  # the ledger moved (checked exactly in e2e)
    assert [e.action for e in _events(actor="alloc") if e.action.startswith("offer.")] == [
        "offer.create", "offer.accept", "offer.sign"]  # fmt: skip


def test_bad_form_values_answer_danish_pages_never_500(client: TestClient) -> None:
    token = login(client, "admin")
    cases = [
        ("/anvisning/koersler", {"week": "2026-W99"}, 400, "er ikke en uge"),
        ("/anvisning/koersler", {"week": "uge 61"}, 400, "er ikke en uge"),
        ("/anvisning/koersler", {"week": "2025-W48"}, 400, "ikke importeret data for uge 48, 2025"),
        ("/anvisning/koersler", {"week": "uge 48, 2026"}, 400, "ikke importeret data for uge 48, 2026"),
        ("/anvisning/koersler", {"week": "2026-W47"}, 400, "ikke importeret"),
        ("/anvisning/tilbud", {"proposal_id": "abc"}, 400, "Forslag: skal være et helt tal."),
        ("/admin/brugere", {"username": "x" * 5000, "password": "p" * 5000, "role": "admin"}, 400,
         "Brugernavn: højst"),
        ("/anvisning/tilbud", {"proposal_id": "99999"}, 409, "kan ikke længere"),
        ("/anvisning/tilbud/99999/accept", {}, 404, "findes ikke"),
        ("/anvisning/tilbud/1/decline", {"reason": "bored"}, 400, "Vælg en årsag"),
        ("/anvisning/tilbud/1/explode", {}, 400, "Ugyldige værdier"),
        ("/admin/brugere", {"username": "a b", "password": "x", "role": "king"}, 400,
         "Adgangskoden skal"),
        ("/admin/brugere", {"username": "admin", "password": "long-enough-pw", "role": "admin"},
         400, "findes allerede"),
        ("/admin/brugere", {"username": "cw9", "password": "long-enough-pw", "role": "caseworker"},
         400, "mindst ét team"),
        ("/planlaegning", {}, 400, "Vælg mindst ét scenarie"),
        ("/unge/ny", {}, 422, "feltet skal udfyldes"),
        ("/planlaegning", {"names": "no-such"}, 400, "intet scenarie ved navn"),
        ("/planlaegning", {"names": "two-more-dwellings", "replications": "lots"}, 400,
         "helt tal"),
        ("/planlaegning", {"names": "two-more-dwellings", "replications": "0"}, 400,
         "mellem 1 og"),
        ("/planlaegning", {"names": "two-more-dwellings", "seed": "syv"}, 400,
         "Startværdien skal være et helt tal"),
        ("/planlaegning", {"names": "two-more-dwellings", "seed": "-1"}, 400,
         "Startværdien skal være mellem 0 og 4294967295"),
    ]  # fmt: skip
    for path, data, status, text in cases:
        r = client.post(path, data={"csrf_token": token, **data})
        assert r.status_code == status, (path, data, r.status_code, r.text[:500])
        assert text in r.text, (path, data)
    gets = [
        ("/anvisning/koersler/0", 400),
        ("/anvisning/koersler/99999999999", 400),
        ("/anvisning/koersler/424242", 404),
        ("/planlaegning/424242", 404),
        ("/planlaegning/1/figurer/secret.png", 400),
        ("/admin/log?fra=2026-13-45", 400),
        ("/admin/log?fra=2026-11-30&til=2026-11-01", 400),
        ("/unge/" + "x" * 100, 400),
    ]
    for path, status in gets:
        r = client.get(path)
        assert r.status_code == status, (path, r.status_code)
        assert 'lang="da"' in r.text


def test_bad_upload_shows_every_row_error_and_imports_nothing(client: TestClient) -> None:
    token = login(client, "alloc")
    text = (FIXTURES / "naestved" / "youths.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[2] = lines[2].replace("2008-09-09", "2008-13-09", 1)  # row 3, birth_date
    files = fixture_uploads()
    files[0] = ("files", ("youths.csv", "\n".join(lines).encode(), "text/csv"))
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=files)
    assert r.status_code == 422
    assert "Intet er importeret" in r.text
    row = __import__("re").search(
        r"<tr><td>youths\.csv</td><td class=\"num\">3</td><td>birth_date "
        r"<span class=\"muted\">\(Fødselsdato\)</span></td>",
        r.text,
    )
    assert row, r.text
    assert not _events(action="import")
    # not a zip at all, and no file chosen
    files = [("files", ("week.zip", b"not a zip", "application/zip"))]
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=files)
    assert r.status_code == 422 and "week.zip" in r.text
    files = [("files", ("", b"", "application/octet-stream"))]
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=files)
    assert r.status_code in (400, 422)


def test_admin_creates_a_user_who_can_log_in(client: TestClient) -> None:
    token = login(client, "admin")
    r = client.post(
        "/admin/brugere",
        data={"csrf_token": token, "username": "cw_new", "password": "long-enough-pw",
              "role": "caseworker", "teams": "ICM-2, CTI-1"},
    )  # fmt: skip
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Brugeren cw_new er oprettet" in page and "ICM-2, CTI-1" in page
    assert _events(action="user.create", object_ref="cw_new")
    login(client, "cw_new", "long-enough-pw")
    assert "Mine unge" in client.get("/").text


def test_audit_log_filters_by_user_action_and_date(client: TestClient) -> None:
    _import(client)
    login(client, "cw_icm1")
    ref = _ref_of_team("ICM-1")
    client.get(f"/unge/{ref}")
    login(client, "admin")
    page = client.get("/admin/log?bruger=cw_icm1&handling=read.queue").text
    assert page.count('class="actor"') == 1 and f"<td>{ref}</td>" in page
    everything = client.get("/admin/log?handling=import").text
    assert everything.count('class="actor"') == 1
    everything = client.get("/admin/log").text
    # the import, the read, the start pages' lists (the case worker's youths, the allocation
    # office's urgent youths), and three sign-ins (alloc, cw_icm1, admin) are all on record
    actions = re.findall(r'data-action="([^"]+)"', everything)
    assert sorted(actions) == sorted(
        ["import", "read.queue", "read.youths", "read.youths", "login", "login", "login"]
    )
    assert 'data-action="import"' in everything
    assert 'data-action="import"' not in page
    assert client.get("/admin/log?fra=2000-01-01&til=2000-01-02").text.count('class="actor"') == 0


def test_planner_runs_a_scenario_and_downloads_the_comparison(client: TestClient) -> None:
    token = login(client, "planner")
    page = client.get("/planlaegning").text
    assert "to ekstra ungdomsboliger" in page
    r = client.post(
        "/planlaegning",
        data={"csrf_token": token, "names": "two-more-dwellings", "replications": "2",
              "seed": "11"},
    )  # fmt: skip
    assert r.status_code == 303
    url = r.headers["location"]
    done = wait_for(client, url, "Hent sammenligningen som regneark (CSV)")
    assert "Unge der fik bolig" in done and "Grundlag" in done
    assert "startværdi 11" in done  # the page's seed reached the job
    # the total is said to be over all scenarios; a heading's title keeps no stray full stop
    assert re.search(r"Afsluttet [0-9.: ]+ \(\d+ gentagelser i alt, alle scenarier\)", done)
    assert not re.search(r'<h2 id="g-1">[^<]*\. <span class="muted">mod', done)
    # a job is never "stale": the status filter offers a job's states only
    assert "forældet" not in client.get("/planlaegning").text
    csv_r = client.get(f"{url}/sammenligning.csv?dialekt=maskine")
    assert csv_r.status_code == 200 and csv_r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_r.text)))
    assert rows and "housed" in {r["kpi"] for r in rows}
    # the people's file: Danish spreadsheet conventions, Danish words, the same numbers
    danish = client.get(f"{url}/sammenligning.csv").content.decode("utf-8")
    assert danish.startswith("\ufeff")
    dk_rows = list(csv.DictReader(io.StringIO(danish[1:]), delimiter=";"))
    housed = next(r for r in dk_rows if r["Nøgletal"] == "Unge der fik bolig")
    machine = next(r for r in rows if r["kpi"] == "housed")
    assert housed["Enhed"] == "unge" and housed["Grundlag"] == "Grundlag (uden ændringer)"
    assert housed["Forskellen er sikker"] in ("ja", "nej")
    mean = float(machine["difference_mean"])
    assert housed["Forskel, gennemsnit"] == f"{mean:.2f}".replace(".", ",")
    assert "." not in housed["Grundlag, gennemsnit"]
    png = client.get(f"{url}/figurer/queue_length.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    # the legends name the baseline in Danish, as the page does (they said "baseline")
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # the SVG's texts as text
        for name in ("queue_length", "wait_distribution"):
            svg = html.unescape(client.get(f"{url}/figurer/{name}.svg").text)
            assert "Grundlag (uden ændringer)" in svg and ">baseline<" not in svg, name
    login(client, "alloc")
    assert client.get(f"{url}/sammenligning.csv").status_code == 403


def test_a_running_job_polls_its_status_with_htmx(client: TestClient) -> None:
    from service.models import Run

    with Session(db.get_engine()) as session:
        session.add(Run(week="2026-W48", status="running", progress="stage1_count"))
        session.commit()
    login(client, "alloc")
    page = client.get("/anvisning/koersler/1").text
    assert 'hx-get="/anvisning/koersler/1/status"' in page and 'hx-trigger="every 1s"' in page
    assert "trin 1 løst" in page and "Unge uden bolig" not in page
    fragment = client.get("/anvisning/koersler/1/status", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment.headers and "hx-get" in fragment.text
    assert '<script src="/static/htmx.min.js"' in page
    assert client.get("/static/htmx.min.js").text.startswith("/*! htmx 2.0.11")


def test_an_interrupted_run_or_job_says_so_in_danish_and_what_to_do(client: TestClient) -> None:
    """A run or planning job whose server stopped (failed by the sweep) is told in Danish, with
    what to do; any other failure keeps its technical detail, marked as English."""
    from service.models import Run, ScenarioJob
    from service.usecases import planning, runs

    with Session(db.get_engine()) as session:
        session.add(Run(week="2026-W48", status="failed", progress=runs.INTERRUPTED,
                        error="interrupted: the process solving the run stopped"))  # fmt: skip
        session.add(Run(week="2026-W48", generation=2, status="failed", error="ValueError: x"))
        session.add(ScenarioJob(names=["a"], status="failed", error=planning.INTERRUPTED))
        session.commit()
    login(client, "alloc")
    page = client.get("/anvisning/koersler/1").text
    assert "Kørslen blev afbrudt" in page and "Start kørslen igen." in page
    assert "interrupted:" not in page
    other = client.get("/anvisning/koersler/2").text
    assert "Kørslen fejlede" in other and '<span lang="en" class="muted">ValueError: x' in other
    login(client, "planner")
    job = client.get("/planlaegning/1").text
    assert "Beregningen blev afbrudt" in job and "interrupted:" not in job


def test_one_zip_or_one_workbook_imports_the_week(client: TestClient) -> None:
    import zipfile

    import pandas as pd

    token = login(client, "alloc")
    folder = FIXTURES / "naestved"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("youths.csv", "units.csv", "support.csv", "quotas.csv", "policy.toml"):
            zf.write(folder / name, f"naestved/{name}")
    files = [("files", ("uge48.zip", buf.getvalue(), "application/zip"))]
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=files)
    assert r.status_code == 303 and "nye=60" in r.headers["location"]
    book = io.BytesIO()
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for sheet in ("youths", "units", "support", "quotas"):
            pd.read_csv(folder / f"{sheet}.csv", dtype=str).to_excel(
                writer, sheet_name=sheet, index=False
            )
    files = [
        ("files", ("uge48.xlsx", book.getvalue(), "application/vnd.ms-excel")),
        ("files", ("policy.toml", (folder / "policy.toml").read_bytes(), "text/plain")),
    ]
    r = client.post("/anvisning/import", data={"csrf_token": token}, files=files)
    assert r.status_code == 303, r.text[:2000]
    assert "nye=0&opdaterede=60&boliger=10" in r.headers["location"]
    page = client.get(r.headers["location"]).text
    assert "Uge 48, 2026 er importeret: 0 nye unge, 60 opdaterede, 10 ledige boliger" in page


def test_intervals_are_written_with_a_decimal_comma() -> None:
    from service.web.texts import decimal_comma

    assert decimal_comma("46.0 [33.3, 58.7]") == "46,0 [33,3; 58,7]"
    assert decimal_comma("-0.10 [-0.10, -0.10]") == "-0,10 [-0,10; -0,10]"
    assert decimal_comma("–") == "–"


def test_a_message_in_the_url_shows_only_when_the_service_signed_it(client: TestClient) -> None:
    """After a redirect a page shows the message its URL carries (``?besked=``), signed under the
    secret key: a link made elsewhere cannot put its own words on the service's pages."""
    from service.web.session import notice_query

    _import(client)
    login(client, "alloc")
    ref = _youths()[0]["ref"]
    forged = "Ring straks til 12 34 56 78 og oplys dit CPR-nummer"
    for query in (f"besked={forged}", f"fejl={forged}", f"besked={forged}&tegn=00ff"):
        page = client.get(f"/unge/{ref}?{query}")
        assert page.status_code == 200 and forged not in page.text, query
        offers = client.get(f"/anvisning/tilbud?{query}")
        assert offers.status_code == 200 and forged not in offers.text, query
    signed = "Den unge er gemt."
    assert signed in client.get(f"/unge/{ref}?{notice_query(signed)}").text
    assert signed in client.get(f"/anvisning/tilbud?{notice_query(signed, error=True)}").text
    # a signature is for its message and its kind only
    moved = notice_query(signed).replace("besked=", "fejl=")
    assert signed not in client.get(f"/unge/{ref}?{moved}").text


def test_an_admin_erases_a_youth_from_the_page_once_the_reason_and_reference_are_right(
    client: TestClient,
) -> None:
    _import(client)
    ref = _youths()[0]["ref"]
    client.cookies.clear()
    token = login(client, "admin")
    page = client.get(f"/admin/unge/{ref}")
    assert page.status_code == 200 and f'action="/admin/unge/{ref}/slet"' in page.text
    # the record reads in the case format's order, the case's own fields after it
    labels = re.findall(r'<tr><th scope="row">([^<]+)</th>', page.text)
    assert labels[:4] == ["Sagsreference", "Fødselsdato", "Henvist", "Boligsituation"], labels
    assert (
        labels.index("Ansvarlig sagsbehandler")
        < labels.index("Status")
        < labels.index("Senest ændret")
    )
    url = f"/admin/unge/{ref}/slet"
    cases = [
        ({"reason": "anmodning fra borgeren", "confirm": "forkert"}, "gdpr.confirm_mismatch"),
        ({"reason": "anmodning, cpr 0306021234", "confirm": ref}, "request.cpr_number"),
    ]
    from solver.i18n.render import text

    for form, code in cases:
        r = client.post(url, data={"csrf_token": token, **form})
        assert r.status_code == 400 and "0306021234" not in r.text
        assert text(code, "da") in r.text.replace("&#39;", "'"), code
        assert f'action="{url}"' in r.text  # said on the youth's page, by the form
        assert client.get(f"/admin/unge/{ref}").status_code == 200  # still there
    # a wrong confirmation keeps the reason typed (one holding a CPR number is never repeated)
    r = client.post(url, data={"csrf_token": token, "reason": "anmodning fra borgeren",
                                "confirm": "forkert"})  # fmt: skip
    assert 'value="anmodning fra borgeren"' in r.text
    r = client.post(url, data={"csrf_token": token, "reason": "cpr 0306021234",
                                "confirm": "forkert"})  # fmt: skip
    assert "0306021234" not in r.text
    r = client.post(url, data={"csrf_token": token, "reason": "anmodning fra borgeren",
                                "confirm": ref})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/unge?slettet=slettet-")
    assert client.get(f"/admin/unge/{ref}").status_code == 404
    assert [e.action for e in _events(actor="admin") if e.action == "erase.youth"] == [
        "erase.youth"
    ]


def test_the_audit_logs_details_are_in_danish() -> None:
    """A sign-in's address, a decline's reason with or without the office's words, a quota
    group and a week: the admin's log says them in words (other details as stored)."""
    from service.web.audit_text import audit_detail
    from service.web.texts import OBJECT_TYPES

    assert audit_detail("login", "address 127.0.0.1") == "fra adressen 127.0.0.1"
    assert audit_detail("offer.decline", "area") == "Området"
    assert audit_detail("offer.decline", "area: for langt fra skolen") == (
        "Området: for langt fra skolen"
    )
    assert audit_detail("claim.record", "OrgA/youth") == "kvote OrgA/ungdomsbolig"
    assert OBJECT_TYPES["dwelling"] == "Bolig"


def test_the_audit_logs_codes_are_in_danish(client: TestClient) -> None:
    """An override's reason and dispensations, the fields of a youth's and a dwelling's edit, a
    withdrawal's reason, a role change, a retention run and the list of youths missing from the
    import: the admin's log says them in the catalogue's words, never the codes (it showed
    "landlord_agreement; dispensations: none", "rent_ceiling", "contact, rent", "moved_away",
    "caseworker -> planner" and "missing")."""
    from service.web.audit_text import audit_detail, audit_ref
    from solver.caseio.schema import UNIT_COLUMNS, YOUTH_COLUMNS
    from solver.i18n.render import has

    assert audit_detail("offer.override", "landlord_agreement; dispensations: none") == (
        "Aftale med boligorganisationen; ingen dispensation"
    )
    assert audit_detail("offer.override", "social_assessment; dispensations: area_excluded") == (
        "Faglig vurdering; dispensation fra: Boligerne ligger i fravalgte områder"
    )
    assert audit_detail("youth.edit", "referred_on, rent_ceiling") == "Henvist, Huslejeloft (kr.)"
    assert audit_detail("dwelling.edit", "contact, rent") == "Kontakt, Husleje"
    assert audit_detail("youth.withdraw", "moved_away") == "Fraflyttet kommunen"
    assert audit_detail("offer.withdraw", "youth.withdraw") == "Ung udgået"
    assert audit_detail("youth.keep", "missing from import") == "mangler i importen"
    assert audit_detail("user.role", "caseworker -> planner") == (
        "Sagsbehandler (ICM/CTI) → Planlægger"
    )
    assert audit_detail("retention.apply", "3 youths erased, 1 snapshots dropped") == (
        "3 unge slettet, inddata fra 1 kørsel fjernet"
    )
    assert audit_ref("read.youths", "missing") == "Unge der mangler i importen"
    assert audit_ref("read.youth", "U00001") == "U00001"  # a reference stays as it is
    for columns, namespace in ((YOUTH_COLUMNS, "youth_field"), (UNIT_COLUMNS, "dwelling_field")):
        assert [c.name for c in columns if not has(f"{namespace}.{c.name}")] == []
    _import(client)
    login(client, "alloc")
    assert client.get("/anvisning/manglende").status_code == 200
    login(client, "admin")
    page = client.get("/admin/log?handling=read.youths").text
    assert "<td>Unge der mangler i importen</td>" in page and "<td>missing</td>" not in page


def test_the_start_page_names_the_role_and_every_page_has_its_icon(client: TestClient) -> None:
    login(client, "cw_cti1")
    page = client.get("/")
    assert page.status_code == 200
    assert "Du er logget ind som sagsbehandler (ICM/CTI)." in page.text
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_the_access_page_shows_every_proposal_of_a_youth_in_danish(client: TestClient) -> None:
    """Art. 15 access after runs: a youth who was not housed has the run's reason in Danish, a
    pinned one the allocator's reason (the page answered 500 for every youth ever unmatched)."""
    _import(client)
    token = login(client, "alloc")
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "2026-W48"})
    assert client.get(r.headers["location"]).status_code == 200
    with Session(db.get_engine()) as session:
        query = select(Proposal).where(col(Proposal.dwelling_ref).is_(None)).limit(1)
        proposal = session.exec(query).one()
    login(client, "admin")
    page = client.get(f"/admin/unge/{proposal.youth_ref}")
    assert page.status_code == 200, page.text[:500]
    danish = reason_sentence(proposal)
    assert danish["lang"] == "da" and danish["text"] in page.text.replace("&#39;", "'")


def test_a_run_keeps_an_erased_youths_rows_saying_so_and_the_meeting_leaves_them_out(
    client: TestClient,
) -> None:
    """After an erasure (GDPR) the run's rows of that youth say "Slettet efter anmodning" with
    nothing of the youth: not "passer på alle punkter" (the fit was emptied) nor a dangling
    "uger på venteliste"; the meeting page and its workbook leave the row out."""
    _import(client)
    token = login(client, "alloc")
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "2026-W48"})
    run_url = r.headers["location"]
    with Session(db.get_engine()) as session:
        matched = session.exec(
            select(Proposal).where(col(Proposal.dwelling_ref).is_not(None))
        ).all()
        unmatched = session.exec(select(Proposal).where(col(Proposal.dwelling_ref).is_(None))).all()
        gone, dwelling = [matched[0].youth_ref, unmatched[0].youth_ref], matched[0].dwelling_ref
        assert dwelling is not None
        for ref in gone:
            erase_youth(session, "admin", ref, "anmodning om sletning")
    page = client.get(run_url).text
    assert page.count("Slettet efter anmodning (GDPR)") == 2
    for ref in gone:
        assert ref not in page
    row = page.split(f'data-dwelling="{dwelling}"')[1].split("</tr>")[0]
    assert "Slettet efter anmodning" in row and "Passer på alle punkter" not in row
    meeting = client.get(f"{run_url}/moede").text
    assert "slettet-" not in meeting and f"→ {dwelling}" not in meeting
    # the dwelling's page and a later run's diff say so too, never the tombstone
    shown = client.get(f"/boliger/{dwelling}").text
    assert "Slettet efter anmodning (GDPR)" in shown and "slettet-" not in shown
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "2026-W48",
                                                  "force": "1"})  # fmt: skip
    assert "slettet-" not in client.get(r.headers["location"]).text


def test_the_meeting_page_of_a_failed_run_says_it_failed(client: TestClient) -> None:
    _import(client)
    login(client, "alloc")
    with Session(db.get_engine()) as session:
        run = Run(week="2026-W48", status="failed", error="CaseError: x", created_by="alloc")
        session.add(run)
        session.commit()
        run_id = run.id
    page = client.get(f"/anvisning/koersler/{run_id}/moede")
    assert page.status_code == 409 and "Kørslen fejlede, så den har ingen forslag" in page.text


def test_a_pin_without_a_dwelling_is_refused_in_danish_words(client: TestClient) -> None:
    """A pin needs the youth and the dwelling: the run page's decision form says so with the
    form's words, not the case file's column names (it said "youth_ref og unit_ref")."""
    _import(client)
    token = login(client, "alloc")
    r = client.post("/anvisning/koersler", data={"csrf_token": token, "week": "2026-W48"})
    run_id = r.headers["location"].rsplit("/", 1)[-1]
    youth = _youths()[0]["ref"]
    form = {"csrf_token": token, "run_id": run_id, "kind": "pin", "youth_ref": youth,
            "reason": "aftalt med boligorganisationen"}  # fmt: skip
    r = client.post("/anvisning/uger/2026-W48/beslutninger", data=form)
    assert r.status_code == 422
    assert "både den unge og boligen" in r.text
    assert "youth_ref og unit_ref" not in r.text


def test_the_youth_forms_errors_name_no_column_or_file(client: TestClient) -> None:
    """The register-a-youth form's messages name the other field and the teams in Danish words,
    not the case file's column or file names (it said "(referred_on)", "support_method er
    none" and "er ikke et team i support.csv")."""

    def errors(page: str) -> str:  # the summary above the form
        found = re.search(r'<div class="notice error"[^>]*id="form-errors">(.*?)</div>', page, re.S)
        assert found, page[:500]
        return found[1].replace("&#39;", "'").replace("&#34;", '"')

    _import(client)
    token = login(client, "alloc")
    form = {"csrf_token": token, "ref": "NY-1", "birth_date": "2026-03-01",
            "referred_on": "2026-02-01", "situation": "couch", "income_type": "su",
            "support_method": "ICM", "support_team": "Team-X"}  # fmt: skip
    page = client.post("/unge/ny", data=form)
    assert page.status_code == 422
    said = errors(page.text)
    assert "'2026-03-01' ligger efter henvisningsdatoen" in said
    assert "'Team-X' er ikke et kendt støtteteam" in said
    page = client.post("/unge/ny", data={**form, "birth_date": "2006-03-01",
                                          "support_method": "none"})  # fmt: skip
    assert page.status_code == 422
    said += errors(page.text)
    assert "skal være tom, når støttemetoden er »Ingen«" in said
    for code in ("referred_on", "support.csv", "support_method", "none"):
        assert code not in said, code


def test_a_quota_report_year_out_of_range_shows_the_latest_report_with_a_note(
    client: TestClient,
) -> None:
    _import(client)
    latest = client.get("/kvoterapport").text
    year = re.search(r"<h1>Kvoterapport (\d{4})</h1>", latest)[1]
    page = client.get("/kvoterapport?aar=1999")
    assert page.status_code == 200 and f"<h1>Kvoterapport {year}</h1>" in page.text
    note = re.search(r'<p class="notice error" role="status" id="year-note">(.*?)</p>', page.text)
    assert note and "ingen rapport for 1999: vælg et år fra 2000 til 2100" in note[1]
    assert 'id="kvoterapport"' in page.text  # the report itself, not an error page
    assert client.get("/kvoterapport?aar=abc").status_code == 400  # not a year at all
