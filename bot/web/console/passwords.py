"""Agent sign-in against the agents table: argon2 hashes and lock-out after repeated failures.

Transport-free: the sign-in handler calls `check_credentials` inside a store session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.agents.auth import hash_password, password_needs_rehash, verify_password
from handoff.store.models import Agent

# Verified when the name is unknown, so a wrong name costs as long as a wrong password and the
# response time does not reveal which agent names exist.
_DUMMY_HASH = hash_password("no such agent")


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


def check_credentials(session: Session, name: str, password: str, now: datetime,
                      policy: LockoutPolicy) -> SignInResult:
    """Verify a sign-in and keep the failure count; a locked agent is refused unverified."""
    agent = session.scalar(select(Agent).where(Agent.name == name.strip(), Agent.active))
    if agent is None or not agent.password_hash:
        verify_password(_DUMMY_HASH, password)
        return SignInResult(SignInOutcome.BAD_CREDENTIALS)
    if agent.locked_until is not None and agent.locked_until > now:
        return SignInResult(SignInOutcome.LOCKED, locked_until=agent.locked_until)
    if not verify_password(agent.password_hash, password):
        return _failed(agent, now, policy)
    agent.failed_logins, agent.locked_until = 0, None
    if password_needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password)
    return SignInResult(SignInOutcome.OK, agent_id=agent.id)


def _failed(agent: Agent, now: datetime, policy: LockoutPolicy) -> SignInResult:
    agent.failed_logins += 1
    if agent.failed_logins < policy.max_failures:
        return SignInResult(SignInOutcome.BAD_CREDENTIALS)
    agent.failed_logins, agent.locked_until = 0, now + policy.lockout
    return SignInResult(SignInOutcome.LOCKED, locked_until=agent.locked_until)
