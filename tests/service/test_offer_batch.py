"""Batch offers (issue 13): several proposals of a run become offers in one transaction through
the single offer's use case, all or none, with every failing proposal named; on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service import db
from service.models import AuditEvent, Offer, Proposal, YouthRecord, local_today
from service.usecases.errors import InvalidRequest
from service.usecases.offer_batch import MAX_EXPIRY_DAYS, BatchRefused, make_offers
from service.usecases.offers import make_offer

from .conftest import auth, import_fixture, run_week, wait_for_run


def _matches(run_id: int) -> list[Proposal]:
    with Session(db.get_engine()) as s:
        query = select(Proposal).where(
            Proposal.run_id == run_id, col(Proposal.dwelling_ref).is_not(None)
        )
        return list(s.exec(query.order_by(col(Proposal.id))).all())


def _offers() -> list[Offer]:
    with Session(db.get_engine()) as s:
        return list(s.exec(select(Offer).order_by(col(Offer.id))).all())


def _statuses(refs: list[str]) -> dict[str, str]:
    with Session(db.get_engine()) as s:
        rows = s.exec(select(YouthRecord).where(col(YouthRecord.ref).in_(refs))).all()
        return {y.ref: y.status for y in rows}


def test_a_batch_is_all_or_none_and_names_every_proposal_that_fails(client: TestClient) -> None:
    import_fixture(client)
    run = run_week(client)
    matches = _matches(run["id"])
    assert len(matches) >= 4
    a, b, c, d = (m.id for m in matches[:4])
    assert a is not None and b is not None and c is not None and d is not None
    today = local_today()
    due = today + timedelta(days=5)
    refs = [m.youth_ref for m in matches[:4]]
    # One of them is offered on its own first: its youth is no longer waiting.
    with Session(db.get_engine()) as s:
        make_offer(s, b, "alloc", 7)
        s.commit()
    before = _statuses(refs)

    with Session(db.get_engine()) as s, pytest.raises(BatchRefused) as refused:
        make_offers(s, run["id"], [a, b, c, 999_999], "alloc", due, today)
    failures = refused.value.failures
    assert [f.proposal_id for f in failures] == [b, 999_999]  # in the order chosen
    assert failures[0].youth_ref == matches[1].youth_ref
    assert failures[0].problem.code == "youth_not_waiting"
    assert "venter ikke længere (Har fået tilbud)" in failures[0].text("da")
    assert failures[1].problem.code == "not_in_run" and "999999" in failures[1].text("da")
    assert len(_offers()) == 1 and _statuses(refs) == before  # nothing of the batch was made

    # The answer date and the selection are checked before anything is tried.
    for bad_day in (today, today + timedelta(days=MAX_EXPIRY_DAYS + 1)):
        with Session(db.get_engine()) as s, pytest.raises(InvalidRequest) as invalid:
            make_offers(s, run["id"], [a], "alloc", bad_day, today)
        assert "Svarfristen skal ligge fra" in invalid.value.texts("da")[0]
    with Session(db.get_engine()) as s, pytest.raises(InvalidRequest) as invalid:
        make_offers(s, run["id"], [], "alloc", due, today)
    assert invalid.value.texts("da") == ["Vælg mindst ét forslag."]

    # The rest in one step: every one offered, with the date given, audited one by one.
    with Session(db.get_engine()) as s:
        made = make_offers(s, run["id"], [a, c, d, a], "alloc", due, today)
        s.commit()
        assert [o.proposal_id for o in made] == [a, c, d]
    offers = _offers()
    assert [o.proposal_id for o in offers] == [b, a, c, d]
    assert {o.expires_on for o in offers[1:]} == {due}
    assert all(o.created_by == "alloc" and o.state == "offered" for o in offers)
    assert set(_statuses(refs).values()) == {"offered"}
    with Session(db.get_engine()) as s:
        created = s.exec(select(AuditEvent).where(AuditEvent.action == "offer.create")).all()
    assert len(created) == 4

    # A proposal of another run is refused (not offered from the wrong run's page).
    second = run_week_forced(client)
    with Session(db.get_engine()) as s, pytest.raises(BatchRefused) as refused:
        make_offers(s, second, [d], "alloc", due, today)
    assert refused.value.failures[0].problem.code == "not_in_run"


def run_week_forced(client: TestClient) -> int:
    headers = auth(client, "alloc")
    r = client.post("/api/v1/runs", json={"week": "2026-W48", "force": True}, headers=headers)
    assert r.status_code == 202, r.text
    return int(wait_for_run(client, r.json()["id"], headers)["id"])
