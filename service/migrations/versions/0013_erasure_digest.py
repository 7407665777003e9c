"""an erasure on request keeps a keyed digest of the erased reference, so an import or a
registration that would bring the youth back is refused; the installation's key for it

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 09:20:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("youth_erasure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref_digest", text(), nullable=True))
        batch_op.create_index("ix_youth_erasure_ref_digest", ["ref_digest"], unique=False)
    site_key = op.create_table(
        "site_key",
        sa.Column("name", text(), nullable=False),
        sa.Column("value", text(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(site_key, [{"name": "erasure", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("site_key")
    with op.batch_alter_table("youth_erasure", schema=None) as batch_op:
        batch_op.drop_index("ix_youth_erasure_ref_digest")
        batch_op.drop_column("ref_digest")
