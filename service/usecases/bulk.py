"""Many rows into one table, in the caller's transaction: PostgreSQL's COPY, else one
executemany INSERT.

psycopg sends an executemany as one statement per row (pipelined); COPY sends the rows as one
stream, which is what makes a national import (20,000 youths) and a national run's proposals
cheap on PostgreSQL (issue 15). The rows are the same either way: a column a row does not give
takes its Python-side default (``status``, ``updated_at``) as SQLAlchemy's INSERT would, else
the database's (the id's sequence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlmodel import Session

COPY_FROM = 64  # fewer rows: one INSERT (COPY's set-up costs more than it saves)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values, every row the same keys) into ``table``."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql" or len(rows) < COPY_FROM:
        session.execute(insert(table), list(rows))
        return
    from psycopg import sql
    from psycopg.types.json import Json

    given = list(rows[0])
    defaults = {
        c.name: c.default
        for c in table.columns
        if c.name not in given and c.default is not None and not c.primary_key
    }
    if any(not (d.is_scalar or d.is_callable) for d in defaults.values()):  # a SQL default
        session.execute(insert(table), list(rows))
        return
    names = given + list(defaults)
    # A JSON column stores Python's None as JSON null unless it says none_as_null (SQLAlchemy).
    json = {c.name: bool(c.type.none_as_null) for c in table.columns if isinstance(c.type, JSON)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[n] for n in given]
            values += [
                d.arg if d.is_scalar else d.arg(None)  # type: ignore[attr-defined]
                for d in defaults.values()
            ]
            copy.write_row(
                [
                    Json(v) if n in json and not (v is None and json[n]) else v
                    for n, v in zip(names, values, strict=True)
                ]
            )
