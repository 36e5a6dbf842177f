"""Agent credentials: API bearer tokens (shown once, stored as a SHA-256 digest) and console
passwords (argon2)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store.models.enums import AgentRole
from handoff.store.models.people import Agent

TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    # A fast digest is enough: tokens are long random strings, not guessable passwords.
    # surrogatepass: a header of non-UTF-8 bytes arrives as lone surrogates; it is just wrong.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash to store in ``Agent.password_hash``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored argon2 hash (False for a malformed hash)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _HASHER.check_needs_rehash(password_hash)


def agent_by_token(session: Session, token: str) -> Agent | None:
    """The active agent holding ``token``, or None."""
    if not token:
        return None
    agent = session.scalars(select(Agent).where(Agent.token_hash == token_digest(token))).first()
    return agent if agent is not None and agent.active else None


def add_agent(session: Session, *, name: str, role: AgentRole, queues: list[str],
              skills: list[str], now: datetime, password: str | None = None,
              max_load: int = 8, locale: str = "zh-Hans") -> tuple[Agent, str]:
    """Create an agent; returns it with its token (the only time the token exists in clear)."""
    if session.scalars(select(Agent.id).where(Agent.name == name)).first() is not None:
        raise ValueError(f"agent {name!r} already exists")
    token = new_token()
    agent = Agent(name=name, display_name=name, role=role, queues=queues, skills=skills,
                  max_load=max_load, locale=locale, token_hash=token_digest(token),
                  password_hash=hash_password(password) if password else None,
                  active=True, created_at=now)
    session.add(agent)
    session.flush()
    return agent, token
