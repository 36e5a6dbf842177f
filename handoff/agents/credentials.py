"""The agent credential life cycle: deactivate, reset a password, rotate the API token, change
the role, sign out everywhere. Each revokes what it must at once and is written to the audit
log with who did it and when. Used by the CLI and the supervisor console alike."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.agents.auth import hash_password, new_token, token_digest
from handoff.agents.sessions import end_all_sessions
from handoff.store.models import Agent, AgentAuditEntry, AgentRole


class CredentialAction(StrEnum):
    DEACTIVATE = "deactivate"
    RESET_PASSWORD = "reset_password"
    ROTATE_TOKEN = "rotate_token"
    SET_ROLE = "set_role"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"


class UnknownAgent(LookupError):
    """No agent has that name."""


def agent_named(db: Session, name: str) -> Agent:
    agent = db.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise UnknownAgent(f"no agent named {name!r}")
    return agent


def audit(db: Session, agent: Agent, action: CredentialAction, actor: str, now: datetime,
          detail: str = "") -> None:
    db.add(AgentAuditEntry(at=now, actor=actor, action=action.value, agent_id=agent.id,
                           detail=detail))


def deactivate(db: Session, agent: Agent, actor: str, now: datetime) -> None:
    """No more sign-in, API calls or assignments; every open session ends."""
    agent.active = False
    end_all_sessions(db, agent.id)
    audit(db, agent, CredentialAction.DEACTIVATE, actor, now)


def reset_password(db: Session, agent: Agent, password: str, actor: str,
                   now: datetime) -> None:
    if not password:
        raise ValueError("the new password is empty")
    agent.password_hash = hash_password(password)
    end_all_sessions(db, agent.id)
    audit(db, agent, CredentialAction.RESET_PASSWORD, actor, now)


def rotate_token(db: Session, agent: Agent, actor: str, now: datetime) -> str:
    """A new API token (returned once); the old one stops working with this commit."""
    token = new_token()
    agent.token_hash = token_digest(token)
    audit(db, agent, CredentialAction.ROTATE_TOKEN, actor, now)
    return token


def set_role(db: Session, agent: Agent, role: AgentRole, actor: str, now: datetime) -> None:
    previous = agent.role
    agent.role = role
    end_all_sessions(db, agent.id)
    audit(db, agent, CredentialAction.SET_ROLE, actor, now, f"{previous} -> {role}")


def sign_out_everywhere(db: Session, agent: Agent, actor: str, now: datetime) -> int:
    count = end_all_sessions(db, agent.id)
    audit(db, agent, CredentialAction.SIGN_OUT_EVERYWHERE, actor, now, f"{count} session(s)")
    return count
