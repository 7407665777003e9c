"""case format 2 columns: youth case_worker, dwelling address and contact, team shared_caseload

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("case_worker", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_youth_case_worker"), ["case_worker"], unique=False)
    with op.batch_alter_table("dwelling", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_caseload", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("shared_caseload")
    with op.batch_alter_table("dwelling", schema=None) as batch_op:
        batch_op.drop_column("contact")
        batch_op.drop_column("address")
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youth_case_worker"))
        batch_op.drop_column("case_worker")
