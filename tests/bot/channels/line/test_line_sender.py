"""LINE pushes from the outbox: rate limits wait for LINE's Retry-After, refusals park the row."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from sqlalchemy import select

from bot.channels.line.sender import PRUNE_ABOVE, LineSender, ReplyTokens
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Customer, OutboxMessage, OutboxStatus
from handoff.store.outbox import OutboxWorker, enqueue
from tests.bot.channels.local_line_api import LocalLineApi
from tests.bot.channels.loopback import serving

TOKEN = "line-access-token"
USER = "U0000000000000000000000000000042"


@pytest.fixture
async def line_api() -> AsyncIterator[tuple[LocalLineApi, AsyncMessagingApi]]:
    api = LocalLineApi(access_token=TOKEN)
    async with serving(api.app()) as url:
        client = AsyncApiClient(Configuration(host=url, access_token=TOKEN))
        try:
            yield api, AsyncMessagingApi(client)
        finally:
            await client.close()


def queue(database: Database, clock: ManualClock, text: str) -> None:
    with database.session() as session:
        session.add(Customer(channel="line", external_id=USER, created_at=clock.now()))
        enqueue(session, channel="line", recipient=USER, now=clock.now(),
                payload={"text": text, "buttons": [], "images": []})


def row(database: Database) -> OutboxMessage:
    with database.session() as session:
        return session.scalars(select(OutboxMessage)).one()


async def test_agent_reply_rate_limited_by_line_waits_for_retry_after(
        sqlite_db: Database, clock: ManualClock,
        line_api: tuple[LocalLineApi, AsyncMessagingApi]) -> None:
    api, messaging = line_api
    queue(sqlite_db, clock, "您好，退款已处理")
    worker = OutboxWorker(sqlite_db, clock, {"line": LineSender(messaging, ReplyTokens(clock))})
    api.fail_next("push", 429, "The API rate limit has been exceeded.", {"Retry-After": "20"})

    assert await worker.run_once() == 0
    assert row(sqlite_db).next_attempt_at == clock.now() + timedelta(seconds=20)
    clock.advance(seconds=19)
    assert await worker.run_once() == 0
    clock.advance(seconds=2)
    assert await worker.run_once() == 1

    assert [p["messages"][0]["text"] for p in api.pushes] == ["您好，退款已处理"]


async def test_push_refused_by_line_parks_the_reply_and_marks_the_customer(
        sqlite_db: Database, clock: ManualClock,
        line_api: tuple[LocalLineApi, AsyncMessagingApi]) -> None:
    api, messaging = line_api
    queue(sqlite_db, clock, "您的工单已解决")
    worker = OutboxWorker(sqlite_db, clock, {"line": LineSender(messaging, ReplyTokens(clock))})
    api.fail_next("push", 403, "Not authorized to push to this user")

    assert await worker.run_once() == 0
    clock.advance(hours=1)
    assert await worker.run_once() == 0

    assert row(sqlite_db).status is OutboxStatus.DEAD and api.pushes == []
    with sqlite_db.session() as session:
        assert session.scalars(select(Customer)).one().unreachable


def test_reply_tokens_nobody_took_are_forgotten_once_expired(clock: ManualClock) -> None:
    tokens = ReplyTokens(clock)
    for n in range(PRUNE_ABOVE):  # customers whose last message got no reply (an agent's turn)
        tokens.remember(f"U{n}", f"token-{n}", clock.now())
    clock.advance(timedelta(minutes=2))
    tokens.remember("U-new", "token-new", clock.now())
    assert len(tokens) == 1
    assert tokens.take("U-new") == "token-new"
