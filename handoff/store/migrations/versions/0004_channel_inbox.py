"""channel inbox: LINE webhook events stored before they are acknowledged

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 05:33:13.645062
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", store_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", store_types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("processed_at", store_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_inbox")),
        sa.UniqueConstraint("key", name=op.f("uq_channel_inbox_key")),
    )
    with op.batch_alter_table("channel_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_channel_inbox_pending",
                              ["channel", "processed_at", "recipient"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channel_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_inbox_pending")
    op.drop_table("channel_inbox")
