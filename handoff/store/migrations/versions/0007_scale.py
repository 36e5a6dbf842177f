"""scale: cases.version (the compare-and-set counter of every case change) and
model_deployments (the deployed NLU model every worker follows)

Revision ID: 0007_scale
Revises: 0006
Create Date: 2026-12-03 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0007_scale"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "model_deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("deployed_at", store_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("model_deployments")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("version")
