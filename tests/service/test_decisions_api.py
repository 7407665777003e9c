"""The allocator decides, through the API: pins and bans with a re-run and its diff, offers
outside the proposal with reasons and dispensations, the priority scheme, the deposit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import db
from service.models import AuditEvent
from service.usecases.data import live_case
from solver.engine.eligibility import compute_eligibility

from .conftest import auth, import_fixture, run_week, wait_for_run

WEEK = "2026-W48"


def _proposals(client: TestClient, run_id: int) -> dict[str, dict]:
    rows = client.get(f"/api/v1/runs/{run_id}/proposals", headers=auth(client, "alloc")).json()
    return {p["youth_ref"]: p for p in rows}


def _rerun(client: TestClient) -> dict:
    headers = auth(client, "alloc")
    r = client.post("/api/v1/runs", json={"week": WEEK, "force": True}, headers=headers)
    assert r.status_code == 202, r.text
    return wait_for_run(client, r.json()["id"], headers)


def _eligible_pairs() -> set[tuple[str, str]]:
    with Session(db.get_engine()) as s:
        case = live_case(s)
    elig = compute_eligibility(case)
    return {
        (case.youths[int(y)].ref, case.units[int(u)].ref)
        for y, u in zip(elig.youth_idx, elig.unit_idx, strict=True)
    }


def _actions(actor: str) -> list[str]:
    with Session(db.get_engine()) as s:
        return [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.actor == actor))]


def test_a_pin_and_a_ban_steer_the_rerun_and_the_diff_says_who_is_in_and_out(
    client: TestClient,
) -> None:
    import_fixture(client)
    first = run_week(client)
    before = _proposals(client, first["id"])
    holder_of = {p["dwelling_ref"]: y for y, p in before.items() if p["dwelling_ref"]}
    # An unhoused youth who fits a dwelling another youth was proposed.
    youth, unit = next(
        (y, u)
        for y, u in sorted(_eligible_pairs())
        if before[y]["dwelling_ref"] is None and u in holder_of
    )
    displaced = holder_of[unit]
    headers = auth(client, "alloc")
    pin = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                      json={"kind": "pin", "youth_ref": youth, "unit_ref": unit,
                            "reason": "case conference: the youth's network is in this area"})  # fmt: skip
    assert pin.status_code == 201, pin.text
    ban = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                      json={"kind": "ban", "youth_ref": displaced, "unit_ref": unit,
                            "reason": "the landlord refused"})  # fmt: skip
    assert ban.status_code == 201, ban.text
    listed = client.get(f"/api/v1/weeks/{WEEK}/decisions", headers=headers).json()
    assert [(d["kind"], d["youth_ref"]) for d in listed] == [("pin", youth), ("ban", displaced)]

    second = _rerun(client)
    after = _proposals(client, second["id"])
    assert after[youth]["dwelling_ref"] == unit and after[youth]["reason"] == "pin"
    assert "network" in after[youth]["detail"]
    assert after[displaced]["dwelling_ref"] != unit
    diff = client.get(f"/api/v1/runs/{second['id']}/diff", headers=headers).json()
    assert diff["against"] == first["id"]
    kinds = {c["youth_ref"]: c["kind"] for c in diff["changes"]}
    assert kinds[youth] == "in"
    assert kinds[displaced] in ("out", "moved")
    assert {"decision.create"} <= set(_actions("alloc"))

    revoked = client.delete(f"/api/v1/decisions/{pin.json()['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_by"] == "alloc"
    assert len(client.get(f"/api/v1/weeks/{WEEK}/decisions", headers=headers).json()) == 1


def test_a_decision_that_breaks_a_rule_is_refused_naming_the_field(client: TestClient) -> None:
    import_fixture(client)
    headers = auth(client, "alloc")
    pairs = _eligible_pairs()
    with Session(db.get_engine()) as s:
        case = live_case(s)
    youth, unit = next(
        (y.ref, u.ref) for y in case.youths for u in case.units if (y.ref, u.ref) not in pairs
    )
    r = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                    json={"kind": "pin", "youth_ref": youth, "unit_ref": unit, "reason": "x"})  # fmt: skip
    assert r.status_code == 422
    assert "does not fit the dwelling" in r.json()["detail"]
    unknown = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=headers,
                          json={"kind": "ban", "youth_ref": "NOBODY", "reason": "x"})  # fmt: skip
    assert unknown.status_code == 422 and "youth_ref" in unknown.json()["detail"]
    planner = client.post(f"/api/v1/weeks/{WEEK}/decisions", headers=auth(client, "planner"),
                          json={"kind": "ban", "youth_ref": youth, "reason": "x"})  # fmt: skip
    assert planner.status_code == 403


def test_an_offer_outside_the_proposal_needs_a_reason_and_keeps_the_hard_rules(
    client: TestClient,
) -> None:
    import_fixture(client, "copenhagen")
    run = run_week(client)
    proposals = _proposals(client, run["id"])
    proposed = {(y, p["dwelling_ref"]) for y, p in proposals.items()}
    headers = auth(client, "alloc")
    with Session(db.get_engine()) as s:
        case = live_case(s)
    pairs = _eligible_pairs()
    # An eligible pair the run did not propose, between a youth and a dwelling both unoffered,
    # with room in the quota and the team; and one whose quota has no claim left.
    housed = {p["dwelling_ref"] for p in proposals.values() if p["dwelling_ref"]}
    quotas, teams = case.quota_by_key(), case.team_by_name()
    units = {u.ref: u for u in case.units}
    youths = {y.ref: y for y in case.youths}

    def room(y: str, u: str) -> bool:
        q = quotas.get((units[u].organisation, units[u].dwelling_type))
        team = teams.get(youths[y].support_team or "")
        slots = case.policy.free_slots(team) if team else None
        return (q is None or q.remaining(case.policy.default_quota_rate) > 0) and slots != 0

    free = [
        (y, u) for y, u in sorted(pairs)
        if (y, u) not in proposed and u not in housed and proposals[y]["dwelling_ref"] is None
    ]  # fmt: skip
    youth, unit = next((y, u) for y, u in free if room(y, u))
    full = next(((y, u) for y, u in free if not room(y, u) and y != youth and u != unit), None)
    body = {"week": WEEK, "youth_ref": youth, "dwelling_ref": unit, "reason": "social_assessment",
            "text": "known to the office; the network is close", "dispensations": []}  # fmt: skip
    made = client.post("/api/v1/offers/override", json=body, headers=headers)
    assert made.status_code == 201, made.text
    offer = made.json()
    assert offer["proposal_id"] is None and offer["override_reason"] == "social_assessment"
    dwelling = next(u for u in case.units if u.ref == unit)
    assert offer["deposit"] == dwelling.deposit
    assert "offer.override" in _actions("alloc")
    if full is not None:  # the quota and the team's capacity are never waived
        over = client.post("/api/v1/offers/override", headers=headers,
                           json={**body, "youth_ref": full[0], "dwelling_ref": full[1]})  # fmt: skip
        assert over.status_code == 409
        assert "no claim left" in over.json()["detail"] or "no free slot" in over.json()["detail"]

    # Pairs the hard rules forbid: refused with the rule named; a rule the policy lists as
    # waivable may be dispensed with explicitly (and is recorded); the others never.
    from solver.domain import RULE_CODES
    from solver.engine.eligibility import rules_rejecting

    index_y = {y.ref: i for i, y in enumerate(case.youths)}
    index_u = {u.ref: j for j, u in enumerate(case.units)}
    taken = {youth, unit}
    blocked = [
        (y.ref, u.ref, rules_rejecting(case, index_y[y.ref], index_u[u.ref]))
        for y in case.youths[:200] for u in case.units
        if proposals[y.ref]["dwelling_ref"] is None and u.ref not in housed
        and not {y.ref, u.ref} & taken and room(y.ref, u.ref)
    ]  # fmt: skip
    waivable = set(case.policy.waivable)
    y2, u2, _ = next(b for b in blocked if b[2] and not set(b[2]) <= waivable)
    bad = client.post("/api/v1/offers/override", headers=headers,
                      json={**body, "youth_ref": y2, "dwelling_ref": u2})  # fmt: skip
    assert bad.status_code == 422 and "does not fit the youth" in bad.json()["detail"]
    assert "no dispensation is possible" in bad.json()["detail"]
    everything = client.post("/api/v1/offers/override", headers=headers,
                             json={**body, "youth_ref": y2, "dwelling_ref": u2,
                                   "dispensations": list(RULE_CODES)})  # fmt: skip
    assert everything.status_code == 422
    assert "no dispensation is possible" in everything.json()["detail"]
    waived = next(b for b in blocked if b[2] and set(b[2]) <= waivable)
    undispensed = client.post("/api/v1/offers/override", headers=headers,
                              json={**body, "youth_ref": waived[0], "dwelling_ref": waived[1]})  # fmt: skip
    assert undispensed.status_code == 422
    assert "allows a dispensation from that rule" in undispensed.json()["detail"]
    y3, u3, rules3 = next(b for b in blocked if b[2] and set(b[2]) <= waivable and y2 != b[0])
    dispensed = client.post("/api/v1/offers/override", headers=headers,
                            json={**body, "youth_ref": y3, "dwelling_ref": u3,
                                  "dispensations": rules3})  # fmt: skip
    assert dispensed.status_code == 201, dispensed.text
    assert dispensed.json()["dispensations"] == rules3
    no_text = client.post("/api/v1/offers/override", headers=headers, json={**body, "text": " "})
    assert no_text.status_code == 422


def test_the_priority_scheme_is_chosen_per_week_and_the_run_follows_it(
    client: TestClient,
) -> None:
    import_fixture(client)
    headers = auth(client, "alloc")
    assert (
        client.get(f"/api/v1/weeks/{WEEK}/priority", headers=headers).json()["name"] == "standard"
    )
    r = client.put(f"/api/v1/weeks/{WEEK}/priority", json={"preset": "situation"}, headers=headers)
    assert r.status_code == 200 and r.json()["order"] == ["urgency", "situation", "waiting"]
    assert client.put(f"/api/v1/weeks/{WEEK}/priority", json={"preset": "lottery"},
                      headers=headers).status_code == 422  # fmt: skip
    run = run_week(client)
    with Session(db.get_engine()) as s:
        from service.models import Run

        stored = s.get(Run, run["id"])
        assert stored is not None
        assert 'order = ["urgency", "situation", "waiting"]' in stored.input_snapshot["policy.toml"]
    assert "policy.priority" in _actions("alloc")
