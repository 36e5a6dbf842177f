"""Test helpers: serve an aiohttp app on a free loopback port; agents with passwords; a console
client that signs in and reads CSRF tokens."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
from aiohttp import web

from handoff.agents.auth import hash_password
from handoff.agents.service import AgentService
from handoff.config.settings import Settings
from handoff.desk.desk import Desk
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole, Availability
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


def client(cookies: dict[str, str] | None = None) -> aiohttp.ClientSession:
    """An HTTP client whose jar keeps the console's cookies."""
    # unsafe=True: the jar keeps cookies of an IP-address host (the loopback test server).
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), cookies=cookies)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a console page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def sign_in(http: aiohttp.ClientSession, base: str, name: str, password: str,
                  ) -> aiohttp.ClientResponse:
    """Post the sign-in form (with its CSRF token); the response is not followed."""
    async with http.get(f"{base}/console/signin") as page:
        token = csrf_token(await page.text())
    response = await http.post(f"{base}/console/signin", allow_redirects=False,
                               data={"name": name, "password": password, "csrf_token": token})
    await response.read()  # releases the connection
    return response


def add_agent(db: Database, name: str, role: AgentRole, queues: list[str], at: datetime,
              password: str = PASSWORD, skills: list[str] | None = None,
              locale: str = "en") -> int:
    """An active agent who can sign in to the console with ``password``."""
    with db.session() as session:
        agent = Agent(name=name, display_name=name.title(), role=role, queues=queues,
                      skills=skills or [], password_hash=hash_password(password),
                      availability=Availability.ONLINE, locale=locale, created_at=at)
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
    agents: AgentService = field(init=False)

    def __post_init__(self) -> None:
        self.agents = AgentService(Desk(self.settings, self.clock))
