"""Live pages: a page open on the floor hears a new message without polling (the change feed
wakes it); one fingerprint read per change serves every page of the worker; a write the feed
cannot hear shows at the next check; a PostgreSQL worker whose listener is down polls."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, cast

import aiohttp
import pytest
from aiohttp import web

from bot.web.console import create_console
from bot.web.console import live as live_module
from bot.web.console.live import Floor
from handoff.config.settings import Settings
from handoff.store.changes import Topic
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import AgentRole
from tests.bot.web.console.helpers import PASSWORD, Holder, Runtime, add_agent, client, serve
from tests.bot.web.console.helpers import sign_in as sign_in_form
from tests.handoff.store.changes.writes import a_customer_writes

NEVER = 3600.0  # a poll or check interval no test waits for


async def next_event(stream: aiohttp.ClientResponse) -> dict[str, Any]:
    """The next ``change`` event's data (heartbeat comments skipped)."""
    while True:
        line = (await asyncio.wait_for(stream.content.readline(), 30)).decode().strip()
        if line.startswith("data: "):
            data: dict[str, Any] = json.loads(line.removeprefix("data: "))
            return data


@pytest.fixture
async def quiet_console(db: Database, db_settings: Settings,
                        clock: ManualClock) -> AsyncIterator[str]:
    """The console on each engine with polling and the safety-net check out of reach: only the
    change feed can wake its live pages."""
    settings = db_settings.model_copy(update={"console_live_poll_seconds": NEVER,
                                              "change_feed_check_seconds": NEVER})
    app = web.Application()
    app.add_subapp("/console", create_console(Runtime(settings, db, clock,
                                                      Holder(cast(Any, None)))))
    add_agent(db, "sam", AgentRole.SUPERVISOR, [], clock.now())
    async with serve(app) as base:
        yield base


async def test_a_supervisors_live_page_hears_a_new_customer_message_without_polling(
        quiet_console: str, db: Database) -> None:
    async with client() as http:
        assert (await sign_in_form(http, quiet_console, "sam", PASSWORD)).status == 303
        async with http.get(f"{quiet_console}/console/live") as stream:
            assert (await next_event(stream))["first"] is True
            await asyncio.to_thread(a_customer_writes, db)
            assert (await next_event(stream))["first"] is False


async def test_pages_woken_by_one_change_share_one_fingerprint_read(
        sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    reads, read = [], live_module.fingerprint

    def counted(db: Database) -> tuple[Any, ...]:
        reads.append(db)
        return read(db)

    monkeypatch.setattr(live_module, "fingerprint", counted)
    floor = Floor(sqlite_db, poll=NEVER, check=NEVER)
    await asyncio.gather(*(floor.fingerprint() for _ in range(5)))  # five pages open
    await asyncio.to_thread(a_customer_writes, sqlite_db)
    await asyncio.gather(*(floor.fingerprint() for _ in range(5)))  # all five woken
    assert len(reads) == 2


async def test_a_write_the_feed_cannot_hear_shows_at_the_next_check(
        sqlite_db: Database) -> None:
    elsewhere = Database(sqlite_db.url)  # e.g. an `aftersales` command in another process
    floor = Floor(sqlite_db, poll=NEVER, check=0.0)
    try:
        before = await floor.fingerprint()
        await asyncio.to_thread(a_customer_writes, elsewhere)
        assert sqlite_db.changes.version(Topic.FLOOR) == 0  # not heard here
        assert await floor.fingerprint() != before
    finally:
        elsewhere.dispose()


@pytest.mark.postgres
async def test_a_postgres_worker_without_its_listener_polls_the_floor(postgres_url: str) -> None:
    here, other_worker = Database(postgres_url), Database(postgres_url)
    floor = Floor(here, poll=0.0, check=NEVER)  # no listener started: not listening
    try:
        before = await floor.fingerprint()
        await asyncio.to_thread(a_customer_writes, other_worker)
        assert await floor.fingerprint() != before
    finally:
        here.dispose()
        other_worker.dispose()
