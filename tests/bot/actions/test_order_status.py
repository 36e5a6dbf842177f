"""Order status with the identity check, through the web chat API."""

from __future__ import annotations

import pytest

from handoff.store.db import Database
from tests.bot.chat import Chat


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store


async def test_order_status_asks_order_and_phone_before_revealing_details(chat: Chat) -> None:
    await chat.say("我的订单到哪了")
    assert "订单号" in chat.text
    await chat.say("2026110500008")
    assert "后 4 位" in chat.text
    assert "SF5544332211" not in chat.text
    await chat.say("6777")
    assert "不一致" in chat.text
    await chat.say("7777")
    assert "SF5544332211" in chat.text and "顺丰速运" in chat.text
    assert "2026-11-06" in chat.text  # ETA: shipped 2026-11-03 + 3 transit days
