"""Webhook mode: Telegram (the emulator, or a test posting Telegram-shaped updates) calls the
product's aiohttp app; the secret token is checked and every update is handled once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.channels.intake import Handle
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import SendLimiter
from bot.messages import InboundMessage, OutboundMessage
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.models import Message, OutboxMessage
from handoff.store.outbox import OutboxWorker
from tests.bot.channels.conftest import FAST_PACING, telegram_settings
from tests.bot.channels.loopback import delivering, serving
from tests.bot.channels.scripted_engine import ScriptedEngine
from tests.bot.channels.tg_emulator import Emulator, TelegramCustomer, free_port

SECRET = "webhook-Secret_0123456789"
PATH = "/telegram/webhook"


def ack_script(message: InboundMessage) -> list[OutboundMessage]:
    return [OutboundMessage(f"收到：{message.text}")]


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """An update exactly as the Bot API documents it (private chat, text message)."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Lin", "language_code": "zh-hant"}
    return {"update_id": update_id, "message": {
        "message_id": update_id * 10, "date": 1_700_000_000, "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Lin"}}}


class WebhookBot:
    """The product's web app with the Telegram channel in webhook mode, on loopback."""

    def __init__(self, url: str, channel: TelegramChannel) -> None:
        self.url = url
        self.channel = channel

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with aiohttp.ClientSession() as session, \
                session.post(self.url + PATH, json=update, headers=headers) as response:
            return response.status


@pytest.fixture
async def webhook_bot(tmp_path: Path, sqlite_db: Database, telegram_emulator: Emulator,
                      bot_token: str) -> AsyncIterator[Any]:
    async def start(handle: Handle, database: Database = sqlite_db) -> WebhookBot:
        port = free_port()
        settings = telegram_settings(
            tmp_path, database, bot_token, telegram_emulator.base_url,
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{PATH}",
            TELEGRAM_WEBHOOK_SECRET=SECRET)
        outbox = OutboxWorker(database, SystemClock())
        channel = TelegramChannel(settings, database, SystemClock(), handle, outbox,
                                  limiter=SendLimiter(per_chat_interval=FAST_PACING))
        app = web.Application()
        channel.mount().install(app)
        contexts.append(delivering(outbox))
        await contexts[-1].__aenter__()
        context = serving(app, port)
        url = await context.__aenter__()
        contexts.append(context)
        return WebhookBot(url, channel)

    contexts: list[Any] = []
    yield start
    for context in contexts:
        await context.__aexit__(None, None, None)


def counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        messages = session.scalar(select(func.count()).select_from(Message))
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
    return int(messages or 0), int(outbox or 0)


async def test_emulator_delivers_a_customer_message_to_the_webhook_and_gets_the_reply(
        sqlite_db: Database, telegram_emulator: Emulator, bot_token: str,
        webhook_bot: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), ack_script)
    await webhook_bot(engine.handle)
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 5151)

    await customer.say("你好，我想退貨")

    assert await customer.texts() == ["收到：你好，我想退貨"]


async def test_missing_or_wrong_secret_token_is_refused_and_nothing_is_stored(
        sqlite_db: Database, webhook_bot: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), ack_script)
    bot = await webhook_bot(engine.handle)

    assert await bot.post(text_update(1, 6161, "hello"), secret=None) == 401
    assert await bot.post(text_update(1, 6161, "hello"), secret="guess") == 401

    assert counts(sqlite_db) == (0, 0) and engine.turns == []


async def test_same_update_twice_stores_one_message_and_sends_one_reply(
        sqlite_db: Database, telegram_emulator: Emulator, bot_token: str,
        webhook_bot: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), ack_script)
    bot = await webhook_bot(engine.handle)
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 7171)

    assert await bot.post(text_update(900, 7171, "訂單到哪了")) == 200
    assert await bot.post(text_update(900, 7171, "訂單到哪了")) == 200

    assert await customer.texts() == ["收到：訂單到哪了"]
    assert counts(sqlite_db) == (1, 1) and len(engine.turns) == 1
    assert engine.turns[0].language_hint == "zh-hant"


async def test_a_body_that_is_not_an_update_is_a_bad_request(
        sqlite_db: Database, webhook_bot: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), ack_script)
    bot = await webhook_bot(engine.handle)

    assert await bot.post({"message": "no update id"}) == 400

    assert counts(sqlite_db) == (0, 0)


async def test_store_down_answers_503_so_telegram_redelivers(
        tmp_path: Path, sqlite_db: Database, webhook_bot: Any) -> None:
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:9/none")
    engine = ScriptedEngine(unreachable, SystemClock(), ack_script)
    bot = await webhook_bot(engine.handle, unreachable)

    assert await bot.post(text_update(31, 8181, "在吗")) == 503

    assert engine.turns == []
    unreachable.dispose()
