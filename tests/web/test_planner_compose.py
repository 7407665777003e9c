"""The planner composes a scenario from a form (the scenario schema's fields), and compares
finished jobs side by side: what each scenario buys and whom it serves (issue 14 item 7)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from solver.i18n.render import text
from solver.planning.scenario import CHANGE_KINDS

from .conftest import login, wait_for

DONE = "Hent sammenligningen som regneark (CSV)"


def _compose(client: TestClient, token: str, **fields: str) -> tuple[int, str, str]:
    data = {"csrf_token": token, "name": "grådig og 2 boliger", "base": "naestved",
            "horizon_weeks": "4", "replications": "2", "seed": "3", **fields}  # fmt: skip
    r = client.post("/planlaegning/ny", data=data)
    return r.status_code, r.headers.get("location", ""), r.text


def test_the_form_asks_for_every_change_kind_of_the_schema(client: TestClient) -> None:
    login(client, "planner")
    page = client.get("/planlaegning/ny").text
    for kind in CHANGE_KINDS:
        assert f'id="k-{kind}"' in page, kind
    assert 'name="add_dwellings.rent"' in page and 'name="matching.method"' in page
    assert "Boligorganisation" in page and "grådig" in page  # Danish labels, catalogue
    login(client, "alloc")
    assert client.get("/planlaegning/ny").status_code == 403


def test_a_composed_scenario_runs_and_is_compared_side_by_side(client: TestClient) -> None:
    token = login(client, "planner")
    status, url, _ = _compose(
        client,
        token,
        kinds="matching",
        **{"matching.method": "greedy", "matching.every_weeks": "1", "matching.start_week": "1"},
    )
    assert status == 303 and re.fullmatch(r"/planlaegning/\d+", url), url
    page = wait_for(client, url, DONE)
    assert "grådig og 2 boliger" in page
    first = int(url.rsplit("/", 1)[1])
    form = {
        "kinds": "add_dwellings",
        "add_dwellings.organisation": "Boligorg-01",
        "add_dwellings.dwelling_type": "youth",
        "add_dwellings.rent": "2500",
        "add_dwellings.count": "2",
        "add_dwellings.outside_quota": "1",
    }
    status, url, _ = _compose(client, token, **form)
    assert status == 303
    wait_for(client, url, DONE)
    second = int(url.rsplit("/", 1)[1])

    compare = client.get(f"/planlaegning/sammenlign?koersel={first}&koersel={second}").text
    table = compare[compare.index('id="value"') : compare.index("</table>")]
    heads = re.findall(r'<th scope="col" class="num">([^<]+)</th>', table)
    assert len(heads) == 4  # two baselines, two scenarios, side by side
    housed = re.search(r'<tr data-kpi="housed">(.*?)</tr>', table, re.S)
    assert housed and len(re.findall(r'<td class="num">\d+,\d \[', housed.group(1))) == 4
    assert 'data-kpi="still_housed_at_horizon"' in table
    assert 'data-group="street"' in compare and "(monitorering)" in compare
    # each column says what it was simulated on; the same premises raise no warning
    for key, cell in (("base", "naestved"), ("horizon_weeks", "4"), ("replications", "2")):
        row = re.search(rf'<tr data-premise="{key}"[^>]*>(.*?)</tr>', table, re.S)
        assert row and row.group(1).count(f'<td class="num">{cell}</td>') == 4, key
    assert 'id="mixed-premises"' not in compare
    status, url, _ = _compose(client, token, horizon_weeks="3", **form)
    wait_for(client, url, DONE)
    third = int(url.rsplit("/", 1)[1])
    mixed = client.get(f"/planlaegning/sammenlign?koersel={second}&koersel={third}").text
    notice = re.search(r'<p class="notice error" role="status" id="mixed-premises">(.*?)</p>',
                       mixed, re.S)  # fmt: skip
    assert notice and "forskellige i »Uger der simuleres«)" in notice.group(1)
    png = client.get(f"/planlaegning/sammenlign/figur/housed.png?koersel={first}&koersel={second}")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get("/planlaegning/sammenlign/figur/nope.png").status_code == 404


def test_a_bad_form_names_the_key_keeps_the_values_and_starts_nothing(client: TestClient) -> None:
    token = login(client, "planner")
    before = client.get("/planlaegning").text.count("Kørsel ")
    status, _, page = _compose(
        client,
        token,
        kinds="add_dwellings",
        **{"add_dwellings.organisation": "Boligorg-01", "add_dwellings.dwelling_type": "youth",
           "add_dwellings.rent": "mange", "add_dwellings.count": "2"},
    )  # fmt: skip
    assert status == 400
    assert "Scenariet kan ikke køres:" in page
    assert (  # the form's words for the key: the field under its change (not changes[1].rent)
        "Husleje (kr. pr. måned) under »Flere boliger«: skal være et helt tal, ikke &#39;mange&#39;"
        in page
    )
    assert "changes[1]" not in page
    assert "must be" not in page  # not the API's English line
    assert 'value="mange"' in page and 'id="use-add_dwellings" name="kinds"' in page
    assert client.get("/planlaegning").text.count("Kørsel ") == before


def _errors(page: str) -> list[str]:
    """The lines of the page's error notice."""
    notice = re.search(r'<div class="notice error" role="alert"><ul>(.*?)</ul>', page, re.S)
    assert notice, "no error notice on the page"
    return [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", notice.group(1), re.S)]


def test_a_scenario_past_the_schema_or_the_role_is_refused_in_danish_naming_the_key(
    client: TestClient,
) -> None:
    """The horizon over the schema's 520 weeks, and over what a planner may start (260): each
    a Danish catalogue message naming the field as the form does (the API keeps its English
    line and the key, below)."""
    token = login(client, "planner")
    before = client.get("/planlaegning").text.count("Kørsel ")
    status, _, page = _compose(client, token, horizon_weeks="600")
    assert status == 400
    assert _errors(page) == [text("page.scenario_invalid", "da"),
                             "Uger der simuleres: må højst være 520, ikke 600"]  # fmt: skip
    status, _, page = _compose(client, token, horizon_weeks="300")
    assert status == 400
    assert _errors(page)[1:] == [
        "Uger der simuleres: 300 er mere end de 260, som rollen Planlægger må starte"
    ]
    assert client.get("/planlaegning").text.count("Kørsel ") == before
    bearer = {"Authorization": f"Bearer {client.cookies.get('boligmatch_session')}"}
    toml = 'base = "naestved"\nhorizon_weeks = 600\n'
    api = client.post("/api/v1/scenarios", json={"toml": [toml]}, headers=bearer)
    assert api.status_code == 422
    assert api.json()["issues"] == ["toml[0]: horizon_weeks: must be at most 520, not 600"]


def test_a_changes_key_is_named_by_the_forms_words(client: TestClient) -> None:
    """A change's field the base case does not know is named as the form names it: the field
    under its change's heading, a whole change by its heading (it said "changes[2].organisation"
    and "changes[2]")."""
    token = login(client, "planner")
    form = {"kinds": ["add_dwellings", "quota_rate"], "add_dwellings.organisation": "Boligorg-01",
            "add_dwellings.dwelling_type": "youth", "add_dwellings.rent": "2500",
            "add_dwellings.count": "2", "quota_rate.rate": "1/3",
            "quota_rate.organisation": "Boligorg-99"}  # fmt: skip
    r = client.post("/planlaegning/ny", data={"csrf_token": token, "name": "x", "base": "naestved",
                                              "horizon_weeks": "4", **form})  # fmt: skip
    assert r.status_code == 400
    assert _errors(r.text)[1:] == [
        "Boligorganisation under »Anvisningsret (kvote)«: 'Boligorg-99' er ikke en "
        "boligorganisation i grundlaget",
        "»Anvisningsret (kvote)«: ingen kvoterække i grundlaget passer til boligorganisationen "
        "og boligtypen",
    ]


def test_a_shipped_scenario_with_a_bad_key_is_named_in_danish(
    client: TestClient, tmp_path: Path
) -> None:
    """A scenario file with an unknown key and a wrong value: the planner's list page names the
    file and each key in Danish; nothing starts."""
    folder = tmp_path / "scenarios"
    (folder / "broken.toml").write_text(
        'base = "naestved"\nhorizon_weeks = 4\ncolour = "blue"\nreplications = "mange"\n',
        encoding="utf-8",
    )
    token = login(client, "planner")
    r = client.post("/planlaegning", data={"csrf_token": token, "names": "broken"})
    assert r.status_code == 400
    lines = _errors(r.text)
    assert lines[0] == text("page.scenarios_invalid", "da")
    assert any(
        line.startswith(
            "names[0]: broken.toml: colour: ukendt nøgle (tilladte "
            "nøgler: base, name, description, horizon_weeks"
        )
        for line in lines
    ), lines  # the file by its name, not the server's path to it
    assert str(tmp_path) not in r.text
    assert any(line.endswith("broken.toml: replications: skal være et helt tal, ikke 'mange'")
               for line in lines), lines  # fmt: skip
    r = client.post("/planlaegning", data={"csrf_token": token, "names": "no-such"})
    assert _errors(r.text)[1:] == ["names[0]: der er intet scenarie ved navn 'no-such'"]
