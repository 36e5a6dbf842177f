"""Test helpers: serve an aiohttp app on a free loopback port; agents with passwords."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from handoff.agent_auth import hash_password
from handoff.clock import Clock
from handoff.settings import Settings
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole
from nlu import NluModel

PASSWORD = "correct horse battery staple"


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1 (port chosen by the OS); yields the base URL."""
    runner = web.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def add_agent(db: Database, name: str, role: AgentRole, queues: list[str], at: datetime,
              password: str = PASSWORD, skills: list[str] | None = None) -> int:
    """An active agent who can sign in to the console with ``password``."""
    with db.session() as session:
        agent = Agent(name=name, display_name=name.title(), role=role, queues=queues,
                      skills=skills or [], password_hash=hash_password(password), created_at=at)
        session.add(agent)
        session.flush()
        return agent.id


class Holder:
    """A model slot like the bot's ModelHolder (swap replaces the model in use)."""

    def __init__(self, model: NluModel) -> None:
        self.model = model

    def swap(self, model: NluModel) -> None:
        self.model = model


@dataclass
class Runtime:
    """The parts of the bot runtime the console needs, for tests of the console alone."""

    settings: Settings
    db: Database
    clock: Clock
    models: Holder
