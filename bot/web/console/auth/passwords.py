"""Agent sign-in against the agents table: argon2 hashes, and throttling by name and by client
address that does not reveal which names exist.

Failures are counted per *typed* name (a digest of it, agent or not) and per client address.
Every attempt verifies one argon2 hash — the agent's, or a dummy for an unknown name or a locked
attempt — so neither the answer nor its timing tells a real name from an invented one, and
nobody can lock every agent out by guessing a few times per name from one address.
Transport-free: the sign-in handler calls `check_credentials` inside a store session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.agents.auth import hash_password, password_needs_rehash, verify_password
from handoff.store.models import Agent, SignInThrottle

_DUMMY_HASH = hash_password("no such agent")


class SignInOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    agent_id: int | None = None


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int  # per typed name
    lockout: timedelta
    max_address_failures: int = 20  # per client address, across names


@dataclass(frozen=True)
class Attempt:
    name: str
    password: str
    address: str
    now: datetime


def check_credentials(session: Session, attempt: Attempt, policy: LockoutPolicy) -> SignInResult:
    """Verify a sign-in and keep the failure counts."""
    name = attempt.name.strip()
    agent = session.scalar(select(Agent).where(Agent.name == name, Agent.active))
    stored = agent.password_hash if agent is not None and agent.password_hash else None
    throttles = [(_throttle(session, _key("name", name.casefold()), attempt.now),
                  policy.max_failures),
                 (_throttle(session, _key("addr", attempt.address), attempt.now),
                  policy.max_address_failures)]
    locked = any(_locked(row, attempt.now) for row, _ in throttles)
    # The same argon2 work in every branch: the timing says nothing about the name.
    verified = verify_password(stored or _DUMMY_HASH, attempt.password)
    if locked:
        return SignInResult(SignInOutcome.LOCKED)
    if agent is None or stored is None or not verified:
        return _failed(throttles, attempt.now, policy)
    throttles[0][0].failures, throttles[0][0].locked_until = 0, None
    if password_needs_rehash(stored):
        agent.password_hash = hash_password(attempt.password)
    return SignInResult(SignInOutcome.OK, agent_id=agent.id)


def _key(kind: str, value: str) -> str:
    # A digest, not the text: people type passwords into the name field.
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'replace')).hexdigest()}"


def _throttle(session: Session, key: str, now: datetime) -> SignInThrottle:
    row = session.get(SignInThrottle, key)
    if row is None:
        row = SignInThrottle(key=key, failures=0, locked_until=None, updated_at=now)
        session.add(row)
    return row


def _locked(row: SignInThrottle, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _failed(throttles: list[tuple[SignInThrottle, int]], now: datetime,
            policy: LockoutPolicy) -> SignInResult:
    locked = False
    for row, limit in throttles:
        row.failures, row.updated_at = row.failures + 1, now
        if row.failures >= limit:
            row.failures, row.locked_until = 0, now + policy.lockout
            locked = True
    return SignInResult(SignInOutcome.LOCKED if locked else SignInOutcome.BAD_CREDENTIALS)
