"""Conversations, their messages, the evidence customers send, and the outbox of replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base, enum_column
from handoff.store.models.enums import (
    Author,
    ConversationMode,
    Direction,
    EvidenceKind,
    OutboxStatus,
)


class Conversation(Base):
    """One conversation per customer identity (so per channel).

    ``state`` is the dialogue engine's persisted state (active flow, slots, counters): it is
    saved in the same transaction as the message that changed it, so a restart continues the flow.
    """

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    mode: Mapped[ConversationMode] = enum_column(ConversationMode, default=ConversationMode.BOT)
    locale: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", use_alter=True))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    def corner(self, key: str) -> dict[str, Any]:
        """A copy of one owner's corner of ``state`` (the desk's, the waiting room's …)."""
        return dict((self.state or {}).get(key) or {})

    def set_corner(self, key: str, corner: dict[str, Any]) -> None:
        # A new dict, so SQLAlchemy sees the JSON column change.
        self.state = {**(self.state or {}), key: corner}


class Message(Base):
    """A turn in a conversation, in either direction.

    ``idempotency_key`` is ``<channel>:<platform update id>`` for inbound messages (and any stable
    key for outbound ones); the unique constraint is what makes a redelivered update a no-op.
    """

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_created", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[Direction] = enum_column(Direction)
    author: Mapped[Author] = enum_column(Author)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)  # buttons, images of a reply
    nlu: Mapped[dict[str, Any] | None] = mapped_column()  # parse result of an inbound text
    idempotency_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime]


class Evidence(Base):
    """A photo (or file) a customer sent, stored by an EvidenceStore; attached to a case later."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    kind: Mapped[EvidenceKind] = enum_column(EvidenceKind)
    uri: Mapped[str] = mapped_column(String(512))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A reply waiting to be delivered to a channel.

    Written in the same transaction as the message it carries, delivered by the outbox worker
    with retries and backoff; ``dedupe_key`` keeps one delivery per reply.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_recipient", "channel", "recipient", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
