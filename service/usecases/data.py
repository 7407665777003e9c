"""Between the domain (``solver.domain.Case``) and the tables: store an imported case, snapshot a
week as case-format files (what a run solves), the queue's pool, and the data version.

Any write that changes the queue's inputs (youths, dwellings, teams, policy) calls
:func:`bump_pool_version` in its own transaction; caches of derived data key on it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date
from fractions import Fraction
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    String,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    insert,
    or_,
    tuple_,
    type_coerce,
    update,
)
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
from solver.caseio.write import cells_csv, cells_of, record_values, table_csv
from solver.domain import Case, DecisionKind, Policy
from solver.i18n.render import text as message

from ..models import (
    AgreementRate,
    DecisionRecord,
    DwellingRecord,
    DwellingStatus,
    Offer,
    OfferState,
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
from .bulk import insert_columns, insert_rows

_AS_IS = frozenset((str, int, bool, float, date, type(None)))
_PLAIN: dict[type, Any] = {}  # a type's conversion, decided from its first value


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:  # most values: nothing to make plain
        return value
    convert = _PLAIN.get(kind)
    if convert is None:  # once per type (``hasattr`` runs a property: Pet.label)
        convert = _PLAIN[kind] = _conversion(value)
    return convert(value)


def _conversion(value: Any) -> Any:
    if hasattr(value, "label") and hasattr(value, "value") and isinstance(value.value, int):
        return lambda v: v.label  # Pet / PetPolicy
    if hasattr(value, "value"):
        return lambda v: v.value
    if isinstance(value, tuple):
        return list
    return lambda v: v


def _field_columns(items: tuple[Any, ...]) -> dict[str, list[Any]]:
    """Domain objects (dataclasses) as table columns: each field's values in order, enums and
    tuples made plain (a column at a time: an import's 20,000 youths, issue 15)."""
    if not items:
        return {}
    columns = {}
    for f in fields(items[0]):
        values = list(map(attrgetter(f.name), items))
        kinds = set(map(type, values))
        if not kinds <= _AS_IS:  # enums, tuples: each distinct value once
            kinds.discard(type(None))
            try:
                if len(kinds) == 1:
                    plain = {v: _plain(v) for v in set(values)}
                    values = list(map(plain.__getitem__, values))
                else:  # keyed with the type: an IntEnum member equals its int, not its plain value
                    keys = list(zip(map(type, values), values, strict=True))
                    typed = {key: _plain(key[1]) for key in set(keys)}
                    values = list(map(typed.__getitem__, keys))
            except TypeError:  # a value that cannot be a key
                values = list(map(_plain, values))
        columns[f.name] = values
    return columns


def _json_texts(
    columns: dict[str, list[Any]], names: list[str], texts: list[bool]
) -> Iterator[tuple[Any, ...]]:
    """Each row as it is compared with the stored one: a JSON column's value as the text it is
    stored as (``json.dumps``, as the bulk insert writes it; each distinct list encoded once)."""
    encoded: dict[tuple[Any, ...], str] = {}

    def dumps(value: Any) -> str:
        key = (list, *value) if isinstance(value, list) else (type(value), value)
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = json.dumps(value)
        return text

    shown = [list(map(dumps, columns[n])) if t else columns[n] for n, t in zip(names, texts,
             strict=True)]  # fmt: skip
    return zip(*shown, strict=True)


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
    columns = _field_columns(case.youths)
    names = list(columns)
    # The stored rows to compare with, JSON columns (the area lists) as their stored text: the
    # driver's parsing of 40,000 lists was half of an unchanged national import (issue 15).
    # Equal text is an equal list; a list stored as other text is merely written again.
    texts = [isinstance(youths.c[n].type, JSON) for n in names]
    stored = {
        r[0]: r[1:]
        for r in session.execute(
            select(youths.c.ref, youths.c.id,
                   *(cast(youths.c[n], Text) if t else youths.c[n]
                     for n, t in zip(names, texts, strict=True)))
        )
    }  # fmt: skip
    new, changed = [], []
    if stored:
        ref_at = names.index("ref")
        names_new = [f"new_{n}" for n in names]
        as_text = _json_texts(columns, names, texts)
        for row, seen in zip(zip(*columns.values(), strict=True), as_text, strict=True):
            old = stored.get(row[ref_at])
            if old is None:
                new.append(row)
            elif tuple(old[1:]) != seen:
                changed.append({"_id": old[0], **dict(zip(names_new, row, strict=True))})
        columns = dict(zip(names, map(list, zip(*new, strict=True)), strict=True)) if new else {}
    created = len(case.youths) if not stored else len(new)
    insert_columns(session, youths, columns)
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
    units = _field_columns(case.units)
    if kept and units:  # offered or let dwellings stay as they are
        at = [i for i, ref in enumerate(units["ref"]) if ref not in kept]
        units = {name: [values[i] for i in at] for name, values in units.items()}
    if units:
        insert_columns(session, dwellings, {"week": [week] * len(units["ref"]), **units})
    _store_reports(session, case, week)
    week_policy = _table_of(WeekPolicy)
    text = policy_toml(case.policy)
    if session.execute(select(week_policy.c.week).where(week_policy.c.week == week)).first():
        session.execute(
            update(week_policy).where(week_policy.c.week == week).values(policy_toml=text)
        )
    else:
        session.execute(insert(week_policy).values(week=week, policy_toml=text))
    missing = mark_missing(session, week, (y.ref for y in case.youths))
    bump_pool_version(session, "import", week)
    updated = len(case.youths) - created
    return {"youths_created": created, "youths_updated": updated, "dwellings": len(case.units),
            "missing_youths": missing}  # fmt: skip


def _store_reports(session: Session, case: Case, week: str) -> None:
    """Teams and quota reports as the file gives them (a team or group no longer in it goes:
    no row, no limit), the reported vacancies and the agreement rates' history.

    In bulk (issue 15): per table one read, at most one multi-row INSERT, one UPDATE statement
    executed for the rows that change and one DELETE; no ORM object per row."""
    run_date = case.policy.run_date
    import_id = uuid.uuid4().hex
    team_table = _table_of(TeamRecord)
    team_rows = [{k: _plain(v) for k, v in asdict(team).items()} for team in case.teams]
    _replace_rows(session, team_table, ("team",), team_rows)
    quota_table = _table_of(QuotaRecord)
    reported_at = now()
    quota_rows, report_rows, as_of_by_group = [], [], {}
    rates: list[tuple[tuple[str, str], str, date]] = []
    stored = {(q.organisation, q.dwelling_type): q for q in session.exec(select(QuotaRecord))}
    for quota in case.quotas:
        key = (quota.organisation, quota.dwelling_type.value)
        rate = str(quota.rate) if quota.rate is not None else None
        as_of, at = quota.as_of or run_date, reported_at
        before = stored.get(key)
        if (
            quota.as_of is None
            and before is not None
            and (before.vacancies, before.claimed, before.rate) == (quota.vacancies, quota.claimed,
                                                                    rate)
        ):  # fmt: skip
            # The same counts again with no date: the report the office already had, carried
            # into a new week's files, not a new count as of this run date (which would drop
            # every claim made since the report from the ledger: a walk-through saw 28
            # claims of 26 allowed after such an import). It keeps its date and import time
            # (the history row says which import brought it again).
            as_of, at = before.as_of or run_date, before.reported_at or reported_at
        as_of_by_group[key] = as_of
        quota_rows.append({"organisation": key[0], "dwelling_type": key[1],
                           "vacancies": quota.vacancies, "claimed": quota.claimed, "rate": rate,
                           "as_of": as_of, "reported_at": at})  # fmt: skip
        in_force = quota.rate if quota.rate is not None else case.policy.default_quota_rate
        rates.append((key, str(in_force), as_of))
        report_rows.append({"organisation": key[0], "dwelling_type": key[1],
                            "vacancies": quota.vacancies, "claimed": quota.claimed, "rate": rate,
                            "as_of": as_of, "import_id": import_id,
                            "reported_at": at})  # fmt: skip
    _replace_rows(session, quota_table, ("organisation", "dwelling_type"), quota_rows)
    _record_rates(session, rates, import_id)
    if report_rows:
        session.execute(insert(_table_of(QuotaReport)), report_rows)
    vacancy = _table_of(VacancyRecord)
    reported = set(
        session.execute(select(vacancy.c.dwelling_ref).where(vacancy.c.week == week)).scalars()
    )
    vacancies = [
        {
            "organisation": unit.organisation,
            "dwelling_type": unit.dwelling_type.value,
            "department": unit.department,
            "dwelling_ref": unit.ref,
            "week": week,
            "available_from": unit.available_from,
            "as_of": as_of_by_group.get((unit.organisation, unit.dwelling_type.value), run_date),
            "import_id": import_id,
            "reported_at": reported_at,
        }
        for unit in case.units
        if unit.ref not in reported
    ]
    if vacancies:
        insert_rows(session, vacancy, vacancies)


def _replace_rows(
    session: Session, table: Table, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Make ``table`` hold exactly ``rows`` (keyed by the columns ``key``): rows whose key is
    stored are updated in place where a value differs (they are the ledger's locks), new keys
    inserted, stored keys no longer given deleted. One statement each, none when nothing is
    to do."""
    names = [c.name for c in table.c]
    stored = {
        tuple(r[: len(key)]): tuple(r[len(key) :])
        for r in session.execute(select(*(table.c[k] for k in key), *(table.c[n] for n in names)))
    }
    new, changed = [], []
    for row in rows:
        k = tuple(row[c] for c in key)
        old = stored.pop(k, None)
        if old is None:
            new.append(row)
        elif any(row[n] != v for n, v in zip(names, old, strict=True) if n in row):
            changed.append({f"old_{c}": row[c] for c in key}
                           | {f"new_{n}": row[n] for n in row if n not in key})  # fmt: skip
    if changed:
        columns = [n for n in rows[0] if n not in key]
        statement = (
            update(table)
            .where(*(table.c[c] == bindparam(f"old_{c}") for c in key))
            .values({n: bindparam(f"new_{n}") for n in columns})
        )
        session.connection().execute(statement, changed)
    if new:
        session.execute(insert(table), new)
    if stored:
        gone = tuple_(*(table.c[c] for c in key)).in_(list(stored))
        session.execute(delete(table).where(gone))


def _record_rates(
    session: Session, rates: list[tuple[tuple[str, str], str, date]], import_id: str
) -> None:
    """Add each group's rate from its date to the history unless it is already in force then:
    a rate recorded for the same day is corrected, a rate equal to the one in force before is
    not repeated. One read of the history (the groups' organisations), one INSERT, one UPDATE."""
    if not rates:
        return
    table = _table_of(AgreementRate)
    history: dict[tuple[str, str], dict[date, list[Any]]] = {}
    organisations = sorted({key[0] for key, _, _ in rates})
    columns = ("id", "organisation", "dwelling_type", "rate", "valid_from")
    for id_, organisation, dwelling_type, rate, valid_from in session.execute(
        select(*(table.c[c] for c in columns)).where(table.c.organisation.in_(organisations))
    ):
        history.setdefault((organisation, dwelling_type), {})[valid_from] = [id_, rate]
    new: list[dict[str, Any]] = []
    changed: dict[int, dict[str, Any]] = {}
    for key, rate, valid_from in rates:
        group = history.setdefault(key, {})
        same_day = group.get(valid_from)
        if same_day is not None:
            if Fraction(same_day[1]) != Fraction(rate):
                same_day[1] = rate
                if same_day[0] is None:  # added by this import (a group given twice)
                    same_day[2].update(rate=rate)
                else:
                    changed[same_day[0]] = {"_id": same_day[0], "new_rate": rate}
            continue
        before = max((d for d in group if d < valid_from), default=None)
        if before is None or Fraction(group[before][1]) != Fraction(rate):
            row = {"organisation": key[0], "dwelling_type": key[1], "rate": rate,
                   "valid_from": valid_from, "import_id": import_id}  # fmt: skip
            group[valid_from] = [None, rate, row]
            new.append(row)
    if changed:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(rate=bindparam("new_rate"), import_id=import_id)
        )
        session.connection().execute(statement, list(changed.values()))
    if new:
        session.execute(insert(table), new)


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
    # The decisions in force the snapshot leaves out, each {"decision": id, "code", "params"}
    # (:func:`standing`; a run adds the pins the engine cannot honour, ``usecases.runs``).
    set_aside: tuple[dict[str, Any], ...] = ()

    def case(self) -> Case:
        """The case of ``files``: :func:`solver.caseio.read.read_cells`, the same ``Case`` as
        reading the files (tests/service/test_snapshot.py compares the two)."""
        return read_cells(self.cells, self.files)

    def without(self, name: str, rows: set[int]) -> Snapshot:
        """The snapshot less the data ``rows`` of file ``name``, numbered as the case's issues
        number them (the header is row 1); a file left without rows is left out."""
        kept = [cells for at, cells in enumerate(self.cells[name], start=2) if at not in rows]
        cells, files = dict(self.cells), dict(self.files)
        if kept:
            cells[name] = kept
            files[name] = cells_csv([c.name for c in COLUMNS[name]], kept).encode()
        else:
            del cells[name], files[name]
        return Snapshot(files, cells, self.set_aside)


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
    decisions, set_aside = standing(
        d
        for d in session.exec(
            select(DecisionRecord)
            .where(DecisionRecord.week == week, col(DecisionRecord.revoked_at).is_(None))
            .order_by(col(DecisionRecord.id))
        ).all()
        if (d.youth_ref is None or d.youth_ref in youth_refs)
        and (d.unit_ref is None or d.unit_ref in unit_refs)
    )
    cells = {
        "youths.csv": cells_of(youths),
        "units.csv": cells_of(dwellings),
        "support.csv": cells_of(record_values(SUPPORT_COLUMNS, teams)),
        "quotas.csv": cells_of(record_values(QUOTA_COLUMNS, quotas)),
    }
    decision_rows = record_values(DECISION_COLUMNS, decisions)
    decision_rows += declined_bans(session, youth_refs, unit_refs, decisions)
    if decision_rows:
        cells["decisions.csv"] = cells_of(decision_rows)
    files = {name: cells_csv([c.name for c in COLUMNS[name]], rows).encode()
             for name, rows in cells.items()}  # fmt: skip
    files["policy.toml"] = policy.policy_toml.encode()
    return Snapshot(files, cells, tuple(set_aside))


def standing(
    decisions: Iterable[DecisionRecord],
) -> tuple[list[DecisionRecord], list[dict[str, Any]]]:
    """Of the decisions that apply to the week (in the order made), those that stand, and the
    rest set aside: of two that contradict each other (two pins of one youth or of one
    dwelling, a ban covering a pinned pair) the later stands.

    Each was checked against the decisions that applied when it was made, but one made while
    an earlier one did not apply (its youth had an offer, say) meets it again once that offer
    is declined: the later one is the allocator's current intent. The run page says which was
    set aside and why (code ``decision_superseded``, naming the later decision)."""
    kept: list[DecisionRecord] = []
    set_aside: list[dict[str, Any]] = []
    pinned: dict[tuple[str | None, str | None], int] = {}  # (youth, None), (None, unit), pair
    banned: dict[tuple[str | None, str | None], int] = {}  # the ban's own (youth, unit)
    for d in sorted(decisions, key=lambda d: d.id or 0, reverse=True):
        y, u = d.youth_ref, d.unit_ref
        if d.kind == DecisionKind.PIN.value:
            covering = ((y, u), (y, None), (None, u))
            later = [pinned.get((y, None)), pinned.get((None, u))]
            later += [banned.get(key) for key in covering]
        else:
            later = [pinned.get((y, u))]
        by = next((i for i in later if i is not None), None)
        if by is not None:
            set_aside.append({"decision": d.id, "code": "decision_superseded",
                              "params": {"by": by}})  # fmt: skip
            continue
        assert d.id is not None
        kept.append(d)
        if d.kind == DecisionKind.PIN.value:
            pinned.update({(y, None): d.id, (None, u): d.id, (y, u): d.id})
        else:
            banned[(y, u)] = d.id
    kept.reverse()
    set_aside.reverse()
    return kept, set_aside


def declined_bans(
    session: Session, youth_refs: set[str], unit_refs: set[str], decisions: list[DecisionRecord]
) -> list[list[Any]]:
    """A ban (decisions.csv row) for each waiting youth and vacant dwelling of the snapshot
    that the youth declined an offer of, in any week: declining costs no priority (domain.md
    §6), but the run does not propose that dwelling to them again. The allocator's own pin of
    the pair wins (the youth changed their mind), and an override offer may still make it; a
    ban of the pair already in force is not repeated. The reason names the offer."""
    pairs = {(d.youth_ref, d.unit_ref) for d in decisions if d.youth_ref and d.unit_ref}
    rows: list[list[Any]] = []
    declined = (
        select(Offer.youth_ref, Offer.dwelling_ref, Offer.id)
        .where(Offer.state == OfferState.DECLINED.value)
        .order_by(col(Offer.id))
    )
    for youth_ref, unit_ref, offer_id in session.execute(declined):
        if youth_ref in youth_refs and unit_ref in unit_refs and (youth_ref, unit_ref) not in pairs:
            pairs.add((youth_ref, unit_ref))
            reason = message("decision.declined_offer", "da", offer=offer_id)
            rows.append([youth_ref, unit_ref, "ban", reason])
    return rows


def snapshot_files(session: Session, week: str) -> dict[str, bytes]:
    """The week's input as case-folder files (:func:`week_snapshot`)."""
    return week_snapshot(session, week).files


def _columns(
    session: Session, columns: Any, table: Table, where: tuple[Any, ...], order: Any
) -> list[Any]:
    """The rows of ``table`` as tuples of the case format's ``columns`` (no ORM objects).

    A list (JSON) is read as its text and decoded only when it is not empty; SQLite stores a
    date as its ISO text, which is the cell a snapshot writes, so there it is read as text (not
    made a ``date`` to be written back). A city's week has ~2,700 dates and ~1,800 lists
    (issue 15)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    picked, lists = [], []
    for at, spec in enumerate(columns):
        column = table.c[spec.name]
        if isinstance(column.type, JSON):
            lists.append(at)
            column = type_coerce(column, String) if sqlite else cast(column, String)
        elif sqlite and isinstance(column.type, Date):
            column = type_coerce(column, String)
        picked.append(column)
    query = select(*picked).where(*where)
    if order is not None:
        query = query.order_by(table.c[order] if isinstance(order, str) else order)
    rows = list(session.execute(query).all())
    if not lists:
        return rows
    out = [list(row) for row in rows]
    for at in lists:
        for values, items in zip(out, _list_cells([row[at] for row in rows]), strict=True):
            values[at] = items
    return out


_ESCAPE = re.compile(r"\\u[0-9a-f]{4}")


def _list_cells(texts: list[str]) -> list[Any]:
    """A column of stored JSON lists as what :func:`solver.caseio.write.cells_of` writes for
    them: each list's cell (its items joined by ``;``), else the list itself.

    A national week's youths hold 20,000 lists of ~35 excluded areas (12 MB of JSON, ~0.2 s to
    decode, issue 15). When the column is lists of strings as both databases hold what
    SQLAlchemy and COPY write (``json.dumps``: ``["A", "B"]``, a letter beyond ASCII written
    ``\u00e5``), the cells are cut from the text (:func:`_cut_cells`); any other column is
    decoded."""
    if None not in texts:
        cells = _cut_cells("\x00".join(texts), len(texts))
        if cells is not None:
            return cells
    return [[] if text == "[]" else json.loads(text) for text in texts]


def _cut_cells(joined: str, count: int) -> list[str] | None:
    """The cells of ``count`` JSON lists joined by NUL, or None when the text is not of the
    plain shape. Each distinct escape is replaced by its letter once over the whole column
    (one pass per letter, a few for Danish names); an escape of a character below U+0080 (a
    quote, a backslash, a control character) or of half a surrogate pair, or any other
    backslash, is not plain. Then every quote must be one that opens or closes a list's items
    (``["`` … ``"]``), the items separated by ``", "``: no item holds a quote."""
    while (at := joined.find("\\")) >= 0:
        escape = joined[at : at + 6]
        if not _ESCAPE.fullmatch(escape):
            return None
        code = int(escape[2:], 16)
        if code < 0x80 or 0xD800 <= code <= 0xDFFF:
            return None
        joined = joined.replace(escape, chr(code))
    joined = joined.replace('", "', ";")
    texts = joined.split("\x00")
    if len(texts) != count:
        return None
    cells, quoted = [], 0
    for text in texts:
        if text == "[]":
            cells.append("")
        elif len(text) >= 4 and text[:2] == '["' and text[-2:] == '"]':
            cells.append(text[2:-2])
            quoted += 1
        else:
            return None
    return cells if joined.count('"') == 2 * quoted else None


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
    policy = session.exec(select(WeekPolicy).order_by(col(WeekPolicy.week).desc()).limit(1)).first()
    if policy is None:
        raise LookupError("nothing has been imported yet")
    return week_snapshot(session, policy.week).case()


def files_json(files: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode() for k, v in files.items()}


def files_from_json(data: dict[str, str]) -> dict[str, bytes]:
    return {k: v.encode() for k, v in data.items()}


def pool_case(session: Session, weeks_back: int = 12) -> tuple[Case, list[str]] | None:
    """The queue's view: every youth (with their statuses) over the latest week's vacancies and
    the dwellings of the ``weeks_back`` weeks before it, under the latest week's policy; the
    teams' caseloads count the slots open offers hold, as a run's do (a team whose last slot
    an offer holds was once shown to its case workers as blocking nobody), and the quota groups
    the claims left (a youth whose every dwelling lies in a group with none left is blocked)."""
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
    teams = ledger.net_team_rows(session)  # a slot held by an open offer is taken (as in runs)
    # The § 59 claims left now, as a run counts them (claims since the report, offers' holds):
    # the queue's ``quota_exhausted`` block, never its position.
    quotas = ledger.net_quota_rows(session, stored_policy(policies[0]))
    files = {
        "youths.csv": _table(YOUTH_COLUMNS, list(youths)),
        "units.csv": _table(UNIT_COLUMNS, [latest[k] for k in sorted(latest)]),
        "support.csv": _table(SUPPORT_COLUMNS, teams),
        "quotas.csv": _table(QUOTA_COLUMNS, quotas),
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
