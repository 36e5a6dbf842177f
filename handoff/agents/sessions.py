"""Server-side console sessions: a row per sign-in, so signing out really ends the session.

The console cookie carries a random nonce; the row is keyed by its SHA-256, and a request is
accepted only while the row exists, has not expired and was seen within the idle timeout.
Sign-out deletes the row; a password reset, role change, deactivation or "sign out everywhere"
deletes every row of the agent. Signing in makes the agent available (online); when their last
session ends or expires they go offline, so auto-assignment stops giving them cases.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from handoff.store.models import Agent, AgentSession, Availability

# Writing last_seen_at on every request would make each page view a write; a minute of
# slack on a timeout of hours changes nothing.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lives at most, and how long it may sit unused."""

    lifetime: timedelta
    idle: timedelta


def session_key(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def open_session(db: Session, agent_id: int, nonce: str, now: datetime,
                 limits: SessionLimits) -> None:
    db.add(AgentSession(id=session_key(nonce), agent_id=agent_id, created_at=now,
                        last_seen_at=now, expires_at=now + limits.lifetime))
    agent = db.get(Agent, agent_id)
    if agent is not None and agent.availability is Availability.OFFLINE:
        agent.availability = Availability.ONLINE


def live_session(db: Session, agent_id: int, nonce: str, now: datetime,
                 limits: SessionLimits) -> bool:
    """True while the session row exists, belongs to ``agent_id``, and is neither expired nor
    idle; a dead row is deleted on the way."""
    row = db.get(AgentSession, session_key(nonce))
    if row is None or row.agent_id != agent_id:
        return False
    if now >= row.expires_at or now - row.last_seen_at >= limits.idle:
        db.delete(row)
        db.flush()
        _offline_without_sessions(db, agent_id)
        return False
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return True


def end_session(db: Session, nonce: str) -> None:
    row = db.get(AgentSession, session_key(nonce))
    db.execute(delete(AgentSession).where(AgentSession.id == session_key(nonce)))
    if row is not None:
        _offline_without_sessions(db, row.agent_id)


def end_all_sessions(db: Session, agent_id: int) -> int:
    """Revoke every session of the agent; returns how many there were."""
    result = db.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id))
    _offline_without_sessions(db, agent_id)
    return int(getattr(result, "rowcount", 0) or 0)


def _offline_without_sessions(db: Session, agent_id: int) -> None:
    left = db.scalar(select(func.count()).select_from(AgentSession)
                     .where(AgentSession.agent_id == agent_id))
    agent = db.get(Agent, agent_id)
    if not left and agent is not None:
        agent.availability = Availability.OFFLINE
