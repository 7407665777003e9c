"""Schema migrations (alembic), run programmatically: ``boligmatch db upgrade``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def grant_app_role(url: str, role: str) -> None:
    """PostgreSQL: give the application's role what it needs and no more (docs/security.md).

    The schema belongs to the role that runs the migrations (``boligmatch db upgrade``); the
    service connects as ``role``, which may read and write every table but may only read and
    append to ``audit_event`` (no UPDATE, DELETE or TRUNCATE) and only read ``alembic_version``.
    Run it after every upgrade (new tables)."""
    import re

    from sqlalchemy import create_engine, text

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"role {role!r}: lower-case letters, digits and _ only")
    engine = create_engine(url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise ValueError("roles are PostgreSQL's; SQLite has the triggers only")
    with engine.begin() as conn:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM {role}",
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role}",
        ):
            conn.execute(text(statement))
    engine.dispose()
