"""The § 59 ledger and the CTI/ACT teams' slots: what is allowed, claimed, held and left.

A quota group (organisation × dwelling type) allows ⌊rate × vacancies⌋ claims, the counts being
the organisation's latest report (``QuotaRecord``, quotas.csv). Claimed = the report's
``claimed`` + the municipality's own claims not yet in it (rows of ``claim`` dated after the
report's ``as_of``, or recorded after the report was imported). An open offer (offered or
accepted) *holds* its claim and its CTI/ACT team slot until it is declined or expires; signing
turns the hold into a claim row (``usecases.offers``); a claim the municipality made outside
Boligmatch is a row too, recorded by hand (``usecases.claims``), and a withdrawn row counts
nowhere. Remaining = allowed − claimed − held
(``../shared/case-format.md``, quotas.csv). Counts are derived from rows; nothing here is a
counter an import could overwrite.

One mechanism for every check (run snapshot, offer, override, accept, sign): :func:`lock` the
groups and teams a change touches, then read and check in the same transaction. PostgreSQL:
``SELECT … FOR UPDATE`` on the group's ``quota`` row and the team's ``team`` row, in key order
(so two requests never deadlock). SQLite: a write to the data-version row first, which takes the
database's write lock for the rest of the transaction (the driver begins the transaction at the
first write; reads before it run outside any transaction). Either way two requests can never
both pass the last claim or slot: the second reads after the first committed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import and_, case, func, or_, tuple_, update
from sqlmodel import Session, col, select

from solver.domain import Policy, SupportMethod, SupportTeam

from ..models import (
    ClaimRecord,
    DwellingRecord,
    Offer,
    OfferState,
    PoolVersion,
    QuotaRecord,
    TeamRecord,
    YouthRecord,
)
from .errors import ConflictError, Problem

GroupKey = tuple[str, str]  # (organisation, dwelling type)
OPEN = (OfferState.OFFERED.value, OfferState.ACCEPTED.value)
LIMITED = (SupportMethod.CTI.value, SupportMethod.ACT.value)


@dataclass(frozen=True)
class GroupState:
    organisation: str
    dwelling_type: str
    vacancies: int
    rate: Fraction
    rate_default: bool  # the policy's rate (the report gave none)
    as_of: date | None
    reported_claimed: int  # the organisation's count as of ``as_of``
    own_claims: int  # the municipality's claims since (claim rows)
    held: int  # open offers
    accepted: int  # of which accepted

    @property
    def allowed(self) -> int:
        """⌊rate × vacancies⌋ (almenboligloven § 59 stk. 3 [003:463])."""
        return math.floor(self.rate * self.vacancies)

    @property
    def claimed(self) -> int:
        return self.reported_claimed + self.own_claims

    @property
    def remaining(self) -> int:
        return max(0, self.allowed - self.claimed - self.held)

    @property
    def label(self) -> str:
        return f"{self.organisation}/{self.dwelling_type}"


@dataclass(frozen=True)
class TeamState:
    team: str
    method: str
    workers: int
    cap: int | None  # per worker
    caseload: int
    slots: int | None  # free before holds (policy.free_slots); None = not limited (ICM)
    held: int  # open offers to the team's youths
    accepted: int

    @property
    def free(self) -> int | None:
        return None if self.slots is None else max(0, self.slots - self.held)


def lock(session: Session, groups: Iterable[GroupKey] = (), teams: Iterable[str] = ()) -> None:
    """Serialise the ledger checks of ``groups`` and ``teams`` until the transaction ends.
    Call it before reading the counts it guards."""
    keys = sorted(set(groups))
    names = sorted({t for t in teams if t})
    if session.get_bind().dialect.name == "sqlite":
        # The database's one write lock, taken now (not at the transaction's first real write).
        session.execute(
            update(PoolVersion)
            .where(col(PoolVersion.id) == 1)
            .values(token=PoolVersion.token)
            .execution_options(synchronize_session=False)
        )
        return
    if keys:
        pair = tuple_(col(QuotaRecord.organisation), col(QuotaRecord.dwelling_type))
        session.execute(
            select(QuotaRecord.organisation)
            .where(pair.in_(keys))
            .order_by(col(QuotaRecord.organisation), col(QuotaRecord.dwelling_type))
            .with_for_update()
        ).all()
    if names:
        session.execute(
            select(TeamRecord.team)
            .where(col(TeamRecord.team).in_(names))
            .order_by(col(TeamRecord.team))
            .with_for_update()
        ).all()


def lock_all(session: Session) -> None:
    """Lock every group and team (an import, which rewrites the reports): :func:`lock` of all
    of them, their rows locked in the same order, without reading them first (issue 15)."""
    if session.get_bind().dialect.name == "sqlite":
        lock(session)  # the database's one write lock
        return
    quota, team = QuotaRecord.__table__, TeamRecord.__table__  # type: ignore[attr-defined]
    session.execute(
        select(quota.c.organisation)
        .order_by(quota.c.organisation, quota.c.dwelling_type)
        .with_for_update()
    ).all()
    session.execute(select(team.c.team).order_by(team.c.team).with_for_update()).all()


def _held_by_group(session: Session) -> dict[GroupKey, tuple[int, int]]:
    """Open offers per group: (held, of which accepted)."""
    accepted = func.sum(case((col(Offer.state) == OfferState.ACCEPTED.value, 1), else_=0))
    rows = session.execute(
        select(DwellingRecord.organisation, DwellingRecord.dwelling_type, func.count(), accepted)
        .select_from(Offer)
        .join(
            DwellingRecord,
            and_(
                col(DwellingRecord.week) == col(Offer.week),
                col(DwellingRecord.ref) == col(Offer.dwelling_ref),
            ),
        )
        .where(col(Offer.state).in_(OPEN))
        .group_by(col(DwellingRecord.organisation), col(DwellingRecord.dwelling_type))
    ).all()
    return {(o, t): (int(n), int(a or 0)) for o, t, n, a in rows}


def _own_claims(session: Session) -> dict[GroupKey, int]:
    """Per group, the claim rows its report does not count yet: claimed after the report's
    ``as_of`` or recorded after the import that brought it (every claim when it has neither); a
    withdrawn claim counts nowhere. One grouped query for every group (a query per group cost
    more than a city's engine)."""
    quota, claim = QuotaRecord, ClaimRecord
    since = or_(
        and_(col(quota.as_of).is_(None), col(quota.reported_at).is_(None)),
        col(claim.claimed_on) > col(quota.as_of),
        col(claim.created_at) > col(quota.reported_at),
    )
    rows = session.execute(
        select(quota.organisation, quota.dwelling_type, func.count())
        .select_from(quota)
        .join(
            claim,
            and_(
                col(claim.organisation) == col(quota.organisation),
                col(claim.dwelling_type) == col(quota.dwelling_type),
            ),
        )
        .where(since, col(claim.withdrawn_at).is_(None))
        .group_by(col(quota.organisation), col(quota.dwelling_type))
    ).all()
    return {(o, t): int(n) for o, t, n in rows}


def groups(session: Session, policy: Policy) -> dict[GroupKey, GroupState]:
    """Every quota group's state (a group with no report has no limit and is not listed)."""
    held, own = _held_by_group(session), _own_claims(session)
    out = {}
    for q in session.exec(select(QuotaRecord)).all():
        key = (q.organisation, q.dwelling_type)
        n_held, n_accepted = held.get(key, (0, 0))
        out[key] = GroupState(
            organisation=q.organisation,
            dwelling_type=q.dwelling_type,
            vacancies=q.vacancies,
            rate=Fraction(q.rate) if q.rate else policy.default_quota_rate,
            rate_default=not q.rate,
            as_of=q.as_of,
            reported_claimed=q.claimed,
            own_claims=own.get(key, 0),
            held=n_held,
            accepted=n_accepted,
        )
    return out


def _held_by_team(session: Session) -> dict[str, tuple[int, int]]:
    accepted = func.sum(case((col(Offer.state) == OfferState.ACCEPTED.value, 1), else_=0))
    rows = session.execute(
        select(YouthRecord.support_team, func.count(), accepted)
        .select_from(Offer)
        .join(YouthRecord, col(YouthRecord.ref) == col(Offer.youth_ref))
        .where(col(Offer.state).in_(OPEN), col(YouthRecord.support_team).is_not(None))
        .group_by(col(YouthRecord.support_team))
    ).all()
    return {str(t): (int(n), int(a or 0)) for t, n, a in rows}


def teams(session: Session, policy: Policy) -> dict[str, TeamState]:
    """Every team's state; ``slots`` is None for a team whose move-ins are not limited."""
    held = _held_by_team(session)
    out = {}
    for t in session.exec(select(TeamRecord).order_by(col(TeamRecord.team))).all():
        method = SupportMethod(t.method)
        team = SupportTeam(t.team, method, t.workers, t.current_caseload, t.caseload_cap,
                           t.shared_caseload)  # fmt: skip
        n_held, n_accepted = held.get(t.team, (0, 0))
        out[t.team] = TeamState(
            team=t.team,
            method=t.method,
            workers=t.workers,
            cap=t.caseload_cap if t.caseload_cap is not None else policy.caseload_cap.get(method),
            caseload=t.current_caseload,
            slots=policy.free_slots(team),
            held=n_held,
            accepted=n_accepted,
        )
    return out


def _quota_problem(g: GroupState) -> Problem:
    params = {"group": [g.label], "allowed": g.allowed, "claimed": g.claimed, "held": g.held,
              "remaining": g.remaining}  # fmt: skip
    return Problem("dwelling_ref", "quota_full", params)


def _team_problem(t: TeamState) -> Problem:
    return Problem("youth_ref", "team_full", {"team": t.team, "slots": t.slots, "held": t.held})


# What each step needs to be left, counted without the offer itself:
#   offer:  claimed + held < allowed       (a new hold)
#   accept: claimed + accepted < allowed   (accepted holds come before offered ones)
#   sign:   claimed < allowed              (the hold becomes a claim)
#   claim:  claimed + held < allowed       (a claim made outside Boligmatch, usecases.claims)
STEPS = ("offer", "accept", "sign", "claim")


def check(
    session: Session,
    policy: Policy,
    step: str,
    organisation: str,
    dwelling_type: str,
    team: str | None,
    *,
    own_hold: bool = False,
    own_accepted: bool = False,
) -> None:
    """Lock the dwelling's group and the youth's team, and refuse ``step`` (ConflictError naming
    the group or team with its numbers) when it would exceed what is left. ``own_hold``: the
    offer in question is open (counted in ``held``); ``own_accepted``: and accepted."""
    assert step in STEPS
    key = (organisation, dwelling_type)
    lock(session, [key], [team] if team else [])
    g = groups(session, policy).get(key)
    if g is not None:
        held = g.held - (1 if own_hold else 0)
        accepted = g.accepted - (1 if own_accepted else 0)
        taken = {"offer": g.claimed + held, "accept": g.claimed + accepted, "sign": g.claimed,
                 "claim": g.claimed + held}  # fmt: skip
        if taken[step] + 1 > g.allowed:
            raise ConflictError(problem=_quota_problem(g))
    t = teams(session, policy).get(team) if team else None
    if t is not None and t.slots is not None and t.method in LIMITED:
        held = t.held - (1 if own_hold else 0)
        accepted = t.accepted - (1 if own_accepted else 0)
        used = {"offer": held, "accept": accepted, "sign": 0, "claim": 0}
        if used[step] + 1 > t.slots:
            raise ConflictError(problem=_team_problem(t))


def net_quota_rows(session: Session, policy: Policy) -> list[dict[str, object]]:
    """The quota groups as a run's quotas.csv: ``claimed`` counts the claims since the report
    and the open offers' holds, so the engine sees exactly what is left."""
    rows = []
    for key in sorted(states := groups(session, policy)):
        g = states[key]
        rows.append({"organisation": g.organisation, "dwelling_type": g.dwelling_type,
                     "vacancies": g.vacancies, "claimed": g.claimed + g.held,
                     "rate": None if g.rate_default else f"{g.rate.numerator}/{g.rate.denominator}",
                     "as_of": g.as_of})  # fmt: skip
    return rows


def net_team_rows(session: Session) -> list[dict[str, object]]:
    """The teams as a run's support.csv: the caseload counts the open offers' holds."""
    held = _held_by_team(session)
    return [
        {
            "team": t.team,
            "method": t.method,
            "workers": t.workers,
            "caseload_cap": t.caseload_cap,
            "current_caseload": t.current_caseload
            + (held.get(t.team, (0, 0))[0] if t.method in LIMITED else 0),
            "shared_caseload": t.shared_caseload,
        }
        for t in session.exec(select(TeamRecord).order_by(col(TeamRecord.team))).all()
    ]
