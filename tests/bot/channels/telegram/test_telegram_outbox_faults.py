"""Replies wait in the outbox through Telegram outages and rate limits, and go out once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.channels.telegram.limits import SendLimiter
from bot.channels.telegram.sender import TelegramSender
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Customer, OutboxMessage, OutboxStatus
from handoff.store.outbox import OutboxWorker, enqueue
from tests.bot.channels.local_bot_api import LocalBotApi
from tests.bot.channels.loopback import serving
from tests.bot.channels.tg_emulator import Emulator, TelegramCustomer, install_reason


def make_bot(token: str, base_url: str) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))


def worker_for(bot: Bot, database: Database, clock: ManualClock) -> OutboxWorker:
    sender = TelegramSender(bot, SendLimiter(per_chat_interval=0.01))
    return OutboxWorker(database, clock, {"telegram": sender})


def queue_agent_reply(database: Database, clock: ManualClock, chat_id: int, text: str) -> None:
    with database.session() as session:
        enqueue(session, channel="telegram", recipient=str(chat_id), now=clock.now(),
                payload={"text": text, "buttons": [], "images": []})


def outbox_row(database: Database) -> OutboxMessage:
    with database.session() as session:
        return session.scalars(select(OutboxMessage)).one()


@pytest.fixture
async def local_api() -> AsyncIterator[tuple[LocalBotApi, str]]:
    api = LocalBotApi()
    async with serving(api.app()) as url:
        yield api, url


async def test_agent_reply_queued_while_telegram_is_down_is_delivered_once_when_it_returns(
        sqlite_db: Database, clock: ManualClock, bot_token: str) -> None:
    reason = install_reason()
    if reason:
        pytest.skip(reason)
    emulator = Emulator()
    bot = make_bot(bot_token, emulator.base_url)
    worker = worker_for(bot, sqlite_db, clock)
    queue_agent_reply(sqlite_db, clock, 9090, "您好，我是客服小王，已为您安排换货")
    try:
        assert await worker.run_once() == 0  # emulator not running: connection refused
        assert outbox_row(sqlite_db).status is OutboxStatus.PENDING
        assert outbox_row(sqlite_db).last_error
        emulator.start()
        clock.advance(minutes=3)
        assert await worker.run_once() == 1
        clock.advance(minutes=30)
        assert await worker.run_once() == 0
        customer = TelegramCustomer(emulator.base_url, bot_token, 9090)
        assert await customer.texts() == ["您好，我是客服小王，已为您安排换货"]
        assert outbox_row(sqlite_db).status is OutboxStatus.SENT
    finally:
        emulator.stop()
        await bot.session.close()


async def test_rate_limited_reply_waits_for_telegrams_retry_after(
        sqlite_db: Database, clock: ManualClock, bot_token: str,
        local_api: tuple[LocalBotApi, str]) -> None:
    api, url = local_api
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    bot = make_bot(bot_token, url)
    worker = worker_for(bot, sqlite_db, clock)
    queue_agent_reply(sqlite_db, clock, 42, "已为您登记退款")
    try:
        assert await worker.run_once() == 0
        assert outbox_row(sqlite_db).next_attempt_at == clock.now() + timedelta(seconds=7)
        clock.advance(seconds=6)
        assert await worker.run_once() == 0
        clock.advance(seconds=2)
        assert await worker.run_once() == 1
    finally:
        await bot.session.close()
    assert [m["text"] for m in api.sent("sendMessage")] == ["已为您登记退款"]


async def test_customer_who_blocked_the_bot_is_marked_unreachable_and_not_retried(
        sqlite_db: Database, clock: ManualClock, bot_token: str,
        local_api: tuple[LocalBotApi, str]) -> None:
    api, url = local_api
    with sqlite_db.session() as session:
        session.add(Customer(channel="telegram", external_id="43", created_at=clock.now()))
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    bot = make_bot(bot_token, url)
    worker = worker_for(bot, sqlite_db, clock)
    queue_agent_reply(sqlite_db, clock, 43, "您的工单已处理")
    try:
        assert await worker.run_once() == 0
        clock.advance(hours=2)
        assert await worker.run_once() == 0
    finally:
        await bot.session.close()
    row = outbox_row(sqlite_db)
    assert row.status is OutboxStatus.DEAD and row.attempts == 1
    with sqlite_db.session() as session:
        assert session.scalars(select(Customer)).one().unreachable
    assert api.sent("sendMessage") == []


async def test_reply_with_buttons_and_an_image_goes_out_as_keyboard_and_photo(
        sqlite_db: Database, clock: ManualClock, bot_token: str,
        local_api: tuple[LocalBotApi, str]) -> None:
    api, url = local_api
    bot = make_bot(bot_token, url)
    sender = TelegramSender(bot, SendLimiter(per_chat_interval=0.01))
    try:
        await sender.send("44", {
            "text": "请确认退货方式 <b>不是HTML</b>",
            "buttons": [{"title": "上门取件", "payload": "/choose{\"way\": \"pickup\"}"}],
            "images": ["https://shop.example/return-label.png"]})
    finally:
        await bot.session.close()
    [message] = api.sent("sendMessage")
    assert message["text"] == "请确认退货方式 <b>不是HTML</b>" and "parse_mode" not in message
    assert message["reply_markup"] == {"inline_keyboard": [[
        {"text": "上门取件", "callback_data": "/choose{\"way\": \"pickup\"}"}]]}
    [photo] = api.sent("sendPhoto")
    assert photo["photo"] == "https://shop.example/return-label.png"
