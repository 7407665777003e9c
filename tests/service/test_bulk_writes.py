"""Bulk writes (issue 15): a run's proposals and an import's rows (youths, dwellings, teams,
quota reports, vacancies, the rates' history, the missing marks), written with multi-row
statements, are exactly the rows the ORM wrote one object at a time (the former writers, kept
here as the reference), byte for byte as stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import asdict
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import Engine, Text, cast, delete, select, text, update
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from service import db
from service.models import (
    AgreementRate,
    DwellingRecord,
    DwellingStatus,
    Proposal,
    QuotaRecord,
    QuotaReport,
    Run,
    TeamRecord,
    VacancyRecord,
    WeekPolicy,
    YouthRecord,
    YouthStatus,
)
from service.usecases import ledger
from service.usecases.data import (
    _plain,
    files_from_json,
    import_case,
    snapshot_case,
)
from service.usecases.lifecycle import ACTIVE_YOUTH
from service.usecases.runs import execute_run, request_run
from solver.caseio.read import read_case
from solver.caseio.weeks import week_of
from solver.domain import Case
from solver.engine.week import run_case

from .conftest import FIXTURES

TABLES = {
    "youth": (YouthRecord, ("ref",), {"id", "updated_at"}),
    "dwelling": (DwellingRecord, ("week", "ref"), {"id"}),
    "team": (TeamRecord, ("team",), set()),
    "quota": (QuotaRecord, ("organisation", "dwelling_type"), {"reported_at"}),
    "week_policy": (WeekPolicy, ("week",), set()),
    # import_id: compared as the import's number (each import draws a random one)
    "quota_report": (QuotaReport, ("organisation", "dwelling_type", "id"), {"id", "reported_at"}),
    "vacancy": (VacancyRecord, ("week", "dwelling_ref"), {"id", "reported_at"}),
    "agreement_rate": (AgreementRate, ("organisation", "dwelling_type", "valid_from"), {"id"}),
}


def stored(engine: Engine, model: Any, order: tuple[str, ...], skip: set[str]) -> list[tuple]:
    """Every row as the database holds it (each column cast to text: a JSON null and an SQL
    NULL differ), without the columns in ``skip``."""
    table = model.__table__
    columns = [cast(c, Text) for c in table.c if c.name not in skip]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(*table.c[order]))]


def everything(engine: Engine) -> dict[str, list[tuple]]:
    """Every table's rows; an ``import_id`` as the number of its import (in the order of the
    quota reports)."""
    out = {name: stored(engine, *spec) for name, spec in TABLES.items()}
    report = QuotaReport.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        ids = conn.execute(select(report.c.import_id).order_by(report.c.id)).scalars().all()
    number = {i: str(n) for n, i in enumerate(dict.fromkeys(ids))}
    for name in ("quota_report", "vacancy", "agreement_rate"):
        at = [c.name for c in TABLES[name][0].__table__.c if c.name not in TABLES[name][2]]
        k = at.index("import_id")
        out[name] = [(*r[:k], number.get(r[k], r[k]), *r[k + 1 :]) for r in out[name]]
    return out


def orm_store_reports(session: Session, case: Case, week: str) -> None:
    """The former ``_store_reports``: one ORM object per team, quota, report, vacancy and rate,
    two queries per group for the rates' history (the reference)."""
    run_date = case.policy.run_date
    import_id = uuid.uuid4().hex
    teams = {t.team: t for t in session.exec(orm_select(TeamRecord)).all()}
    for team in case.teams:
        fields = {k: _plain(v) for k, v in asdict(team).items()}
        team_row = teams.pop(team.team, None) or TeamRecord(**fields)
        for k, v in fields.items():
            setattr(team_row, k, v)
        session.add(team_row)
    for gone_team in teams.values():
        session.delete(gone_team)
    quotas = {
        (q.organisation, q.dwelling_type): q for q in session.exec(orm_select(QuotaRecord)).all()
    }
    as_of_by_group: dict[tuple[str, str], date] = {}
    for quota in case.quotas:
        key = (quota.organisation, quota.dwelling_type.value)
        as_of = quota.as_of or run_date
        as_of_by_group[key] = as_of
        fields = {k: _plain(v) for k, v in asdict(quota).items()}
        fields.update(rate=str(quota.rate) if quota.rate is not None else None, as_of=as_of)
        quota_row = quotas.pop(key, None) or QuotaRecord(**fields)
        for k, v in fields.items():
            setattr(quota_row, k, v)
        session.add(quota_row)
        rate = quota.rate if quota.rate is not None else case.policy.default_quota_rate
        orm_record_rate(session, key, str(rate), as_of, import_id)
        session.add(QuotaReport(organisation=key[0], dwelling_type=key[1],
                                vacancies=quota.vacancies, claimed=quota.claimed,
                                rate=fields["rate"], as_of=as_of, import_id=import_id))  # fmt: skip
    for gone in quotas.values():
        session.delete(gone)
    reported = set(
        session.exec(orm_select(VacancyRecord.dwelling_ref).where(VacancyRecord.week == week))
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


def orm_record_rate(
    session: Session, key: tuple[str, str], rate: str, valid_from: date, import_id: str
) -> None:
    history = orm_select(AgreementRate).where(
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


def orm_mark_missing(session: Session, week: str, listed: Any) -> list[str]:
    """The former ``mark_missing``: every youth loaded as an ORM object (the reference)."""
    refs = set(listed)
    missing = []
    for youth in session.exec(orm_select(YouthRecord).order_by(col(YouthRecord.ref))).all():
        if youth.ref in refs:
            if youth.missing_since is not None:
                youth.missing_since = None
                session.add(youth)
        elif youth.status in ACTIVE_YOUTH:
            if youth.missing_since is None:
                youth.missing_since = week
                session.add(youth)
            missing.append(youth.ref)
    session.flush()
    return missing


def orm_import_case(session: Session, case: Case) -> dict[str, Any]:
    """The former ``import_case``: one ORM object per youth and dwelling (the reference)."""
    week = week_of(case.policy.run_date)
    ledger.lock_all(session)
    existing = {y.ref: y for y in session.exec(orm_select(YouthRecord)).all()}
    created = updated = 0
    for youth in case.youths:
        fields = {k: _plain(v) for k, v in asdict(youth).items()}
        record = existing.get(youth.ref)
        if record is None:
            session.add(YouthRecord(**fields))
            created += 1
        else:
            for k, v in fields.items():
                setattr(record, k, v)
            session.add(record)
            updated += 1
    vacant = orm_select(DwellingRecord).where(
        DwellingRecord.week == week, DwellingRecord.status == DwellingStatus.VACANT.value
    )
    for d in session.exec(vacant).all():
        session.delete(d)
    session.flush()
    kept = {
        d.ref
        for d in session.exec(orm_select(DwellingRecord).where(DwellingRecord.week == week)).all()
    }
    for unit in case.units:
        if unit.ref not in kept:
            session.add(
                DwellingRecord(week=week, **{k: _plain(v) for k, v in asdict(unit).items()})
            )
    orm_store_reports(session, case, week)
    from solver.caseio.policy import policy_toml

    policy = session.get(WeekPolicy, week)
    if policy is None:
        session.add(WeekPolicy(week=week, policy_toml=policy_toml(case.policy)))
    else:
        policy.policy_toml = policy_toml(case.policy)
        session.add(policy)
    session.flush()
    missing = orm_mark_missing(session, week, (y.ref for y in case.youths))
    return {"youths_created": created, "youths_updated": updated, "dwellings": len(case.units),
            "missing_youths": missing}  # fmt: skip


def changed_case(case: Case) -> Case:
    """The next import of the week: some youths changed, some new, some gone from the file;
    a dwelling gone and one new; a team and a quota row fewer, one quota changed."""
    youths = list(case.youths[20:])  # the first 20 are not in this file (they stay stored)
    for i in range(0, 200, 7):
        y = youths[i]
        youths[i] = dataclasses.replace(
            y,
            monthly_income=(y.monthly_income or 0) + 100,
            preferred_areas=(*tuple(reversed(y.preferred_areas)), "Nyt område"),
            urgent_by=None,
            greenlandic=not y.greenlandic if y.greenlandic is not None else True,
        )
    for i in range(1, 200, 7):  # a change in an area list alone (a JSON column) is a change
        youths[i] = dataclasses.replace(
            youths[i], excluded_areas=(*youths[i].excluded_areas, "Lukket område")
        )
    new = [dataclasses.replace(case.youths[i], ref=f"NEW{i:03d}") for i in range(25)]
    units = [*list(case.units[1:]), dataclasses.replace(case.units[0], ref="U-NEW", rent=4321)]
    quotas = list(case.quotas[1:])
    quotas[0] = dataclasses.replace(quotas[0], vacancies=quotas[0].vacancies + 3)
    # the rates' history: a rate corrected the same day, an earlier report with another rate,
    # the default rate given explicitly (in force already: no new row)
    quotas[1] = dataclasses.replace(quotas[1], rate=Fraction(1, 3))
    quotas[2] = dataclasses.replace(quotas[2], rate=Fraction(1, 5), as_of=date(2026, 11, 2))
    quotas[3] = dataclasses.replace(quotas[3], rate=Fraction(2, 8))
    teams = list(case.teams[1:])
    teams[0] = dataclasses.replace(teams[0], workers=teams[0].workers + 1)
    return dataclasses.replace(
        case, youths=tuple(youths + new), units=tuple(units), teams=tuple(teams),
        quotas=tuple(quotas),
    )  # fmt: skip


def sequence(engine: Engine, writer: Any, again: bool = False) -> tuple[dict, list[dict[str, int]]]:
    """Import copenhagen, let a dwelling be offered and a youth be housed, import the changed
    case of the same week (``again``: then copenhagen once more); the stored rows and the
    counts."""
    case = read_case(FIXTURES / "copenhagen")
    counts = []
    with Session(engine) as session:
        counts.append(writer(session, case))
        session.commit()
        week = week_of(case.policy.run_date)
        session.execute(
            update(DwellingRecord)
            .where(DwellingRecord.ref == case.units[2].ref, DwellingRecord.week == week)
            .values(status=DwellingStatus.OFFERED.value)
        )
        session.execute(
            update(YouthRecord)
            .where(YouthRecord.ref == case.youths[30].ref)
            .values(status=YouthStatus.HOUSED.value)
        )
        session.commit()
        counts.append(writer(session, changed_case(case)))
        session.commit()
        if again:
            counts.append(writer(session, case))
            session.commit()
    return everything(engine), counts


def clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for model, _, _ in TABLES.values():
            conn.execute(delete(model.__table__))


def test_bulk_import_stores_the_rows_the_orm_stored(database_url: str) -> None:
    engine = db.get_engine()
    for again in (False, True):
        clear(engine)
        bulk, bulk_counts = sequence(engine, import_case, again)
        clear(engine)
        reference, reference_counts = sequence(engine, orm_import_case, again)
        assert bulk_counts == reference_counts
        assert bulk_counts[1]["youths_created"] == 25
        for name in TABLES:
            assert bulk[name] == reference[name], name
        # the sequence did change things: the comparison is not of two empty tables
        assert len(bulk["youth"]) == 900 + 25
        assert any("Nyt omr" in str(row) for row in bulk["youth"]) != again  # again: as before
        assert any("Lukket omr" in str(row) for row in bulk["youth"]) != again
        assert any("offered" in row for row in bulk["dwelling"])
        assert len(bulk_counts[1]["missing_youths"]) == 20
        assert (len(bulk["team"]), len(bulk["quota"])) == ((11, 15) if again else (10, 14))
        assert len(bulk["quota_report"]) == (15 + 14 + 15 if again else 15 + 14)
        assert len(bulk["vacancy"]) == 80 + 1
        rates = [r for r in bulk["agreement_rate"] if r[2] != "1/4"]
        assert len(rates) == (1 if again else 2), rates  # again: the 1/3 corrected back
        if again:
            assert len(bulk_counts[2]["missing_youths"]) == 25


def test_bulk_proposals_are_the_rows_the_orm_wrote(database_url: str) -> None:
    engine = db.get_engine()
    with Session(engine) as session:
        import_case(session, read_case(FIXTURES / "copenhagen"))
        session.commit()
    week = week_of(read_case(FIXTURES / "copenhagen").policy.run_date)
    run, _ = request_run(engine, week, "t")
    assert run.id is not None
    execute_run(engine, run.id)
    with Session(engine) as session:
        done = session.get(Run, run.id)
        assert done is not None and done.status == "done", done
        result = run_case(snapshot_case(files_from_json(done.input_snapshot)))
        reference = Run(week=week, generation=99, created_by="t", status="done")
        session.add(reference)
        session.flush()
        for m in result.matches:  # the former writer, one ORM object per proposal
            session.add(Proposal(run_id=reference.id, youth_ref=m.youth_ref,
                                 dwelling_ref=m.unit_ref, cost=m.cost, fit=m.fit,
                                 reason="pin" if m.pinned else None, detail=m.pinned))  # fmt: skip
        for u in result.unmatched:
            session.add(Proposal(run_id=reference.id, youth_ref=u.youth_ref, reason=u.reason,
                                 reason_params=u.params, detail=u.detail(),
                                 outranked_by=u.outranked_by))  # fmt: skip
        session.commit()
        ids = (run.id, reference.id)
    table = Proposal.__table__  # type: ignore[attr-defined]
    columns = [cast(c, Text) for c in table.c if c.name not in ("id", "run_id")]
    with engine.connect() as conn:
        bulk, orm = (
            [tuple(r) for r in conn.execute(
                select(*columns).where(table.c.run_id == i).order_by(table.c.id)
            )]
            for i in ids
        )  # fmt: skip
        nulls = conn.execute(
            text("SELECT count(*) FROM proposal WHERE run_id = :r AND reason_params IS NULL"),
            {"r": ids[0]},
        ).scalar()
    assert len(bulk) == 900 and len(orm) == 900
    assert bulk == orm
    assert sum(1 for row in bulk if row[1] is not None) == len(result.matches) > 0
    assert nulls == 0  # as the ORM wrote it: a match's reason_params is JSON null


def orm_snapshot_files(session: Session, week: str) -> dict[str, bytes]:
    """The former ``snapshot_files``: ORM records through ``table_csv`` (the reference)."""
    from sqlmodel import col, or_

    from service.models import DecisionRecord
    from service.usecases.data import _run_date
    from solver.caseio.schema import (
        DECISION_COLUMNS,
        QUOTA_COLUMNS,
        SUPPORT_COLUMNS,
        UNIT_COLUMNS,
        YOUTH_COLUMNS,
    )
    from solver.caseio.write import table_csv

    policy = session.get(WeekPolicy, week)
    assert policy is not None
    run_date = _run_date(policy)
    paused = col(YouthRecord.paused_until)
    youths = session.exec(
        orm_select(YouthRecord)
        .where(
            YouthRecord.status == YouthStatus.WAITING.value,
            or_(paused.is_(None), paused <= run_date),
        )
        .order_by(col(YouthRecord.ref))
    ).all()
    dwellings = session.exec(
        orm_select(DwellingRecord)
        .where(DwellingRecord.week == week, DwellingRecord.status == DwellingStatus.VACANT.value)
        .order_by(col(DwellingRecord.ref))
    ).all()
    teams = session.exec(orm_select(TeamRecord).order_by(col(TeamRecord.team))).all()
    # in the groups' order, as a run's quotas.csv lists them (the rows' physical order is the
    # database's: an import that leaves a group's report as it was does not rewrite its row)
    quotas = session.exec(
        orm_select(QuotaRecord).order_by(
            col(QuotaRecord.organisation), col(QuotaRecord.dwelling_type)
        )
    ).all()
    youth_refs, unit_refs = {y.ref for y in youths}, {d.ref for d in dwellings}
    decisions = [
        d
        for d in session.exec(
            orm_select(DecisionRecord)
            .where(DecisionRecord.week == week, col(DecisionRecord.revoked_at).is_(None))
            .order_by(col(DecisionRecord.id))
        ).all()
        if (d.youth_ref is None or d.youth_ref in youth_refs)
        and (d.unit_ref is None or d.unit_ref in unit_refs)
    ]
    files = {
        "youths.csv": table_csv(YOUTH_COLUMNS, youths).encode(),
        "units.csv": table_csv(UNIT_COLUMNS, dwellings).encode(),
        "support.csv": table_csv(SUPPORT_COLUMNS, teams).encode(),
        "quotas.csv": table_csv(QUOTA_COLUMNS, quotas).encode(),
        "policy.toml": policy.policy_toml.encode(),
    }
    if decisions:
        files["decisions.csv"] = table_csv(DECISION_COLUMNS, decisions).encode()
    return files


def test_the_snapshot_from_columns_is_the_snapshot_from_records(database_url: str) -> None:
    """A run's input, read as plain columns, is byte for byte the files the ORM records gave:
    a housed youth, a paused youth, an offered dwelling and a formula-like text included."""
    from datetime import date

    from service.models import DecisionRecord
    from service.usecases.data import snapshot_files

    engine = db.get_engine()
    sequence(engine, import_case)
    case = read_case(FIXTURES / "copenhagen")
    week = week_of(case.policy.run_date)
    with Session(engine) as session:
        refs = [y.ref for y in case.youths]
        session.execute(
            update(YouthRecord)
            .where(YouthRecord.ref == refs[40])
            .values(paused_until=date(2100, 1, 1))
        )
        session.execute(
            update(YouthRecord).where(YouthRecord.ref == refs[41]).values(case_worker="=cmd()")
        )
        session.add(DecisionRecord(week=week, kind="ban", youth_ref=refs[42], reason="-x",
                                   created_by="alloc"))  # fmt: skip
        session.commit()
        new, old = snapshot_files(session, week), orm_snapshot_files(session, week)
    assert new == old
    assert b"'=cmd()" in new["youths.csv"] and refs[40].encode() not in new["youths.csv"]
    # every stored youth waits but the housed one and the paused one; and the header
    assert new["youths.csv"].count(b"\n") == 900 + 25 - 1 - 1 + 1


def test_bulk_rows_bind_json_as_sqlalchemy_does(database_url: str) -> None:
    """Enough rows for the bulk path, in a table of its own: a JSON column stores None as JSON
    null, a none_as_null column as SQL NULL, repeated and nested values, letters beyond ASCII,
    repeated dates, 0.0 and -0.0, booleans as SQLAlchemy's INSERT stores them (each column
    compared as text)."""
    from sqlalchemy import (
        JSON,
        Boolean,
        Column,
        Date,
        Float,
        Integer,
        MetaData,
        String,
        Table,
        insert,
    )

    from service.usecases.bulk import BULK_FROM, insert_rows

    table = Table(
        f"bulk_probe_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("label", String),
        Column("doc", JSON),
        Column("maybe", JSON(none_as_null=True)),
        Column("day", Date),
        Column("share", Float),
        Column("flag", Boolean),
    )
    values = [None, {}, {"a": 1}, {"a": 1.0}, {"a": True}, {"ø": [1, {"b": None}]}, ["x", "å"],
              [], [1], [True], ["1"], ("x", "å"), [["x"]], 1, 1.0, True, 0.0, -0.0, "1"]  # fmt: skip
    days = [None, date(2026, 1, 5), date(2026, 1, 5), date(2005, 12, 31)]
    shares = [0.0, -0.0, 1.0, None, 0.5]
    rows = [{"label": f"r{i}", "doc": values[i % len(values)],
             "maybe": values[(i + 1) % len(values)], "day": days[i % len(days)],
             "share": shares[i % len(shares)], "flag": [True, False, None][i % 3]}
            for i in range(2 * BULK_FROM)]  # fmt: skip
    engine = db.get_engine()
    table.create(engine)
    try:
        with Session(engine) as session:
            insert_rows(session, table, rows)
            session.execute(insert(table), rows)  # SQLAlchemy's own, for comparison
            session.commit()
        columns = [cast(c, Text) for c in table.c if c.name != "id"]
        with engine.connect() as conn:
            stored = [tuple(r) for r in conn.execute(select(*columns).order_by(table.c.id))]
        bulk, reference = stored[: len(rows)], stored[len(rows) :]
        assert bulk == reference
        assert any(r[2] is None for r in bulk) and any(r[1] == "null" for r in bulk)
    finally:
        table.drop(engine)


def test_field_columns_keep_equal_values_of_different_types_apart() -> None:
    """An IntEnum member equals its int but is stored as its label: a column mixing the two
    (or a tuple and None) makes each value plain as itself, distinct values converted once."""
    from service.usecases.data import _field_columns
    from solver.domain import Pet

    @dataclasses.dataclass(frozen=True)
    class Item:
        value: Any

    items = (Item(Pet(0)), Item(0), Item(("a", "b")), Item(None), Item(Pet(0)), Item(True))
    assert _field_columns(items) == {
        "value": [Pet(0).label, 0, ["a", "b"], None, Pet(0).label, True]
    }
