"""Between the domain (``solver.domain.Case``) and the tables: store an imported case, snapshot a
week as case-format files (what a run solves), the queue's pool, and the data version.

Any write that changes the queue's inputs (youths, dwellings, teams, policy) calls
:func:`bump_pool_version` in its own transaction; caches of derived data key on it.
"""

from __future__ import annotations

import hashlib
import tomllib
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, or_, update
from sqlmodel import Session, col, select

from solver.caseio.issues import CaseError, CaseIssue
from solver.caseio.policy import policy_toml, read_policy
from solver.caseio.read import read_case_files, read_cells
from solver.caseio.schema import (
    COLUMNS,
    DECISION_COLUMNS,
    QUOTA_COLUMNS,
    SUPPORT_COLUMNS,
    UNIT_COLUMNS,
    YOUTH_COLUMNS,
)
from solver.caseio.weeks import parse_week, week_of
from solver.caseio.write import cells_csv, cells_of, table_csv
from solver.domain import Case, Policy

from ..models import (
    AgreementRate,
    DecisionRecord,
    DwellingRecord,
    DwellingStatus,
    PoolVersion,
    QuotaRecord,
    QuotaReport,
    TeamRecord,
    VacancyRecord,
    WeekPolicy,
    YouthRecord,
    YouthStatus,
    now,
)
from . import ledger

