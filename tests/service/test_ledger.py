"""Issue 10 through the API: open offers hold their § 59 claim and their team slot, the ledger
is rows (an import never overwrites a claim), and runs are bound to the data they solved."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service import db
from service.models import (
    AgreementRate,
    ClaimRecord,
    QuotaRecord,
    TeamRecord,
    VacancyRecord,
    local_today,
)
from tests.web.conftest import csrf_of

from .conftest import PASSWORD, auth, wait_for_run
from .ledger_case import WEEK, files, import_files


def _run(client: TestClient, headers: dict[str, str], force: bool = False) -> dict:
    r = client.post("/api/v1/runs", json={"week": WEEK, "force": force}, headers=headers)
    assert r.status_code == 202, r.text
    return wait_for_run(client, r.json()["id"], headers)


def _matched(client: TestClient, headers: dict[str, str], run_id: int) -> list[dict]:
    rows = client.get(f"/api/v1/runs/{run_id}/proposals", headers=headers).json()
    return [p for p in rows if p["dwelling_ref"] is not None]


def _offer_all(client: TestClient, headers: dict[str, str], run_id: int) -> list[int]:
    ids = []
    for p in _matched(client, headers, run_id):
        r = client.post("/api/v1/offers", json={"proposal_id": p["id"]}, headers=headers)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def _claims(organisation: str) -> int:
    with Session(db.get_engine()) as s:
        rows = s.exec(select(ClaimRecord).where(ClaimRecord.organisation == organisation)).all()
        return len(rows)


def test_offers_hold_claims_and_slots_through_a_forced_rerun(client: TestClient) -> None:
    """The issue's scenario: the quota allows 2 claims from OrgA and CTI-1 has 1 free slot;
    offer every proposal, force a re-run, offer every new proposal, accept and sign all:
    exactly 2 claims from OrgA and 1 CTI move-in."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    first = _run(client, headers)
    first_offers = _offer_all(client, headers, first["id"])
    housed_first = _matched(client, headers, first["id"])
    assert sum(p["dwelling_ref"].startswith("A") for p in housed_first) == 2  # the quota binds
    assert sum(p["youth_ref"].startswith("C") for p in housed_first) == 1  # so does the team
    second = _run(client, headers, force=True)
    assert second["generation"] == 2 and not second["stale"]
    housed_second = _matched(client, headers, second["id"])
    # The re-run saw the holds: nothing more from OrgA, no CTI youth.
    assert not [p for p in housed_second if p["dwelling_ref"].startswith("A")]
    assert not [p for p in housed_second if p["youth_ref"].startswith("C")]
    offers = first_offers + _offer_all(client, headers, second["id"])
    for offer_id in offers:
        for action in ("accept", "sign"):
            r = client.post(f"/api/v1/offers/{offer_id}/{action}", headers=headers)
            assert r.status_code == 200, r.text
    assert _claims("OrgA") == 2
    with Session(db.get_engine()) as s:
        assert s.get(TeamRecord, "CTI-1").current_caseload == 10  # type: ignore[union-attr]
        assert s.get(QuotaRecord, ("OrgA", "family")).claimed == 0  # type: ignore[union-attr]


