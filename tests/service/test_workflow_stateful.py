"""The week's workflow as a state machine (hypothesis ``RuleBasedStateMachine``) over the use
cases the API and the pages call: import, re-import, run, forced run, offer, an offer outside
the proposal, accept, decline, expire, sign and move-in, the allocator's pins and their
revocation, and the case lifecycle's register (a
youth or a vacancy, a good or a bad row), edit, withdraw (with a coded reason) and reopen, in
random order, on SQLite and PostgreSQL. After every step:

- no workflow step pushes a § 59 quota group's claims, or its claims and holds, past what it
  allows, and none pushes a CTI/ACT team's caseload, or its caseload and holds, past its cap
  (an import is the organisations' and teams' own report: it may say anything, and over a
  limit the counts must then not grow);
- no youth and no dwelling has two live offers;
- a run request without ``force`` never hands back a stale run, and an offer from a stale run
  is always refused;
- every change is in the audit log (one event of its action per change);
- a withdrawn youth holds no open offer and is in no current run's proposals;
- no current run proposes a pair whose youth declined an offer of that dwelling (unless pinned);
- every run finishes: a pin the week can no longer honour is set aside, not fatal, and a
  current run proposes exactly the pins its snapshot holds (40 examples: at 8 the machine did
  not meet a pin outrun by a later claim or offer, the failure this found).

To add a rule (withdraw, register, …): a ``@rule`` that calls the use case through
:meth:`Workflow.attempt` with the audit action it must leave; the invariants need no change.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from service import db
from service.models import (
    AgreementRate,
    AuditEvent,
    ClaimRecord,
    DecisionRecord,
    DwellingRecord,
    ExpectedWaitResult,
    Offer,
    OverrideReason,
    Proposal,
    QuotaRecord,
    Run,
    TeamRecord,
    VacancyRecord,
    WeekPolicy,
    WithdrawReason,
    WorkStatus,
    YouthRecord,
)
from service.usecases import decisions, ledger, lifecycle
from service.usecases.data import stored_policy
from service.usecases.errors import ConflictError, InvalidRequest, NotFoundError
from service.usecases.imports import import_uploads
from service.usecases.offers import make_offer, make_override, transition
from service.usecases.runs import execute_run, is_stale, request_run
from solver.domain import DeclineReason

from .ledger_case import WEEK, files

ACTOR = "alloc"
LIVE = ("offered", "accepted", "signed", "moved_in")
# Re-imports of the week: other dwellings, a lower or higher quota report, a fuller team.
VARIANTS: list[dict[str, Any]] = [
    {},
    {"prefix": "N"},
    {"vacancies": 4, "claimed": 1},
    {"vacancies": 12},
    {"caseload": 8},
    {"n_a": 2, "n_b": 1},
]
# Tables a fresh example starts without (the audit log is append-only: counted by difference).
TABLES = (ClaimRecord, Offer, Proposal, Run, DecisionRecord, DwellingRecord, YouthRecord,
          TeamRecord, QuotaRecord, WeekPolicy, VacancyRecord, AgreementRate,
          ExpectedWaitResult)  # fmt: skip


class Workflow(RuleBasedStateMachine):
    engine: Engine

    def __init__(self) -> None:
        super().__init__()
        with Session(self.engine) as s:
            for table in TABLES:
                s.execute(delete(table))
            s.commit()
        self.before: dict[tuple[str, str], tuple[int, int]] = {}
        self.teams_before: dict[str, tuple[int, int]] = {}
        self.reported = False  # the last step was an import (the organisations' own counts)
        self.registered = 0

    # -- the steps -------------------------------------------------------------------------

    def attempt(self, action: str, call: Callable[[Session], Any]) -> bool:
        """Run ``call`` in one session and commit it; a refusal (409/404) rolls back. True when
        it went through, which must have audited exactly one ``action`` event."""
        before = self._audited(action)
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                call(s)
                s.commit()
            except (ConflictError, NotFoundError, InvalidRequest):
                s.rollback()
                assert self._audited(action) == before
                return False
        assert self._audited(action) == before + 1, f"{action} not audited"
        return True

    def _audited(self, action: str) -> int:
        with Session(self.engine) as s:
            query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            return int(s.execute(query).scalar_one())

    @rule(variant=st.sampled_from(VARIANTS))
    def import_week(self, variant: dict[str, Any]) -> None:
        uploads = [(name, body.encode()) for name, body in files(**variant).items()]
        assert self.attempt("import", lambda s: import_uploads(s, uploads, ACTOR))
        self.reported = True

    @rule(force=st.booleans())
    def run(self, force: bool) -> None:
        with Session(self.engine) as s:
            imported = s.get(WeekPolicy, WEEK) is not None
        if not imported:
            with pytest.raises(ConflictError):
                request_run(self.engine, WEEK, ACTOR, force)
            return
        before = self._audited("run.request")
        run, created = request_run(self.engine, WEEK, ACTOR, force)
        assert self._audited("run.request") == before + (1 if created else 0)
        if created:
            assert run.id is not None
            execute_run(self.engine, run.id)
        with Session(self.engine) as s:
            current = s.get(Run, run.id)
            assert current is not None
            assert not is_stale(s, current), "a run request handed back a stale run"
            assert current.status == WorkStatus.DONE.value, current.error

    @rule(data=st.data())
    def offer(self, data: st.DataObject) -> None:
        with Session(self.engine) as s:
            proposals = s.exec(
                select(Proposal.id, Proposal.run_id)
                .where(col(Proposal.dwelling_ref).is_not(None))
                .order_by(col(Proposal.id))
            ).all()
            if not proposals:
                return
            proposal_id, run_id = data.draw(st.sampled_from(proposals))
            run = s.get(Run, run_id)
            assert run is not None
            stale = is_stale(s, run)
        made = self.attempt("offer.create", lambda s: make_offer(s, proposal_id, ACTOR, 14))
        assert not (made and stale), "an offer from a stale run went through"

    @rule(data=st.data())
    def override(self, data: st.DataObject) -> None:
        """An offer the run did not propose (any waiting youth, any vacant dwelling): only the
        ledger stands between it and the quota or the team's cap."""
        with Session(self.engine) as s:
            youths = s.exec(select(YouthRecord.ref).where(YouthRecord.status == "waiting")).all()
            dwellings = s.exec(
                select(DwellingRecord.ref).where(
                    DwellingRecord.week == WEEK, DwellingRecord.status == "vacant"
                )
            ).all()
        if not youths or not dwellings:
            return
        youth = data.draw(st.sampled_from(sorted(youths)))
        dwelling = data.draw(st.sampled_from(sorted(dwellings)))
        self.attempt("offer.override", lambda s: make_override(
            s, WEEK, youth, dwelling, OverrideReason.SOCIAL_ASSESSMENT, "akut", [], ACTOR, 14))  # fmt: skip

    @rule(data=st.data(), action=st.sampled_from(["accept", "decline", "expire", "sign",
                                                  "move_in"]))  # fmt: skip
    def act(self, data: st.DataObject, action: str) -> None:
        with Session(self.engine) as s:
            offers = s.exec(select(Offer.id).order_by(col(Offer.id))).all()
        if not offers:
            return
        offer_id = data.draw(st.sampled_from(offers))
        reason = DeclineReason.OTHER if action == "decline" else None
        self.attempt(f"offer.{action}",
                     lambda s: transition(s, offer_id, action, ACTOR, reason))  # fmt: skip

    @rule(data=st.data())
    def pin(self, data: st.DataObject) -> None:
        """The allocator's pin of any waiting youth to any vacant dwelling: refused when it is
        not eligible or over a capacity now; a later claim, offer or import may take its room,
        and the run then sets it aside (the ``run`` rule asserts every run finishes)."""
        youths, dwellings = self._youths("waiting"), self._vacant()
        if youths and dwellings:
            youth = data.draw(st.sampled_from(youths))
            dwelling = data.draw(st.sampled_from(dwellings))
            self.attempt("decision.create", lambda s: decisions.add(
                s, WEEK, ACTOR, "pin", youth, dwelling, "aftalt på mødet"))  # fmt: skip

    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        with Session(self.engine) as s:
            ids = sorted(d.id for d in decisions.active(s, WEEK) if d.id is not None)
        if ids:
            decision_id = data.draw(st.sampled_from(ids))
            self.attempt("decision.revoke", lambda s: decisions.revoke(s, decision_id, ACTOR))

    # -- the case lifecycle ------------------------------------------------------------------

    @rule(good=st.booleans(), cti=st.booleans())
    def register_youth(self, good: bool, cti: bool) -> None:
        """A new youth (a bad row is refused whole, nothing audited); a CTI youth competes for
        the team's slot."""
        self.registered += 1
        row = {"ref": f"R{self.registered:02d}", "birth_date": "2003-05-01",
               "referred_on": "2025-06-01" if good else "2025-02-30", "situation": "street",
               "income_type": "su", "monthly_income": 6800, "support_method": "none"}  # fmt: skip
        if cti:
            row.update(support_method="CTI", support_team="CTI-1")
        made = self.attempt("youth.create", lambda s: lifecycle.register_youth(s, ACTOR, row))
        assert good or not made

    @rule(family=st.booleans())
    def register_vacancy(self, family: bool) -> None:
        """A vacancy in the week (in organisation A's quota group or B's free one): the quota
        allows what the organisation reported, whatever is registered one by one."""
        self.registered += 1
        org, kind = ("OrgA", "family") if family else ("OrgB", "youth")
        row = {"ref": f"V{self.registered:02d}", "organisation": org, "area": "Syd",
               "dwelling_type": kind, "rooms": 2, "rent": 2500, "utilities": 200,
               "available_from": "2026-11-23"}  # fmt: skip
        self.attempt("dwelling.create", lambda s: lifecycle.register_dwelling(s, ACTOR, WEEK, row))

    @rule(data=st.data())
    def edit_youth(self, data: st.DataObject) -> None:
        refs = self._youths()
        if refs:
            ref = data.draw(st.sampled_from(refs))
            ceiling = data.draw(st.sampled_from([None, 2600, 3400]))
            self.attempt("youth.edit", lambda s: lifecycle.edit_youth(
                s, ACTOR, ref, {"rent_ceiling": ceiling}))  # fmt: skip

    @rule(data=st.data(), reason=st.sampled_from(list(WithdrawReason)))
    def withdraw(self, data: st.DataObject, reason: WithdrawReason) -> None:
        """Any youth: a waiting or offered one leaves (their open offers with them), a housed
        or withdrawn one is refused."""
        refs = self._youths()
        offered = self._youths("offered")
        if offered and data.draw(st.booleans()):  # often one with an open offer
            refs = offered
        if refs:
            ref = data.draw(st.sampled_from(refs))
            self.attempt("youth.withdraw", lambda s: lifecycle.withdraw_youth(
                s, ACTOR, ref, reason.value, "flyttet"))  # fmt: skip

    @rule(data=st.data())
    def reopen(self, data: st.DataObject) -> None:
        refs = self._youths()
        if refs:
            ref = data.draw(st.sampled_from(refs))
            self.attempt("youth.reopen", lambda s: lifecycle.reopen_youth(s, ACTOR, ref))

    def _vacant(self) -> list[str]:
        with Session(self.engine) as s:
            return sorted(s.exec(select(DwellingRecord.ref).where(
                DwellingRecord.week == WEEK, DwellingRecord.status == "vacant")).all())  # fmt: skip

    def _youths(self, status: str | None = None) -> list[str]:
        query = select(YouthRecord.ref)
        if status is not None:
            query = query.where(YouthRecord.status == status)
        with Session(self.engine) as s:
            return sorted(s.exec(query).all())

    # -- after every step ------------------------------------------------------------------

    @invariant()
    def the_ledger_is_never_passed(self) -> None:
        with Session(self.engine) as s:
            record = s.get(WeekPolicy, WEEK)
            if record is None:
                return
            policy = stored_policy(record)
            groups = ledger.groups(s, policy)
            teams = ledger.teams(s, policy)
        now = {k: (g.claimed, g.claimed + g.held) for k, g in groups.items()}
        team_now = {name: (t.caseload, t.caseload + t.held) for name, t in teams.items()}
        if self.reported:  # a report may say anything: the counts after it are the baseline
            self.before, self.teams_before, self.reported = now, team_now, False
            return
        for key, g in groups.items():
            claimed, taken = now[key]
            was_claimed, was_taken = self.before.get(key, (0, 0))
            assert claimed <= g.allowed or claimed <= was_claimed, (key, g)
            assert taken <= g.allowed or taken <= was_taken, (key, g)
        self.before = now
        for name, t in teams.items():
            if t.slots is None or t.cap is None:
                continue
            total = t.workers * t.cap
            caseload, taken = team_now[name]
            was_caseload, was_taken = self.teams_before.get(name, (0, 0))
            assert caseload <= total or caseload <= was_caseload, (name, t)
            assert taken <= total or taken <= was_taken, (name, t)
        self.teams_before = team_now

    @invariant()
    def nobody_has_two_live_offers(self) -> None:
        with Session(self.engine) as s:
            live = s.exec(select(Offer).where(col(Offer.state).in_(LIVE))).all()
        youths = Counter(o.youth_ref for o in live)
        dwellings = Counter((o.week, o.dwelling_ref) for o in live)
        assert max(youths.values(), default=0) <= 1, youths
        assert max(dwellings.values(), default=0) <= 1, dwellings

    @invariant()
    def a_withdrawn_youth_is_out_of_the_pool(self) -> None:
        with Session(self.engine) as s:
            gone = set(
                s.exec(select(YouthRecord.ref).where(YouthRecord.status == "withdrawn")).all()
            )
            if not gone:
                return
            open_offers = s.exec(
                select(Offer.youth_ref).where(col(Offer.state).in_(("offered", "accepted")))
            ).all()
            assert not gone & set(open_offers), "a withdrawn youth holds an open offer"
            for run in s.exec(select(Run).where(Run.status == WorkStatus.DONE.value)).all():
                if is_stale(s, run):
                    continue
                proposed = s.exec(select(Proposal.youth_ref).where(Proposal.run_id == run.id))
                assert not gone & set(proposed.all()), "a current run proposes a withdrawn youth"

    @invariant()
    def a_current_run_honours_its_pins_or_says_why_not(self) -> None:
        """Every pin a current run's snapshot holds is proposed as pinned; every pin it set
        aside is a decision in force that the snapshot no longer holds."""
        with Session(self.engine) as s:
            in_force = {d.id: (d.youth_ref, d.unit_ref) for d in decisions.active(s, WEEK)}
            for run in s.exec(select(Run).where(Run.status == WorkStatus.DONE.value)).all():
                if is_stale(s, run):
                    continue
                pins = {(r[0], r[1]) for r in _rows(run.input_snapshot.get("decisions.csv", ""))
                        if r[2] == "pin"}  # fmt: skip
                pinned = set(s.exec(select(Proposal.youth_ref, Proposal.dwelling_ref).where(
                    Proposal.run_id == run.id, Proposal.reason == "pin")).all())  # fmt: skip
                assert pinned == pins, (pinned, pins)
                for aside in (run.params or {}).get("set_aside", []):
                    assert aside["decision"] in in_force, aside
                    assert in_force[aside["decision"]] not in pins, aside

    @invariant()
    def a_current_run_does_not_propose_a_declined_pair_again(self) -> None:
        """No declined pair is proposed by a run of the data since the decline, unless the
        allocator pinned it (the youth changed their mind)."""
        with Session(self.engine) as s:
            declined = set(
                s.exec(select(Offer.youth_ref, Offer.dwelling_ref).where(Offer.state == "declined"))
            )
            declined -= {(d.youth_ref, d.unit_ref) for d in decisions.active(s, WEEK)}
            if not declined:
                return
            for run in s.exec(select(Run).where(Run.status == WorkStatus.DONE.value)).all():
                if is_stale(s, run):
                    continue
                pairs = s.exec(
                    select(Proposal.youth_ref, Proposal.dwelling_ref).where(
                        Proposal.run_id == run.id
                    )
                )
                assert not declined & set(pairs), "a current run proposes a declined pair"


def _rows(text: str) -> list[list[str]]:
    """A snapshot file's data rows (youth_ref, unit_ref, kind, reason for decisions.csv)."""
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.mark.parametrize("steps", [25])
def test_the_workflow_keeps_the_law_and_its_records(database_url: str, steps: int) -> None:
    Workflow.engine = db.get_engine()
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=40,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
