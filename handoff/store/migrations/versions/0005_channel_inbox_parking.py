"""channel inbox: count failures and park an event that keeps failing

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channel_inbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("parked_at",
                                      store_types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channel_inbox", schema=None) as batch_op:
        batch_op.drop_column("parked_at")
        batch_op.drop_column("failures")