def test_an_override_past_the_last_claim_is_refused_with_the_numbers(client: TestClient) -> None:
    """With both claims held by offers, an offer outside the proposal for a third OrgA dwelling
    is a 409 naming the group and its numbers; the team likewise."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    run = _run(client, headers)
    _offer_all(client, headers, run["id"])
    with Session(db.get_engine()) as s:
        from service.models import DwellingRecord, YouthRecord

        free_a = s.exec(
            select(DwellingRecord.ref).where(
                DwellingRecord.organisation == "OrgA", DwellingRecord.status == "vacant"
            )
        ).first()
        waiting = s.exec(
            select(YouthRecord.ref).where(
                YouthRecord.status == "waiting", col(YouthRecord.ref).startswith("Y")
            )
        ).first()
        waiting_cti = s.exec(
            select(YouthRecord.ref).where(
                YouthRecord.status == "waiting", col(YouthRecord.ref).startswith("C")
            )
        ).first()
        free_b = s.exec(
            select(DwellingRecord.ref).where(
                DwellingRecord.organisation == "OrgB", DwellingRecord.status == "vacant"
            )
        ).all()
    assert free_a and waiting and waiting_cti
    body = {"week": WEEK, "youth_ref": waiting, "dwelling_ref": free_a,
            "reason": "social_assessment", "text": "akut"}  # fmt: skip
    r = client.post("/api/v1/offers/override", json=body, headers=headers)
    assert r.status_code == 409, r.text
    assert (
        "OrgA/family" in r.json()["detail"] and "2 allowed, 0 claimed, 2 held" in r.json()["detail"]
    )
    if free_b:
        body.update(youth_ref=waiting_cti, dwelling_ref=free_b[0])
        r = client.post("/api/v1/offers/override", json=body, headers=headers)
        assert r.status_code == 409, r.text
        assert "team CTI-1 has no free slot: 1 free, 1 held" in r.json()["detail"]


def test_sign_checks_the_ledger_after_a_report_lowers_the_quota(client: TestClient) -> None:
    """Two OrgA offers accepted; the organisation's new report allows one claim (4 × ¼): the
    first signature passes, the second is a 409, and a run now sees nothing left."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    run = _run(client, headers)
    offers = _offer_all(client, headers, run["id"])
    a_offers = []
    for offer_id in offers:
        offer = client.get("/api/v1/offers?state=offered", headers=headers).json()
        dwelling = next(o["dwelling_ref"] for o in offer if o["id"] == offer_id)
        if dwelling.startswith("A"):
            a_offers.append(offer_id)
        assert client.post(f"/api/v1/offers/{offer_id}/accept", headers=headers).status_code == 200
    assert len(a_offers) == 2
    import_files(client, headers, files(vacancies=4))
    codes = [client.post(f"/api/v1/offers/{o}/sign", headers=headers) for o in a_offers]
    assert [r.status_code for r in codes] == [200, 409]
    assert (
        "OrgA/family" in codes[1].json()["detail"]
        and "1 allowed, 1 claimed" in codes[1].json()["detail"]
    )
    assert _claims("OrgA") == 1


