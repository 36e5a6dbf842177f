"""Contacts: one row each time a person gets in touch about an (order, issue).

"Third contact about the same issue" counts these rows by ``person_id``, so contacts from
Telegram, LINE and web chat add up once the identities are linked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base


class Contact(Base):
    """A customer contact about one issue (a burst of messages on one channel)."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_person_issue", "person_id", "order_id", "issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    channel: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str] = mapped_column(String(32), default="")
    issue: Mapped[str] = mapped_column(String(48))
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
