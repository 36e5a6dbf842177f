"""An agent working a web chat customer's case through the agent service (what the console and
the agent API call), for the widget tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.runtime import Runtime
from handoff.store.models import Agent, AgentRole
from handoff.store.models.cases import Case


def hire(runtime: Runtime, name: str, display_name: str, at: datetime) -> int:
    """An agent of every queue (a supervisor) shown to customers as ``display_name``."""
    with runtime.db.session() as session:
        agent = Agent(name=name, display_name=display_name, role=AgentRole.SUPERVISOR,
                      queues=[], skills=[], created_at=at)
        session.add(agent)
        session.flush()
        return agent.id


def latest_case(runtime: Runtime) -> str:
    with runtime.db.session() as session:
        number = session.scalars(select(Case.number).order_by(Case.id.desc())).first()
        assert number is not None, "no case was opened"
        return number


def claim(runtime: Runtime, agent_id: int, number: str) -> None:
    with runtime.db.session() as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        runtime.agents.claim(session, agent, number)


def reply(runtime: Runtime, agent_id: int, number: str, text: str) -> None:
    with runtime.db.session() as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        runtime.agents.reply(session, agent, number, text)