def test_an_import_records_the_report_and_never_overwrites_claims(client: TestClient) -> None:
    """Vacancies are rows per week and dwelling, rates keep their history, the report's as_of
    decides which claims it already counts."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    run = _run(client, headers)
    offer_ids = _offer_all(client, headers, run["id"])
    for offer_id in offer_ids:
        client.post(f"/api/v1/offers/{offer_id}/accept", headers=headers)
        client.post(f"/api/v1/offers/{offer_id}/sign", headers=headers)
    assert _claims("OrgA") == 2
    # The organisation's next report, counted before our claims were signed: they still count.
    case = files(vacancies=12, claimed=1, prefix="N", as_of="2026-11-20")
    case["quotas.csv"] = case["quotas.csv"].replace(",1/4,", ",1/3,")
    import_files(client, headers, case)
    assert _claims("OrgA") == 2
    with Session(db.get_engine()) as s:
        vacancies = s.exec(select(VacancyRecord).order_by(col(VacancyRecord.id))).all()
        assert len(vacancies) == 7 + 7  # both imports' dwellings, each once
        assert {v.import_id for v in vacancies[:7]} != {v.import_id for v in vacancies[7:]}
        rates = s.exec(select(AgreementRate).order_by(col(AgreementRate.valid_from))).all()
        assert [(r.rate, str(r.valid_from)) for r in rates] == [
            ("1/3", "2026-11-20"),
            ("1/4", "2026-11-23"),
        ]
    r = client.get("/api/v1/quotas", headers=headers)
    group = next(q for q in r.json() if q["organisation"] == "OrgA")
    # ⌊12 × ⅓⌋ = 4 allowed; 1 reported + 2 claims signed after 2026-11-20; nothing held.
    assert (group["allowed"], group["claimed"], group["held"], group["remaining"]) == (4, 3, 0, 1)
    assert (group["reported_claimed"], group["as_of"], group["rate"]) == (1, "2026-11-20", "1/3")


def test_runs_are_bound_to_their_data(client: TestClient) -> None:
    """Offers from the week's current run keep it current; any other change makes it stale: a
    run request without force makes a new run, an offer from the stale one is a 409 naming the
    newer data, and a re-import with other dwellings never hands back the old run."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    first = _run(client, headers)
    proposals = _matched(client, headers, first["id"])
    r = client.post("/api/v1/offers", json={"proposal_id": proposals[0]["id"]}, headers=headers)
    assert r.status_code == 201
    assert client.get(f"/api/v1/runs/{first['id']}", headers=headers).json()["stale"] is False
    again = _run(client, headers)
    assert again["id"] == first["id"]  # still current: no new run
    r = client.post(f"/api/v1/offers/{r.json()['id']}/decline", json={"reason": "other"},
                    headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/runs/{first['id']}", headers=headers).json()["stale"] is True
    r = client.post("/api/v1/offers", json={"proposal_id": proposals[1]["id"]}, headers=headers)
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert (
        "run the week again" in detail and "last change: Offer declined (week 48, 2026)" in detail
    )
    second = _run(client, headers)
    assert second["generation"] == 2 and not second["stale"]
    # A re-import with other dwellings: the week's run is a new one, over the new dwellings.
    import_files(client, headers, files(prefix="N"))
    assert client.get(f"/api/v1/runs/{second['id']}", headers=headers).json()["stale"] is True
    r = client.post("/api/v1/offers", json={"proposal_id": _matched(client, headers,
                    second["id"])[0]["id"]}, headers=headers)  # fmt: skip
    assert r.status_code == 409 and "last change: Import (week 48, 2026)" in r.json()["detail"]
    third = _run(client, headers)
    assert third["generation"] == 3
    refs = {p["dwelling_ref"] for p in _matched(client, headers, third["id"])}
    assert refs and all(ref.startswith("N") for ref in refs)


def test_the_quota_report_counts_the_ledger_rows(client: TestClient) -> None:
    """Per organisation × type × year: vacancies reported (each dwelling of each week once),
    claims made, the agreed rate, allowed and the share used; the same in JSON, CSV and Excel."""
    import io

    from openpyxl import load_workbook

    headers = auth(client, "alloc")
    import_files(client, headers, files())
    import_files(client, headers, files())  # the same report again: nothing counted twice
    run = _run(client, headers)
    for offer_id in _offer_all(client, headers, run["id"]):
        client.post(f"/api/v1/offers/{offer_id}/accept", headers=headers)
        client.post(f"/api/v1/offers/{offer_id}/sign", headers=headers)
    planner = auth(client, "planner")
    body = client.get("/api/v1/reports/quotas?year=2026", headers=planner).json()
    lines = {(b["organisation"], b["dwelling_type"]): b for b in body}
    a = lines[("OrgA", "family")]
    claims_year = local_today().year == 2026
    # The organisation's count (8: its report), not the 5 dwellings shown to us: ⌊8 × ¼⌋.
    assert (a["vacancies"], a["rate"], a["allowed"]) == (8, "1/4", 2)
    assert a["claimed"] == (2 if claims_year else 0)
    b = lines[("OrgB", "youth")]  # no agreement: the vacancies shown to us, no limit
    assert (b["vacancies"], b["rate"], b["allowed"]) == (2, None, None)
    csv = client.get("/api/v1/reports/quotas.csv?year=2026", headers=planner)
    assert csv.status_code == 200 and csv.text.splitlines()[0] == (
        "organisation,dwelling_type,period,vacancies,claimed,rate,allowed,share_used"
    )
    assert csv.text.count("OrgA,family,2026,8,") == 1
    xlsx = client.get("/api/v1/reports/quotas.xlsx?year=2026", headers=planner)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]  # type: ignore[union-attr]
    assert rows[0][0] == "organisation" and rows[1][:4] == ["OrgA", "family", "2026", 8]
    assert client.get("/api/v1/reports/quotas?year=1999", headers=planner).status_code == 422
    cw = auth(client, "cw_cti1")
    assert client.get("/api/v1/reports/quotas", headers=cw).status_code == 403


