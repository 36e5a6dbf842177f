"""Agent sign-in against the agents table: argon2 hashes and lock-out after repeated failures.

Transport-free: the sign-in handler calls `check_credentials` inside a store session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store.models import Agent

_HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password and the
# response time does not reveal which agent names exist.
_DUMMY_HASH = _HASHER.hash("no such agent")


class SignInOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    agent_id: int | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    lockout: timedelta


def hash_password(password: str) -> str:
    """An argon2id hash to store in ``Agent.password_hash``."""
    return _HASHER.hash(password)


def check_credentials(session: Session, name: str, password: str, now: datetime,
                      policy: LockoutPolicy) -> SignInResult:
    """Verify a sign-in and keep the failure count; a locked agent is refused unverified."""
    agent = session.scalar(select(Agent).where(Agent.name == name.strip(), Agent.active))
    if agent is None or not agent.password_hash:
        _verify(_DUMMY_HASH, password)
        return SignInResult(SignInOutcome.BAD_CREDENTIALS)
    if agent.locked_until is not None and agent.locked_until > now:
        return SignInResult(SignInOutcome.LOCKED, locked_until=agent.locked_until)
    if not _verify(agent.password_hash, password):
        return _failed(agent, now, policy)
    agent.failed_logins, agent.locked_until = 0, None
    if _HASHER.check_needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password)
    return SignInResult(SignInOutcome.OK, agent_id=agent.id)


def _failed(agent: Agent, now: datetime, policy: LockoutPolicy) -> SignInResult:
    agent.failed_logins += 1
    if agent.failed_logins < policy.max_failures:
        return SignInResult(SignInOutcome.BAD_CREDENTIALS)
    agent.failed_logins, agent.locked_until = 0, now + policy.lockout
    return SignInResult(SignInOutcome.LOCKED, locked_until=agent.locked_until)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
