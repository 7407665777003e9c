"""Many rows into one table, in the caller's transaction: PostgreSQL's COPY, SQLite's own
executemany, else SQLAlchemy's executemany INSERT.

psycopg sends an executemany as one statement per row (pipelined); COPY sends the rows as one
stream, which is what makes a national import (20,000 youths) and a national run's proposals
cheap on PostgreSQL (issue 15). On SQLite the rows go to the driver's ``executemany`` with each
value bound as SQLAlchemy would bind it (the column type's bind processor), without
SQLAlchemy's per-row parameter handling; a JSON value repeated among the rows (a run's
proposals share a few dozen reasons) is encoded once. The rows are the same either way: a
column a row does not give takes its Python-side default (``status``, ``updated_at``) as
SQLAlchemy's INSERT would, else the database's (the id's sequence).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlmodel import Session

BULK_FROM = 64  # fewer rows: one SQLAlchemy INSERT (the set-up costs more than it saves)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values, every row the same keys) into ``table``."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    filled = _with_defaults(table, rows) if len(rows) >= BULK_FROM else None
    if filled is None or dialect not in ("postgresql", "sqlite"):
        session.execute(insert(table), list(rows))
    elif dialect == "postgresql":
        _copy(session, table, *filled)
    else:
        _executemany(session, table, *filled)


def _with_defaults(
    table: Table, rows: Sequence[dict[str, Any]]
) -> tuple[list[str], list[list[Any]]] | None:
    """The column names and each row's values, with the Python-side defaults of the columns the
    rows do not give; None when a default is SQL (left to SQLAlchemy's INSERT)."""
    given = list(rows[0])
    defaults = [
        (c.name, c.default)
        for c in table.columns
        if c.name not in given and c.default is not None and not c.primary_key
    ]
    if any(not (d.is_scalar or d.is_callable) for _, d in defaults):
        return None
    names = given + [name for name, _ in defaults]
    values = []
    for row in rows:
        filled = [row[n] for n in given]
        filled += [
            d.arg if d.is_scalar else d.arg(None)  # type: ignore[attr-defined]
            for _, d in defaults
        ]
        values.append(filled)
    return names, values


def _copy(session: Session, table: Table, names: list[str], values: list[list[Any]]) -> None:
    from psycopg import sql

    # A JSON value goes as its text (``json.dumps``, as SQLAlchemy's and psycopg's JSON
    # adapters write it), a repeated one encoded once; Python's None is JSON null unless the
    # column says none_as_null (SQLAlchemy), then SQL NULL.
    encoders: list[Callable[[Any], Any] | None] = []
    for name in names:
        column_type = table.c[name].type
        if not isinstance(column_type, JSON):
            encoders.append(None)
        elif column_type.none_as_null:
            encoders.append(_null_or(_encoded_once(json.dumps)))
        else:
            encoders.append(_encoded_once(json.dumps))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(
                [
                    v if encode is None else encode(v)
                    for v, encode in zip(row, encoders, strict=True)
                ]
            )


def _null_or(encode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else encode(value)


def _executemany(session: Session, table: Table, names: list[str], values: list[list[Any]]) -> None:
    connection = session.connection()
    dialect = connection.dialect
    binds: list[Callable[[Any], Any] | None] = []
    for name in names:
        column_type = table.c[name].type
        bind = column_type.dialect_impl(dialect).bind_processor(dialect)
        binds.append(_encoded_once(bind) if bind and isinstance(column_type, JSON) else bind)
    quote = dialect.identifier_preparer.quote
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table.name), ", ".join(map(quote, names)), ", ".join("?" * len(names))
    )
    rows = [
        tuple(v if bind is None else bind(v) for v, bind in zip(row, binds, strict=True))
        for row in values
    ]
    connection.exec_driver_sql(statement, rows)


def _encoded_once(bind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``bind`` remembering its result for flat dicts and None, the JSON a run's proposals
    repeat (``fit``, ``reason_params``). Insertion order is part of the key, as it is of the
    text."""
    seen: dict[Any, Any] = {}

    def encode(value: Any) -> Any:
        if value is None:
            key: Any = None
        elif isinstance(value, dict):
            # The type is in the key: 1, 1.0 and True are equal keys but not the same JSON.
            key = tuple((k, v.__class__, v) for k, v in value.items())
            try:
                hash(key)
            except TypeError:  # a nested list or dict: not remembered
                return bind(value)
        else:
            return bind(value)
        hit = seen.get(key, seen)
        if hit is seen:
            hit = seen[key] = bind(value)
        return hit

    return encode
