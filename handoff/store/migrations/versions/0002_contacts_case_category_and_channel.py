"""contacts, case category and channel

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 03:36:43.515941
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("issue", sa.String(length=48), nullable=False),
        sa.Column("first_at", store_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", store_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_contacts_conversation_id_conversations")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_contacts_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_person_issue", ["person_id", "order_id", "issue"],
                              unique=False)
    # server_default: existing case rows get an empty category and channel.
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("channel")
        batch_op.drop_column("category")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_person_issue")
    op.drop_table("contacts")
