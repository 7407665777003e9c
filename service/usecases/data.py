"""Between the domain (``solver.domain.Case``) and the tables: store an imported case, snapshot a
week as case-format files (what a run solves), the queue's pool, and the data version.

Any write that changes the queue's inputs (youths, dwellings, teams, policy) calls
:func:`bump_pool_version` in its own transaction; caches of derived data key on it.
"""

from __future__ import annotations

import hashlib
import tomllib
import uuid
from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, or_, update
from sqlmodel import Session, col, select

from solver.caseio.policy import policy_toml
from solver.caseio.read import read_case_files
from solver.caseio.schema import (
    DECISION_COLUMNS,
    QUOTA_COLUMNS,
    SUPPORT_COLUMNS,
    UNIT_COLUMNS,
    YOUTH_COLUMNS,
)
from solver.caseio.weeks import parse_week, week_of
from solver.caseio.write import csv_text, table_csv
from solver.domain import Case

from ..models import (
    DecisionRecord,
    DwellingRecord,
    DwellingStatus,
    PoolVersion,
    QuotaRecord,
    TeamRecord,
    WeekPolicy,
    YouthRecord,
    YouthStatus,
)

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


def import_case(session: Session, case: Case) -> dict[str, int]:
    """Store a validated case for its run week, in the caller's transaction.

    Youths are upserted by ``ref`` (housed and withdrawn youths keep their status and history);
    the week's vacant dwellings are replaced; teams, quota rows and the week's policy are
    replaced by the file's.

    Written in bulk (issue 15): multi-row INSERTs, one UPDATE statement executed for the youths
    whose fields changed, DELETE statements; no ORM object per row, and one query per table
    rather than one per row.
    """
    week = week_of(case.policy.run_date)
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
    session.execute(delete(_table_of(TeamRecord)))
    session.execute(delete(_table_of(QuotaRecord)))
    if case.teams:
        session.execute(insert(_table_of(TeamRecord)), _rows(case.teams))
    if case.quotas:
        quotas = _rows(case.quotas)
        for row, quota in zip(quotas, case.quotas, strict=True):
            row["rate"] = str(quota.rate) if quota.rate is not None else None
        session.execute(insert(_table_of(QuotaRecord)), quotas)
    policy = session.get(WeekPolicy, week)
    if policy is None:
        session.add(WeekPolicy(week=week, policy_toml=policy_toml(case.policy)))
    else:
        policy.policy_toml = policy_toml(case.policy)
        session.add(policy)
    bump_pool_version(session)
    created, updated = len(new), len(rows) - len(new)
    return {"youths_created": created, "youths_updated": updated, "dwellings": len(case.units)}


def _run_date(policy: WeekPolicy) -> date:
    """The run date of a stored week policy (its ``run_date``; else the week's Monday)."""
    value = tomllib.loads(policy.policy_toml).get("run_date")
    return date.fromisoformat(value) if isinstance(value, str) else parse_week(policy.week)


def snapshot_files(session: Session, week: str) -> dict[str, bytes]:
    """The week's input as case-folder files: the waiting youths (less those whose decline
    pause lasts past the run date), the week's vacant dwellings, teams, quota rows, policy, and
    the allocator's decisions in force that still apply (their youth waits, their dwelling is
    vacant). A run stores it (and its hash) and solves exactly this."""
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
    teams = _columns(session, SUPPORT_COLUMNS, _table_of(TeamRecord), (), "team")
    quotas = _columns(session, QUOTA_COLUMNS, _table_of(QuotaRecord), (), None)
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
    files = {
        "youths.csv": _csv(YOUTH_COLUMNS, youths),
        "units.csv": _csv(UNIT_COLUMNS, dwellings),
        "support.csv": _csv(SUPPORT_COLUMNS, teams),
        "quotas.csv": _csv(QUOTA_COLUMNS, quotas),
        "policy.toml": policy.policy_toml.encode(),
    }
    if decisions:
        files["decisions.csv"] = _table(DECISION_COLUMNS, decisions)
    return files


def _columns(
    session: Session, columns: Any, table: Table, where: tuple[Any, ...], order: Any
) -> list[Any]:
    """The rows of ``table`` as tuples of the case format's ``columns`` (no ORM objects)."""
    query = select(*(table.c[c.name] for c in columns)).where(*where)
    if order is not None:
        query = query.order_by(table.c[order] if isinstance(order, str) else order)
    return list(session.execute(query).all())


def _csv(columns: Any, rows: list[Any]) -> bytes:
    """Rows of values in the columns' order as a case-format CSV (as :func:`_table`)."""
    return csv_text([c.name for c in columns], rows).encode()


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
    return snapshot_case(snapshot_files(session, policy.week))


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


def bump_pool_version(session: Session) -> None:
    """Mark the queue's inputs changed (in the caller's transaction)."""
    statement = update(PoolVersion).where(col(PoolVersion.id) == 1)
    session.execute(statement.values(token=uuid.uuid4().hex))
