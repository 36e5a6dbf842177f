"""orders: delivery method, pickup store, pickup deadline and pickup code (regions)

Revision ID: 0009_regions
Revises: 0008_workspace
Create Date: 2026-12-03 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0009_regions"
down_revision = "0008_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "delivery_method",
            sa.Enum("home", "store", "pickup_point", name="deliverymethod", native_enum=False,
                    length=24),
            nullable=False, server_default="home"))
        batch_op.add_column(sa.Column("pickup_store", sa.String(length=128), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("pickup_deadline",
                                      store_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("pickup_code", sa.String(length=32), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name in ("pickup_code", "pickup_deadline", "pickup_store", "delivery_method"):
            batch_op.drop_column(name)
