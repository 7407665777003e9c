"""The planner composes a scenario from a form (the scenario schema's fields), and compares
finished jobs side by side: what each scenario buys and whom it serves (issue 14 item 7)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

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
    assert "changes[1].rent: must be an integer, not &#39;mange&#39;" in page
    assert 'value="mange"' in page and 'id="use-add_dwellings" name="kinds"' in page
    assert client.get("/planlaegning").text.count("Kørsel ") == before