_AS_IS = frozenset((str, int, bool, float, date, type(None)))


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most values: nothing to make plain
        return value
    if hasattr(value, "label") and hasattr(value, "value") and isinstance(value.value, int):
        return value.label  # Pet / PetPolicy
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def _rows(items: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Domain objects (dataclasses) as table rows: their fields, enums and tuples made plain."""
    if not items:
        return []
    names = [f.name for f in fields(items[0])]
    return [{n: _plain(getattr(item, n)) for n in names} for item in items]


def _table_of(model: Any) -> Table:
    return model.__table__


def import_case(session: Session, case: Case) -> dict[str, Any]:
    """Store a validated case for its run week, in the caller's transaction.

    Youths are upserted by ``ref`` (housed and withdrawn youths keep their status and history);
    the waiting and offered youths the file does not list are marked missing, for the
    allocator to confirm (``usecases.lifecycle.mark_missing``); the week's vacant dwellings are
    replaced; teams, quota reports and the week's policy are the file's (rows updated in place:
    they are the ledger's locks, ``usecases.ledger``); each dwelling is recorded as a reported
    vacancy and each group's rate in the rates' history, never overwriting what an earlier
    import recorded.

    Youths and dwellings are written in bulk (issue 15): multi-row INSERTs, one UPDATE statement
    executed for the youths whose fields changed; no ORM object per row, one query per table.
    """
    from .lifecycle import mark_missing

    week = week_of(case.policy.run_date)
    ledger.lock_all(session)
    youths = _table_of(YouthRecord)
    rows = _rows(case.youths)
    names = list(rows[0]) if rows else []
    stored = {
        r[0]: r[1:]
        for r in session.execute(select(youths.c.ref, youths.c.id, *(youths.c[n] for n in names)))
    }
    new, changed = [], []
    for row in rows:
        old = stored.get(row["ref"])
        if old is None:
            new.append(row)
        elif tuple(old[1:]) != tuple(row[n] for n in names):
            changed.append({"_id": old[0], **{f"new_{n}": row[n] for n in names}})
    if new:
        session.execute(insert(youths), new)
    if changed:
        statement = (
            update(youths)
            .where(youths.c.id == bindparam("_id"))
            .values({n: bindparam(f"new_{n}") for n in names})
        )
        session.connection().execute(statement, changed)
    dwellings = _table_of(DwellingRecord)
    session.execute(
        delete(dwellings).where(
            dwellings.c.week == week, dwellings.c.status == DwellingStatus.VACANT.value
        )
    )
    kept = set(session.execute(select(dwellings.c.ref).where(dwellings.c.week == week)).scalars())
    units = [
        {"week": week, **row}  # offered or let dwellings stay as they are
        for row in _rows(case.units)
        if row["ref"] not in kept
    ]
    if units:
        session.execute(insert(dwellings), units)
    _store_reports(session, case, week)
    policy = session.get(WeekPolicy, week)
    if policy is None:
        session.add(WeekPolicy(week=week, policy_toml=policy_toml(case.policy)))
    else:
        policy.policy_toml = policy_toml(case.policy)
        session.add(policy)
    session.flush()
    missing = mark_missing(session, week, (y.ref for y in case.youths))
    bump_pool_version(session, "import", week)
    created, updated = len(new), len(rows) - len(new)
    return {"youths_created": created, "youths_updated": updated, "dwellings": len(case.units),
            "missing_youths": missing}  # fmt: skip


def _store_reports(session: Session, case: Case, week: str) -> None:
    """Teams and quota reports as the file gives them (a team or group no longer in it goes:
    no row, no limit), the reported vacancies and the agreement rates' history."""
    run_date = case.policy.run_date
    import_id = uuid.uuid4().hex
    teams = {t.team: t for t in session.exec(select(TeamRecord)).all()}
    for team in case.teams:
        fields = {k: _plain(v) for k, v in asdict(team).items()}
        team_row = teams.pop(team.team, None) or TeamRecord(**fields)
        for k, v in fields.items():
            setattr(team_row, k, v)
        session.add(team_row)
    for gone_team in teams.values():
        session.delete(gone_team)
    quotas = {(q.organisation, q.dwelling_type): q for q in session.exec(select(QuotaRecord)).all()}
    as_of_by_group: dict[tuple[str, str], date] = {}
    for quota in case.quotas:
        key = (quota.organisation, quota.dwelling_type.value)
        as_of = quota.as_of or run_date
        as_of_by_group[key] = as_of
        fields = {k: _plain(v) for k, v in asdict(quota).items()}
        fields.update(rate=str(quota.rate) if quota.rate is not None else None, as_of=as_of,
                      reported_at=now())  # fmt: skip
        quota_row = quotas.pop(key, None) or QuotaRecord(**fields)
        for k, v in fields.items():
            setattr(quota_row, k, v)
        session.add(quota_row)
        rate = quota.rate if quota.rate is not None else case.policy.default_quota_rate
        _record_rate(session, key, str(rate), as_of, import_id)
        session.add(QuotaReport(organisation=key[0], dwelling_type=key[1],
                                vacancies=quota.vacancies, claimed=quota.claimed,
                                rate=fields["rate"], as_of=as_of, import_id=import_id))  # fmt: skip
    for gone in quotas.values():
        session.delete(gone)
    reported = set(
        session.exec(select(VacancyRecord.dwelling_ref).where(VacancyRecord.week == week)).all()
    )
    for unit in case.units:
        if unit.ref in reported:
            continue
        key = (unit.organisation, unit.dwelling_type.value)
        session.add(VacancyRecord(organisation=unit.organisation,
                                  dwelling_type=unit.dwelling_type.value,
                                  department=unit.department, dwelling_ref=unit.ref, week=week,
                                  available_from=unit.available_from,
                                  as_of=as_of_by_group.get(key, run_date),
                                  import_id=import_id))  # fmt: skip
    session.flush()


def _record_rate(
    session: Session, key: tuple[str, str], rate: str, valid_from: date, import_id: str
) -> None:
    """Add the group's rate from ``valid_from`` to the history unless it is already in force."""
    history = select(AgreementRate).where(
        AgreementRate.organisation == key[0], AgreementRate.dwelling_type == key[1]
    )
    same_day = session.exec(history.where(AgreementRate.valid_from == valid_from)).first()
    if same_day is not None:
        if Fraction(same_day.rate) != Fraction(rate):
            same_day.rate, same_day.import_id = rate, import_id
            session.add(same_day)
        return
    before = session.exec(
        history.where(col(AgreementRate.valid_from) < valid_from).order_by(
            col(AgreementRate.valid_from).desc()
        )
    ).first()
    if before is None or Fraction(before.rate) != Fraction(rate):
        session.add(AgreementRate(organisation=key[0], dwelling_type=key[1], rate=rate,
                                  valid_from=valid_from, import_id=import_id))  # fmt: skip


def _run_date(policy: WeekPolicy) -> date:
    """The run date of a stored week policy (its ``run_date``; else the week's Monday)."""
    value = tomllib.loads(policy.policy_toml).get("run_date")
    return date.fromisoformat(value) if isinstance(value, str) else parse_week(policy.week)


def stored_policy(record: WeekPolicy) -> Policy:
    """A stored week policy as the domain's (the text is the service's own, so it reads)."""
    issues: list[CaseIssue] = []
    policy = read_policy(record.policy_toml.encode(), parse_week(record.week), issues)
    if issues:
        raise CaseError(issues)
    return policy


@dataclass(frozen=True)
class Snapshot:
    """A week's input as case-folder files (what a run stores and hashes) and the cells they
    were written from (what the case is built from, without parsing the text back)."""

    files: dict[str, bytes]
    cells: dict[str, list[list[str]]]

    def case(self) -> Case:
        """The case of ``files``: :func:`solver.caseio.read.read_cells`, the same ``Case`` as
        reading the files (tests/service/test_snapshot.py compares the two)."""
        return read_cells(self.cells, self.files)


def week_snapshot(session: Session, week: str) -> Snapshot:
    """The week's input as case-folder files: the waiting youths (less those whose decline
    pause lasts past the run date), the week's vacant dwellings, the teams and quota groups net
    of the open offers' holds and the claims since each report (``usecases.ledger``), policy, and
    the allocator's decisions in force that still apply (their youth waits, their dwelling is
    vacant). A run stores the files (and their hash) and solves exactly this."""
    policy = session.get(WeekPolicy, week)
    if policy is None:
        raise LookupError(f"No import for week {week}.")
    run_date = _run_date(policy)
    youth, dwelling = _table_of(YouthRecord), _table_of(DwellingRecord)
    paused = youth.c.paused_until
    youths = _columns(
        session,
        YOUTH_COLUMNS,
        youth,
        (youth.c.status == YouthStatus.WAITING.value, or_(paused.is_(None), paused <= run_date)),
        youth.c.ref,
    )
    dwellings = _columns(
        session,
        UNIT_COLUMNS,
        dwelling,
        (dwelling.c.week == week, dwelling.c.status == DwellingStatus.VACANT.value),
        dwelling.c.ref,
    )
    week_policy = stored_policy(policy)
    teams = ledger.net_team_rows(session)  # the caseloads count the open offers' holds
    quotas = ledger.net_quota_rows(session, week_policy)  # claimed counts claims and holds
    ref_at = [c.name for c in YOUTH_COLUMNS].index("ref")
    unit_at = [c.name for c in UNIT_COLUMNS].index("ref")
    youth_refs, unit_refs = {y[ref_at] for y in youths}, {d[unit_at] for d in dwellings}
    decisions = [
        d
        for d in session.exec(
            select(DecisionRecord)
            .where(DecisionRecord.week == week, col(DecisionRecord.revoked_at).is_(None))
            .order_by(col(DecisionRecord.id))
        ).all()
        if (d.youth_ref is None or d.youth_ref in youth_refs)
        and (d.unit_ref is None or d.unit_ref in unit_refs)
    ]
    cells = {
        "youths.csv": cells_of(youths),
        "units.csv": cells_of(dwellings),
        "support.csv": cells_of(_values(SUPPORT_COLUMNS, teams)),
        "quotas.csv": cells_of(_values(QUOTA_COLUMNS, quotas)),
    }
    if decisions:
        cells["decisions.csv"] = cells_of(_values(DECISION_COLUMNS, decisions))
    files = {name: cells_csv([c.name for c in COLUMNS[name]], rows).encode()
             for name, rows in cells.items()}  # fmt: skip
    files["policy.toml"] = policy.policy_toml.encode()
    return Snapshot(files, cells)


def snapshot_files(session: Session, week: str) -> dict[str, bytes]:
    """The week's input as case-folder files (:func:`week_snapshot`)."""
    return week_snapshot(session, week).files


def _columns(
    session: Session, columns: Any, table: Table, where: tuple[Any, ...], order: Any
) -> list[Any]:
    """The rows of ``table`` as tuples of the case format's ``columns`` (no ORM objects)."""
    query = select(*(table.c[c.name] for c in columns)).where(*where)
    if order is not None:
        query = query.order_by(table.c[order] if isinstance(order, str) else order)
    return list(session.execute(query).all())


def _values(columns: Any, records: list[Any]) -> list[list[Any]]:
    """Records (objects or mappings) as rows of values in the columns' order."""
    names = [c.name for c in columns]
    return [
        [r[n] for n in names] if isinstance(r, dict) else [getattr(r, n) for n in names]
        for r in records
    ]


def _table(columns: Any, rows: list[Any]) -> bytes:
    """Records as a case-format CSV (same columns as the import)."""
    return table_csv(columns, rows).encode()


def snapshot_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def snapshot_case(files: dict[str, bytes]) -> Case:
    return read_case_files(files)


def live_case(session: Session) -> Case:
    """The latest imported week as a case (what that week's run solves)."""
    policy = session.exec(select(WeekPolicy).order_by(col(WeekPolicy.week).desc())).first()
    if policy is None:
        raise LookupError("nothing has been imported yet")
    return week_snapshot(session, policy.week).case()


def files_json(files: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode() for k, v in files.items()}


def files_from_json(data: dict[str, str]) -> dict[str, bytes]:
    return {k: v.encode() for k, v in data.items()}


def pool_case(session: Session, weeks_back: int = 12) -> tuple[Case, list[str]] | None:
    """The queue's view: every youth (with their statuses) over the latest week's vacancies and
    the dwellings of the ``weeks_back`` weeks before it, under the latest week's policy."""
    policies = session.exec(select(WeekPolicy).order_by(col(WeekPolicy.week).desc())).all()
    if not policies:
        return None
    weeks = {p.week for p in policies[: weeks_back + 1]}
    youths = session.exec(select(YouthRecord).order_by(col(YouthRecord.ref))).all()
    latest: dict[str, DwellingRecord] = {}
    for d in session.exec(
        select(DwellingRecord)
        .where(col(DwellingRecord.week).in_(weeks))
        .order_by(col(DwellingRecord.week))
    ).all():
        latest[d.ref] = d
    teams = session.exec(select(TeamRecord).order_by(col(TeamRecord.team))).all()
    files = {
        "youths.csv": _table(YOUTH_COLUMNS, list(youths)),
        "units.csv": _table(UNIT_COLUMNS, [latest[k] for k in sorted(latest)]),
        "support.csv": _table(SUPPORT_COLUMNS, list(teams)),
        "quotas.csv": _table(QUOTA_COLUMNS, []),
        "policy.toml": policies[0].policy_toml.encode(),
    }
    return read_case_files(files), [y.status for y in youths]


def bump_pool_version(
    session: Session, change: str = "", week: str = "", *, pool: bool = True, runs: bool = True
) -> int:
    """Mark the data changed (in the caller's transaction): ``pool``: the queue's inputs (a new
    token, for the caches of derived data); ``runs``: what a week's run solves (the data version
    + 1, so every run of an earlier version is stale), with what changed. Returns the data
    version. Call it last in the transaction: it holds the version row until commit."""
    values: dict[str, Any] = {}
    if pool:  # ``pool=False``: a change of the week's runs only (a decision), not the queue's
        values["token"] = uuid.uuid4().hex
    if runs:  # ``runs=False``: nothing a run solves changed (an accept, a move-in)
        values.update(version=col(PoolVersion.version) + 1, changed_at=now(),
                      change=f"{change} {week}".strip())  # fmt: skip
    if values:
        session.execute(update(PoolVersion).where(col(PoolVersion.id) == 1).values(**values))
    return data_version(session)


def data_version(session: Session) -> int:
    """The current data version (0 before any change)."""
    value = session.exec(select(PoolVersion.version).where(PoolVersion.id == 1)).first()
    return int(value or 0)
