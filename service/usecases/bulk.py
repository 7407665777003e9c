"""Many rows into one table, in the caller's transaction: PostgreSQL's COPY, SQLite's own
executemany, else SQLAlchemy's executemany INSERT.

psycopg sends an executemany as one statement per row (pipelined); COPY sends the rows as one
stream, which is what makes a national import (20,000 youths) and a national run's proposals
cheap on PostgreSQL (issue 15). On SQLite the rows go to the driver's ``executemany`` with each
column bound as SQLAlchemy would bind it (the column type's bind processor), without
SQLAlchemy's per-row parameter handling. Rows are given as columns (``insert_columns``; an
import's youths come straight from the case's fields) or as dicts (``insert_rows``); a value
a column repeats is bound once (``_encoded_once``). The rows are the same either way: a column
a row does not give takes its Python-side default (``status``, ``updated_at``) as
SQLAlchemy's INSERT would, else the database's (the id's sequence).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlmodel import Session

# Values whose equal instances of one type are bound alike (not floats: 0.0 == -0.0; not
# datetimes: equal instants in two time zones).
_SCALARS = frozenset((type(None), str, int, bool, date))
_TEXT = frozenset((str,))
BULK_FROM = 64  # fewer rows: one SQLAlchemy INSERT (the set-up costs more than it saves)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values, every row the same keys) into ``table``."""
    if len(rows) < BULK_FROM:
        if rows:
            session.execute(insert(table), list(rows))
        return
    insert_columns(session, table, {name: [r[name] for r in rows] for name in rows[0]})


def insert_columns(session: Session, table: Table, columns: Mapping[str, Sequence[Any]]) -> None:
    """Insert rows given as columns (name -> the rows' values, in order) into ``table``: an
    import's 20,000 youths without a dict per row."""
    count = len(next(iter(columns.values()), ()))
    if count == 0:
        return
    dialect = session.get_bind().dialect.name
    defaults = _defaults(table, list(columns), count) if count >= BULK_FROM else None
    if defaults is None or dialect not in ("postgresql", "sqlite"):
        names = list(columns)
        rows = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        session.execute(insert(table), rows)
        return
    names = list(columns) + list(defaults)
    values = [*columns.values(), *defaults.values()]
    if dialect == "postgresql":
        _copy(session, table, names, values)
    else:
        _executemany(session, table, names, values)


def _defaults(table: Table, given: list[str], count: int) -> dict[str, list[Any]] | None:
    """The Python-side defaults of the columns not ``given``, a value per row (a callable's
    called for each, as SQLAlchemy's INSERT does); None when a default is SQL (left to
    SQLAlchemy's INSERT)."""
    defaults = [
        (c.name, c.default)
        for c in table.columns
        if c.name not in given and c.default is not None and not c.primary_key
    ]
    if any(not (d.is_scalar or d.is_callable) for _, d in defaults):
        return None
    out: dict[str, list[Any]] = {}
    for name, default in defaults:
        arg: Any = default.arg  # type: ignore[attr-defined]
        out[name] = [arg] * count if default.is_scalar else [arg(None) for _ in range(count)]
    return out


def _copy(session: Session, table: Table, names: list[str], columns: list[Sequence[Any]]) -> None:
    from psycopg import sql

    # A JSON value goes as its text (``json.dumps``, as SQLAlchemy's and psycopg's JSON
    # adapters write it), a repeated one encoded once; Python's None is JSON null unless the
    # column says none_as_null (SQLAlchemy), then SQL NULL.
    encoded = []
    for name, values in zip(names, columns, strict=True):
        column_type = table.c[name].type
        if not isinstance(column_type, JSON):
            encoded.append(values)
            continue
        encode = _encoded_once(json.dumps)
        if column_type.none_as_null:
            encode = _null_or(encode)
        encoded.append(list(map(encode, values)))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in zip(*encoded, strict=True):
            copy.write_row(row)


def _null_or(encode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else encode(value)


def _executemany(
    session: Session, table: Table, names: list[str], columns: list[Sequence[Any]]
) -> None:
    connection = session.connection()
    dialect = connection.dialect
    bound = []
    for name, values in zip(names, columns, strict=True):
        bind = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        bound.append(values if bind is None else list(map(_encoded_once(bind), values)))
    quote = dialect.identifier_preparer.quote
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table.name), ", ".join(map(quote, names)), ", ".join("?" * len(names))
    )
    connection.exec_driver_sql(statement, list(zip(*bound, strict=True)))


def _encoded_once(bind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``bind`` remembering its result for the values a column repeats: None, dates and other
    scalars, flat dicts, lists of texts (a run's proposals share a few dozen reasons; a national
    import's 20,000 lists of excluded areas are 48 distinct, its birth dates a few thousand).
    The type is part of the key (1, 1.0 and True are equal keys but not the same value bound),
    and a dict's insertion order, as it is of its text."""
    seen: dict[Any, Any] = {}

    def encode(value: Any) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            key: Any = (kind, value)
        elif kind is dict:
            # The type is in the key: 1, 1.0 and True are equal keys but not the same JSON.
            key = tuple((k, v.__class__, v) for k, v in value.items())
            try:
                hash(key)
            except TypeError:  # a nested list or dict: not remembered
                return bind(value)
        elif kind in (list, tuple) and set(map(type, value)) <= _TEXT:
            key = (list, *value)  # a list of texts (areas): the same JSON as a tuple
        else:
            return bind(value)
        hit = seen.get(key, seen)
        if hit is seen:
            hit = seen[key] = bind(value)
        return hit

    return encode
