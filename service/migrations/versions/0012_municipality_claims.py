"""claims the municipality made outside Boligmatch, recorded by hand: who recorded one, the
office's note, and its withdrawal when recorded by mistake

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = ("created_by", "note", "withdrawn_at", "withdrawn_by")


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", text(), nullable=True))
        batch_op.add_column(sa.Column("note", text(), nullable=True))
        batch_op.add_column(
            sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("withdrawn_by", text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
