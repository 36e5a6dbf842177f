"""telegram agent group: case topics and agents' telegram user ids

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 03:58:28.811077
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from handoff.store.models import types as store_types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_thread_id", sa.BigInteger(), nullable=True),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.Column("last_evidence_id", sa.Integer(), nullable=False),
        sa.Column("last_notification_id", sa.Integer(), nullable=False),
        sa.Column("created_at", store_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_topics_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_topics")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_topics_case_id")),
    )
    with op.batch_alter_table("case_topics", schema=None) as batch_op:
        batch_op.create_index("ix_case_topics_thread", ["chat_id", "message_thread_id"],
                              unique=True)
    # Nullable: existing agents are simply not linked to a Telegram account yet.
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_user_id", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_agents_telegram_user_id"),
                                          ["telegram_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_agents_telegram_user_id"), type_="unique")
        batch_op.drop_column("telegram_user_id")
    with op.batch_alter_table("case_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_case_topics_thread")
    op.drop_table("case_topics")
