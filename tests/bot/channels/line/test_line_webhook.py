"""LINE: signed webhooks in, replies and pushes out to a local Messaging API stand-in."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.channels.line.channel import LineChannel
from bot.messages import AttachmentKind, Button, InboundMessage, OutboundMessage
from handoff.config.settings import Settings
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.models import Customer, Message, OutboxMessage, ProcessedEvent
from handoff.store.outbox import OutboxWorker
from tests.bot.channels.line_events import (
    USER_ID,
    follow_event,
    image_event,
    postback_event,
    signed,
    text_event,
    unfollow_event,
)
from tests.bot.channels.local_line_api import LocalLineApi
from tests.bot.channels.loopback import delivering, eventually, serving
from tests.bot.channels.scripted_engine import ScriptedEngine

SECRET = "8c5b1d0e4f3a2b1c9d8e7f6a5b4c3d2e"
TOKEN = "line-channel-access-token-for-tests"
JPEG = b"\xff\xd8\xff\xe0" + b"\x10" * 512 + b"\xff\xd9"


def menu_script(message: InboundMessage) -> list[OutboundMessage]:
    if message.payload == "/greet":
        return [OutboundMessage("歡迎加入！")]
    return [OutboundMessage(f"收到：{message.text}", buttons=(
        Button("查詢訂單", "/order_status"), Button("SO2026110512345", "/inform")))]


@dataclass
class LineBot:
    url: str
    api: LocalLineApi
    channel: LineChannel
    engine: ScriptedEngine

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
        started = time.monotonic()
        async with aiohttp.ClientSession() as session, \
                session.post(self.url + "/line/webhook", data=body, headers=headers) as resp:
            return resp.status, time.monotonic() - started

    async def settle(self) -> None:
        await self.channel.drain()


@pytest.fixture
async def line_bot(tmp_path: Path, sqlite_db: Database) -> AsyncIterator[LineBot]:
    api = LocalLineApi(access_token=TOKEN, contents={"4401": JPEG})
    async with serving(api.app()) as api_url:
        settings = Settings.model_validate({
            "var_dir": tmp_path / "var", "database_url": sqlite_db.url,
            "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": api_url})
        engine = ScriptedEngine(sqlite_db, SystemClock(), menu_script)
        outbox = OutboxWorker(sqlite_db, SystemClock())
        channel = LineChannel(settings, sqlite_db, SystemClock(), engine.handle, outbox)
        app = web.Application()
        channel.mount().install(app)
        async with delivering(outbox), serving(app) as url:
            yield LineBot(url, api, channel, engine)
        assert api.invalid == []


def row_counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(t)) or 0)
                     for t in (Message, OutboxMessage, ProcessedEvent))  # type: ignore[return-value]


async def test_text_is_acknowledged_at_once_and_answered_with_the_reply_token(
        line_bot: LineBot) -> None:
    event = text_event("我的訂單什麼時候到？")
    status, elapsed = await line_bot.post(*signed(SECRET, event))
    assert status == 200 and elapsed < 2.0
    await line_bot.settle()
    await eventually(lambda: len(line_bot.api.replies) == 1)

    [reply] = line_bot.api.replies
    assert reply["replyToken"] == event["replyToken"]
    [message] = reply["messages"]
    assert message["type"] == "text" and message["text"] == "收到：我的訂單什麼時候到？"
    actions = [item["action"] for item in message["quickReply"]["items"]]
    assert [a["label"] for a in actions] == ["查詢訂單", "SO2026110512345"]
    assert {a["type"] for a in actions} == {"postback"}
    assert line_bot.api.pushes == []
    [turn] = line_bot.engine.turns
    assert (turn.channel, turn.external_id) == ("line", USER_ID)
    assert turn.update_id == event["webhookEventId"]


async def test_bad_signature_is_refused_before_anything_is_read_or_stored(
        line_bot: LineBot, sqlite_db: Database) -> None:
    body, headers = signed("not-the-channel-secret", text_event("hello"))
    assert (await line_bot.post(body, headers))[0] == 401
    assert (await line_bot.post(body, {"Content-Type": "application/json"}))[0] == 401
    await line_bot.settle()

    assert row_counts(sqlite_db) == (0, 0, 0) and line_bot.engine.turns == []


async def test_redelivered_event_is_processed_once(
        line_bot: LineBot, sqlite_db: Database) -> None:
    first = text_event("退貨", event_id="01HREDELIVERY0000000000001")
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    assert (await line_bot.post(*signed(SECRET, first)))[0] == 200
    await line_bot.settle()
    assert (await line_bot.post(*signed(SECRET, again)))[0] == 200
    await line_bot.settle()
    await eventually(lambda: len(line_bot.api.replies) == 1)

    assert len(line_bot.engine.turns) == 1
    assert row_counts(sqlite_db) == (1, 1, 1)


async def test_empty_events_is_a_connectivity_check(
        line_bot: LineBot, sqlite_db: Database) -> None:
    assert (await line_bot.post(*signed(SECRET)))[0] == 200
    assert row_counts(sqlite_db) == (0, 0, 0)


async def test_image_content_is_fetched_for_the_evidence(line_bot: LineBot) -> None:
    assert (await line_bot.post(*signed(SECRET, image_event("4401"))))[0] == 200
    await line_bot.settle()

    [turn] = line_bot.engine.turns
    [attachment] = turn.attachments
    assert attachment.kind is AttachmentKind.IMAGE and attachment.data == JPEG


async def test_tapped_quick_reply_comes_back_with_its_title_and_payload(
        line_bot: LineBot) -> None:
    assert (await line_bot.post(*signed(SECRET, text_event("hi"))))[0] == 200
    await line_bot.settle()
    await eventually(lambda: len(line_bot.api.replies) == 1)
    tapped = line_bot.api.replies[0]["messages"][0]["quickReply"]["items"][1]["action"]

    assert (await line_bot.post(*signed(SECRET, postback_event(tapped["data"]))))[0] == 200
    await line_bot.settle()

    turn = line_bot.engine.turns[-1]
    assert (turn.text, turn.payload) == ("SO2026110512345", "/inform")


async def test_new_friend_is_greeted_and_unfollow_marks_the_customer_unreachable(
        line_bot: LineBot, sqlite_db: Database) -> None:
    assert (await line_bot.post(*signed(SECRET, follow_event())))[0] == 200
    await line_bot.settle()
    await eventually(lambda: len(line_bot.api.replies) == 1)
    assert line_bot.api.replies[0]["messages"][0]["text"] == "歡迎加入！"

    assert (await line_bot.post(*signed(SECRET, unfollow_event())))[0] == 200
    await line_bot.settle()

    with sqlite_db.session() as session:
        assert session.scalars(select(Customer)).one().unreachable


async def test_reply_token_past_its_minute_is_not_used_and_the_reply_is_pushed(
        line_bot: LineBot) -> None:
    old = text_event("還在嗎", at_ms=int((time.time() - 120) * 1000))
    assert (await line_bot.post(*signed(SECRET, old)))[0] == 200
    await line_bot.settle()
    await eventually(lambda: len(line_bot.api.pushes) == 1)

    assert line_bot.api.replies == []
    assert line_bot.api.pushes[0]["to"] == USER_ID


async def test_refused_reply_token_falls_back_to_push(line_bot: LineBot) -> None:
    line_bot.api.fail_next("reply", 400, "Invalid reply token")
    assert (await line_bot.post(*signed(SECRET, text_event("你好"))))[0] == 200
    await line_bot.settle()
    await eventually(lambda: len(line_bot.api.pushes) == 1)

    assert json.dumps(line_bot.api.pushes[0], ensure_ascii=False).count("收到：你好") == 1


async def test_store_down_answers_503_so_line_redelivers(tmp_path: Path) -> None:
    down = Database("postgresql+psycopg://nobody@127.0.0.1:9/none")
    settings = Settings.model_validate({
        "var_dir": tmp_path / "var", "database_url": down.url,
        "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": "http://127.0.0.1:9"})
    engine = ScriptedEngine(down, SystemClock(), menu_script)
    channel = LineChannel(settings, down, SystemClock(), engine.handle,
                          OutboxWorker(down, SystemClock()))
    app = web.Application()
    channel.mount().install(app)
    async with serving(app) as url, aiohttp.ClientSession() as session:
        body, headers = signed(SECRET, text_event("在嗎"))
        async with session.post(url + "/line/webhook", data=body, headers=headers) as resp:
            assert resp.status == 503
    assert engine.turns == []
    down.dispose()