def test_the_quota_report_and_the_quota_page_count_the_same_claims(client: TestClient) -> None:
    """The organisation's report counts 1 claim as of the run date; one signed offer and one
    claim by phone follow, and a phone claim withdrawn counts nowhere: the year's report says
    3 claimed, as the quota page does (it once said 2, leaving out the organisation's count)."""
    headers = auth(client, "alloc")
    import_files(client, headers, files(claimed=1, vacancies=16, as_of="2026-11-23"))
    run = _run(client, headers)
    proposal = next(p for p in _matched(client, headers, run["id"])
                    if p["dwelling_ref"].startswith("A"))  # fmt: skip
    made = client.post("/api/v1/offers", json={"proposal_id": proposal["id"]}, headers=headers)
    assert made.status_code == 201, made.text
    offer_id = made.json()["id"]
    for step in ("accept", "sign"):
        assert client.post(f"/api/v1/offers/{offer_id}/{step}", headers=headers).status_code == 200
    today = local_today().isoformat()
    claim = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
             "claimed_on": today, "note": "anvist pr. telefon"}  # fmt: skip
    kept = client.post("/api/v1/claims", json={**claim, "dwelling_ref": "X-1"}, headers=headers)
    gone = client.post("/api/v1/claims", json={**claim, "dwelling_ref": "X-2"}, headers=headers)
    assert kept.status_code == gone.status_code == 201, (kept.text, gone.text)
    client.post(f"/api/v1/claims/{gone.json()['id']}/withdraw", headers=headers)
    page = next(q for q in client.get("/api/v1/quotas", headers=headers).json()
                if q["organisation"] == "OrgA")  # fmt: skip
    year = local_today().year
    report = client.get(f"/api/v1/reports/quotas?year={year}", headers=headers).json()
    line = next(r for r in report if r["organisation"] == "OrgA")
    if year == 2026:
        assert page["claimed"] == line["claimed"] == 3
        assert (line["vacancies"], line["allowed"]) == (16, 4)


def test_a_team_slot_held_by_an_open_offer_blocks_the_teams_other_youths_in_the_queue(
    client: TestClient,
) -> None:
    """CTI-1 has one free slot: an offer to C01 holds it, so C02's queue says its team has no
    slot (support_capacity), as the capacity page and the next run do; declining frees it."""
    headers = auth(client, "alloc")
    import_files(client, headers, files())

    def blocks(ref: str) -> list[str]:
        return client.get(f"/api/v1/youths/{ref}/queue", headers=headers).json()["blocks"]

    assert blocks("C02") == []
    offer = client.post("/api/v1/offers/override", headers=headers, json={
        "week": WEEK, "youth_ref": "C01", "dwelling_ref": "B1", "reason": "social_assessment",
        "text": "akut", "dispensations": []})  # fmt: skip
    assert offer.status_code == 201, offer.text
    assert blocks("C02") == ["support_capacity"]
    assert blocks("C01") == []  # the slot is held by C01's own offer: nothing blocks them
    declined = client.post(f"/api/v1/offers/{offer.json()['id']}/decline", headers=headers,
                           json={"reason": "other"})  # fmt: skip
    assert declined.status_code == 200, declined.text
    assert blocks("C02") == []


def test_the_diff_says_a_youth_offered_since_is_not_in_the_run_not_that_they_lose_a_home(
    client: TestClient,
) -> None:
    headers = auth(client, "alloc")
    import_files(client, headers, files())
    first = _run(client, headers)
    proposal = _matched(client, headers, first["id"])[0]
    made = client.post("/api/v1/offers", json={"proposal_id": proposal["id"]}, headers=headers)
    assert made.status_code == 201, made.text
    second = _run(client, headers, force=True)
    diff = client.get(f"/api/v1/runs/{second['id']}/diff", headers=headers).json()
    change = next(c for c in diff["changes"] if c["youth_ref"] == proposal["youth_ref"])
    assert (change["kind"], change["after"], change["status"]) == ("out", None, "offered")
    assert all(c["status"] is None for c in diff["changes"] if c["after"] is not None)
    form = client.get("/login")
    client.post("/login", data={"username": "alloc", "password": PASSWORD,
                                "csrf_token": csrf_of(form.text)})  # fmt: skip
    page = client.get(f"/anvisning/koersler/{second['id']}").text
    assert "Ikke med i denne kørsel: har fået et tilbud siden." in page


