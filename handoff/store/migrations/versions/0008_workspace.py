"""workspace: agent availability (online / away / offline) and canned replies per locale

Revision ID: 0008_workspace
Revises: 0007_scale
Create Date: 2026-12-03 05:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0008_workspace"
down_revision = "0007_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        # Everyone starts offline: they come online by signing in to the console.
        batch_op.add_column(sa.Column(
            "availability",
            sa.Enum("online", "away", "offline", name="availability", native_enum=False,
                    length=24),
            nullable=False, server_default="offline"))
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("shortcut", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", store_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
        sa.UniqueConstraint("locale", "shortcut", name=op.f("uq_canned_replies_locale")),
    )


def downgrade() -> None:
    op.drop_table("canned_replies")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_column("availability")
