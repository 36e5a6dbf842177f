"""Console access: server-side sessions, sign-in throttles and the credential audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base


class AgentSession(Base):
    """One signed-in console session. The cookie carries a random nonce; only its digest is
    stored, so a leaked table opens nothing. Deleting the row ends the session at once."""

    __tablename__ = "agent_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(nonce) in hex
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class SignInThrottle(Base):
    """Failed sign-ins per key: a digest of the typed name (known or not) or a client address.

    Keying by the typed name, not the agent row, is what makes an unknown name lock exactly
    like a real one, so the lock-out does not reveal which names exist.
    """

    __tablename__ = "signin_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class AgentAuditEntry(Base):
    """Who did what to whose credentials, and when (deactivate, reset password, rotate token,
    sign out everywhere). ``actor`` is an agent name or ``cli``."""

    __tablename__ = "agent_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    detail: Mapped[str] = mapped_column(String(256), default="")
