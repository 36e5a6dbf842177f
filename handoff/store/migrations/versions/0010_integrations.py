"""integrations: orders.updated_at for `aftersales orders sync`; an outbox index per recipient
(webhook and chat deliveries leave in order per recipient)

Revision ID: 0010_integrations
Revises: 0009_regions
Create Date: 2026-12-03 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0010_integrations"
down_revision = "0009_regions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", store_types.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_recipient", ["channel", "recipient", "status"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_recipient")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
