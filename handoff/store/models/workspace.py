"""The agent workspace's own tables: canned replies that supervisors keep per locale."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base


class CannedReply(Base):
    """A saved reply agents insert with ``/shortcut``; ``{name}`` and ``{order}`` are filled in
    from the case when inserted."""

    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("locale", "shortcut"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(16))
    shortcut: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime]
