"""Where a case is worked in the Telegram agent group: its forum topic and how far the topic has
been brought up to date (cursors over messages, evidence and notifications)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base


class CaseTopic(Base):
    """One forum topic per case in the agent chat.

    ``message_thread_id`` is NULL between reserving the row and the platform creating the topic.
    The ``last_*`` cursors are advanced in the same transaction that queues the posts, so a
    restart never posts an item twice.
    """

    __tablename__ = "case_topics"
    __table_args__ = (Index("ix_case_topics_thread", "chat_id", "message_thread_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_thread_id: Mapped[int | None] = mapped_column(BigInteger)
    last_message_id: Mapped[int] = mapped_column(default=0)
    last_evidence_id: Mapped[int] = mapped_column(default=0)
    last_notification_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