def test_a_report_carried_into_the_next_files_unchanged_keeps_counting_the_claims_since(
    client: TestClient,
) -> None:
    """The office imports its files again with the organisation's counts unchanged and no
    as_of: that is the report it had, not a new count as of the run date, so a claim made since
    still counts (it was dropped, and the ledger allowed one claim too many). A report whose
    counts moved is a new count and includes the claims up to its date."""
    headers = auth(client, "alloc")
    today = local_today().isoformat()
    case = {**files(), "policy.toml": f'run_date = "{today}"\ndefault_quota_rate = "1/4"\n'}
    import_files(client, headers, case)
    claim = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
             "dwelling_ref": "X-1", "claimed_on": today, "note": "anvist pr. telefon"}  # fmt: skip
    assert client.post("/api/v1/claims", json=claim, headers=headers).status_code == 201

    def org_a() -> tuple[int, int]:
        quota = next(q for q in client.get("/api/v1/quotas", headers=headers).json()
                     if q["organisation"] == "OrgA")  # fmt: skip
        return quota["claimed"], quota["remaining"]

    assert org_a() == (1, 1)
    import_files(client, headers, case)  # the same counts, carried into the next import
    assert org_a() == (1, 1)
    counted = {
        **case,
        "quotas.csv": case["quotas.csv"].replace("OrgA,family,8,0,", "OrgA,family,8,1,"),
    }
    import_files(client, headers, counted)  # the organisation's new count includes the claim
    assert org_a() == (1, 1)


def test_a_youth_whose_every_dwelling_has_no_quota_claim_left_is_blocked_in_the_queue(
    client: TestClient,
) -> None:
    """OrgA/family allows 2 claims; Z01 (31, outside the youth dwellings' age band) fits only
    OrgA's family dwellings. Two claims made by phone use the quota up: Z01's queue says so
    (``quota_exhausted``, as the next run's reason would), Y01 (who also fits OrgB's youth
    dwellings, outside any quota) is not blocked; withdrawing a claim lifts the block."""
    headers = auth(client, "alloc")
    case = files()
    case["youths.csv"] += "Z01,1995-01-01,2025-03-01,couch,job,16000,,none,1,false,none,,,,,,,\n"
    import_files(client, headers, case)

    def blocks(ref: str) -> list[str]:
        return client.get(f"/api/v1/youths/{ref}/queue", headers=headers).json()["blocks"]

    assert blocks("Z01") == [] and blocks("Y01") == []
    claims = []
    for ref in ("X-201", "X-202"):
        body = {"organisation": "OrgA", "dwelling_type": "family", "department": "OrgA-9",
                "dwelling_ref": ref, "claimed_on": local_today().isoformat(),
                "note": "anvist pr. telefon"}  # fmt: skip
        r = client.post("/api/v1/claims", json=body, headers=headers)
        assert r.status_code == 201, r.text
        claims.append(r.json()["id"])
    assert blocks("Z01") == ["quota_exhausted"]
    assert blocks("Y01") == []
    run = client.post("/api/v1/runs", json={"week": WEEK, "force": True}, headers=headers)
    done = wait_for_run(client, run.json()["id"], headers)
    proposals = client.get(f"/api/v1/runs/{done['id']}/proposals", headers=headers).json()
    assert next(p for p in proposals if p["youth_ref"] == "Z01")["reason"] == "quota_exhausted"
    assert client.post(f"/api/v1/claims/{claims[0]}/withdraw", headers=headers).status_code == 200
    assert blocks("Z01") == []
