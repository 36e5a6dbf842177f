"""The channel inbox: platform events stored before they are acknowledged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base


class ChannelInboxEntry(Base):
    """One verified webhook event (its raw JSON), written before the platform got its 200.

    A platform does not redeliver what it saw acknowledged, so the row is what survives a crash
    between the answer and the turn: it stays pending (``processed_at`` NULL) until the turn
    committed, and any worker picks it up again once ``next_attempt_at`` has passed.
    """

    __tablename__ = "channel_inbox"
    __table_args__ = (Index("ix_channel_inbox_pending", "channel", "processed_at", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(128), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Failures other than a store outage; at the limit the row is parked (``parked_at``): it
    # stops holding back the customer's later events and waits for an operator's retry.
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    parked_at: Mapped[datetime | None]
