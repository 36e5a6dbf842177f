"""A customer chats with the bot through the Telegram emulator; the bot long-polls it."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from sqlalchemy import func, select

from bot.messages import Button, InboundMessage, OutboundMessage
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.models import Message
from tests.bot.channels.scripted_engine import ScriptedEngine
from tests.bot.channels.tg_emulator import Emulator, TelegramCustomer


def order_script(message: InboundMessage) -> list[OutboundMessage]:
    if message.payload == "/request_human":
        return [OutboundMessage("正在为您转接人工客服")]
    if message.payload:
        return [OutboundMessage(f"您选择了：{message.text} ({message.payload})")]
    return [OutboundMessage("请选择您要查询的订单", buttons=(
        Button("SO2026110512345", '/inform{"order_id": "SO2026110512345"}'),
        Button("其他问题", "/other")))]


async def test_text_message_is_answered_with_inline_buttons(
        sqlite_db: Database, telegram_emulator: Emulator, bot_token: str,
        polling_channel: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), order_script)
    await polling_channel(sqlite_db, SystemClock(), engine.handle, bot_token,
                          telegram_emulator.base_url)
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 4242)

    await customer.say("我的订单到哪了？")
    [reply] = await customer.replies()

    assert reply["message"]["text"] == "请选择您要查询的订单"
    keyboard = reply["message"]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == ["SO2026110512345", "其他问题"]
    [turn] = engine.turns
    assert (turn.channel, turn.external_id, turn.text) == ("telegram", "4242", "我的订单到哪了？")
    assert turn.language_hint == "zh-hans" and turn.display_name == "小明"


async def test_pressing_an_inline_button_sends_its_payload_and_title(
        sqlite_db: Database, telegram_emulator: Emulator, bot_token: str,
        polling_channel: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), order_script)
    await polling_channel(sqlite_db, SystemClock(), engine.handle, bot_token,
                          telegram_emulator.base_url)
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 4243)
    await customer.say("查订单")
    [menu] = await customer.replies()

    await customer.press(menu, "SO2026110512345")

    assert await customer.texts() == [
        '您选择了：SO2026110512345 (/inform{"order_id": "SO2026110512345"})']
    assert engine.turns[-1].payload == '/inform{"order_id": "SO2026110512345"}'


async def test_human_command_becomes_a_request_for_a_human(
        sqlite_db: Database, telegram_emulator: Emulator, bot_token: str,
        polling_channel: Any) -> None:
    engine = ScriptedEngine(sqlite_db, SystemClock(), order_script)
    await polling_channel(sqlite_db, SystemClock(), engine.handle, bot_token,
                          telegram_emulator.base_url)
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 4244)

    await customer.command("/human")

    assert await customer.texts() == ["正在为您转接人工客服"]
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1


async def test_messages_polled_while_the_store_is_down_are_answered_in_order_once_it_is_back(
        sqlite_db: Database, telegram_emulator: Emulator, bot_token: str,
        polling_channel: Any) -> None:
    impatient = Database(sqlite_db.url, busy_timeout_ms=50)
    engine = ScriptedEngine(impatient, SystemClock(), echo_script)
    await polling_channel(impatient, SystemClock(), engine.handle, bot_token,
                          telegram_emulator.base_url)
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 4245)
    lock = sqlite3.connect(sqlite_db.url.removeprefix("sqlite:///"), isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another writer holds the database: every turn fails
    try:
        await customer.say("在吗？")
        await customer.say("我要退货")
        await asyncio.sleep(1.5)  # the poller has taken both updates off Telegram by now
        assert engine.turns == []
    finally:
        lock.rollback()
        lock.close()

    assert await customer.texts(2) == ["收到：在吗？", "收到：我要退货"]
    impatient.dispose()


def echo_script(message: InboundMessage) -> list[OutboundMessage]:
    return [OutboundMessage(f"收到：{message.text}")]
