"""the case lifecycle: a youth's withdrawal (reason, text, when, by whom) and missing-from-import
flag; a minor's guardian consent on an offer (issue 10, items 4 and 5)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_reason", text(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_text", text(), nullable=True))
        batch_op.add_column(
            sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("withdrawn_by", text(), nullable=True))
        batch_op.add_column(sa.Column("missing_since", text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_youth_missing_since"), ["missing_since"], unique=False)
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guardian", text(), nullable=True))
        batch_op.add_column(sa.Column("consent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("consent_by", text(), nullable=True))
        batch_op.add_column(
            sa.Column("consent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        for name in ("consent_at", "consent_by", "consent_on", "guardian"):
            batch_op.drop_column(name)
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youth_missing_since"))
        for name in ("missing_since", "withdrawn_by", "withdrawn_at", "withdrawn_text",
                     "withdrawn_reason"):  # fmt: skip
            batch_op.drop_column(name)
