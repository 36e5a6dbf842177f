"""LINE events are stored before the 200, so a crash after the answer loses nothing: the next
process (or the next sweep) runs each stored event exactly once; an event that keeps failing is
parked for an operator instead of holding the customer back. On SQLite and PostgreSQL."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from click.testing import CliRunner
from sqlalchemy import select

from bot.channels.line.channel import WEBHOOK_PATH, LineChannel
from bot.cli import cli
from bot.messages import InboundMessage, OutboundMessage
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock, SystemClock
from handoff.store.db import Database
from handoff.store.inbox import (
    InboundEvent,
    lease_due,
    mark_failed,
    mark_processed,
    purge_processed,
    retry_parked,
    store_new,
    unfinished,
)
from handoff.store.models import ChannelInboxEntry, Message
from handoff.store.outbox import OutboxWorker
from tests.bot.channels.line_events import USER_ID, signed, text_event
from tests.bot.channels.local_line_api import LocalLineApi
from tests.bot.channels.loopback import delivering, eventually, serving
from tests.bot.channels.scripted_engine import Script, ScriptedEngine

SECRET = "3e2d1c0b9a8f7e6d5c4b3a2918273645"
TOKEN = "line-token-inbox-tests"
FAST_SWEEP = 0.05


def echo(message: InboundMessage) -> list[OutboundMessage]:
    return [OutboundMessage(f"收到：{message.text}")]


def crash_mid_turn(message: InboundMessage) -> list[OutboundMessage]:
    raise RuntimeError("process died mid-turn")


def chokes_on_stickers(message: InboundMessage) -> list[OutboundMessage]:
    """A bug that hits one message every time it is tried, and no other."""
    if message.text == "[sticker]":
        raise ValueError("cannot read this sticker")
    return echo(message)


OUTBOX_OF: weakref.WeakKeyDictionary[LineChannel, OutboxWorker] = weakref.WeakKeyDictionary()
"""Each test process's one outbox worker, run only while the process runs (see `running`)."""


@dataclass
class Deployment:
    """LINE's side (the API stand-in) and what a process of ours needs: settings and store."""

    tmp_path: Path
    api: LocalLineApi
    api_url: str

    def settings(self, database: Database, **overrides: object) -> Settings:
        return Settings.model_validate({
            "var_dir": self.tmp_path / "var", "database_url": database.url,
            "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": self.api_url, **overrides})

    def process(self, database: Database, script: Script = echo,
                **overrides: object) -> tuple[LineChannel, ScriptedEngine]:
        settings = self.settings(database, **overrides)
        engine = ScriptedEngine(database, SystemClock(), script)
        outbox = OutboxWorker(database, SystemClock())
        channel = LineChannel(settings, database, SystemClock(), engine.handle, outbox,
                              inbox_sweep_seconds=FAST_SWEEP)
        OUTBOX_OF[channel] = outbox
        return channel, engine


@pytest.fixture
async def line(tmp_path: Path) -> AsyncIterator[Deployment]:
    api = LocalLineApi(access_token=TOKEN)
    async with serving(api.app()) as api_url:
        yield Deployment(tmp_path, api, api_url)
    assert api.invalid == []


@asynccontextmanager
async def running(channel: LineChannel) -> AsyncIterator[str]:
    """The channel on a web app with its lifespan (workers started, drained at the end) and
    the process's outbox worker delivering."""
    app = web.Application()
    channel.mount().install(app)
    async with delivering(OUTBOX_OF[channel]), serving(app) as url:
        yield url


@asynccontextmanager
async def dies_after_answering(channel: LineChannel) -> AsyncIterator[str]:
    """Only the webhook route: the process answers LINE, then dies before any background work
    (its workers never run)."""
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, channel.webhook.handle)
    async with serving(app) as url:
        yield url


async def deliver(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session, \
            session.post(url + WEBHOOK_PATH, data=body, headers=headers) as resp:
        return resp.status


def inbox_rows(database: Database) -> list[ChannelInboxEntry]:
    with database.session() as session:
        return list(session.scalars(select(ChannelInboxEntry).order_by(ChannelInboxEntry.id)))


def texts_sent(api: LocalLineApi) -> list[str]:
    """Every text the channel sent, by reply token or push."""
    return [m["text"] for request in api.replies + api.pushes for m in request["messages"]]


def stored_messages(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(Message.id)).all())


async def test_event_acknowledged_just_before_a_crash_is_answered_once_after_restart(
        line: Deployment, db: Database) -> None:
    event = text_event("我的退貨進度如何？")
    crashed, crashed_engine = line.process(db)
    async with dies_after_answering(crashed) as url:
        assert await deliver(url, *signed(SECRET, event)) == 200
    [row] = inbox_rows(db)
    assert (row.key, row.recipient, row.processed_at) == (
        f"line:{event['webhookEventId']}", USER_ID, None)
    assert row.payload["message"]["text"] == "我的退貨進度如何？"
    assert crashed_engine.turns == []

    restarted, engine = line.process(db)
    async with running(restarted):
        await eventually(lambda: len(line.api.pushes) == 1)
    assert [turn.text for turn in engine.turns] == ["我的退貨進度如何？"]
    assert line.api.pushes[0]["messages"][0]["text"] == "收到：我的退貨進度如何？"
    assert inbox_rows(db)[0].processed_at is not None and stored_messages(db) == 1


async def test_turn_that_crashed_stays_in_the_inbox_and_the_next_process_runs_it_once(
        line: Deployment, db: Database) -> None:
    failing, failing_engine = line.process(db, crash_mid_turn)
    async with running(failing) as url:
        assert await deliver(url, *signed(SECRET, text_event("換貨"))) == 200
        await failing.drain()
    [row] = inbox_rows(db)
    assert row.processed_at is None and row.attempts >= 1
    assert "process died mid-turn" in row.last_error
    assert failing_engine.turns == [] and stored_messages(db) == 0

    restarted, engine = line.process(db)
    async with running(restarted):
        await eventually(lambda: len(engine.turns) == 1)
        await restarted.drain()
    assert [turn.text for turn in engine.turns] == ["換貨"]
    [row] = inbox_rows(db)
    assert row.processed_at is not None and row.last_error == "" and stored_messages(db) == 1


async def test_redelivered_event_is_stored_once_and_answered_once(
        line: Deployment, db: Database) -> None:
    first = text_event("在嗎", event_id="01HINBOXREDELIVERY00000001")
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    crashed, _ = line.process(db)
    async with dies_after_answering(crashed) as url:
        assert await deliver(url, *signed(SECRET, first)) == 200
        assert await deliver(url, *signed(SECRET, again)) == 200
    assert len(inbox_rows(db)) == 1

    restarted, engine = line.process(db)
    async with running(restarted) as url:
        await eventually(lambda: len(engine.turns) == 1)
        assert await deliver(url, *signed(SECRET, again)) == 200
        await restarted.drain()
    assert len(engine.turns) == 1 and len(inbox_rows(db)) == 1 and stored_messages(db) == 1


async def test_bad_signature_stores_nothing(line: Deployment, db: Database) -> None:
    channel, engine = line.process(db)
    async with running(channel) as url:
        body, headers = signed("not-the-channel-secret", text_event("hello"))
        assert await deliver(url, body, headers) == 401
        await channel.drain()
    assert inbox_rows(db) == [] and engine.turns == []


async def test_store_down_acknowledges_nothing_and_the_redelivery_is_answered_once(
        line: Deployment, db: Database) -> None:
    event = text_event("訂單 SO2026110512345")
    down = Database("postgresql+psycopg://nobody@127.0.0.1:9/none")
    outage, outage_engine = line.process(down)
    async with running(outage) as url:
        assert await deliver(url, *signed(SECRET, event)) == 503
    down.dispose()
    assert outage_engine.turns == [] and inbox_rows(db) == []

    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    channel, engine = line.process(db)
    async with running(channel) as url:
        assert await deliver(url, *signed(SECRET, redelivered)) == 200
        await eventually(lambda: len(engine.turns) == 1)
    assert len(inbox_rows(db)) == 1 and stored_messages(db) == 1


def test_failed_event_holds_back_the_same_customers_later_events_only(db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    events = [InboundEvent("line:A1", "Ualice", {"n": 1}), InboundEvent("line:B1", "Ubob", {}),
              InboundEvent("line:A2", "Ualice", {"n": 2})]
    with db.session() as session:
        assert store_new(session, "line", events, clock.now()) == ["line:A1", "line:B1", "line:A2"]
        assert store_new(session, "line", events[:1], clock.now()) == []
    with db.session() as session:
        leased = lease_due(session, "line", clock.now())
        assert [entry.key for entry in leased] == ["line:A1", "line:B1"]
        mark_failed(session, leased[0], "store outage", clock.now())
    with db.session() as session:
        assert lease_due(session, "line", clock.now()) == []  # A1 waits, A2 behind it; B1 leased
    clock.advance(timedelta(seconds=1))
    with db.session() as session:
        [retry] = lease_due(session, "line", clock.now())
    assert (retry.key, retry.attempts) == ("line:A1", 2)


def test_an_event_failing_for_a_bug_is_parked_and_stops_holding_back_later_events(
        db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    events = [InboundEvent("line:A1", "Ualice", {"n": 1}), InboundEvent("line:A2", "Ualice", {})]
    with db.session() as session:
        store_new(session, "line", events, clock.now())
    for attempt in range(1, 4):
        with db.session() as session:
            [entry] = lease_due(session, "line", clock.now())
            assert entry.key == "line:A1"  # A2 waits behind it
            parked = mark_failed(session, entry, "ValueError('bug')", clock.now(), park_after=3)
        assert parked == (attempt == 3)
        clock.advance(timedelta(minutes=2))
    with db.session() as session:
        assert [entry.key for entry in lease_due(session, "line", clock.now())] == ["line:A2"]
        [kept] = unfinished(session, parked_only=True)
    assert (kept.key, kept.failures, kept.last_error) == ("line:A1", 3, "ValueError('bug')")
    assert kept.parked_at is not None and kept.payload == {"n": 1}


def test_store_outages_never_park_an_event(db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    with db.session() as session:
        store_new(session, "line", [InboundEvent("line:A1", "Ualice", {})], clock.now())
    for _ in range(5):
        with db.session() as session:
            [entry] = lease_due(session, "line", clock.now())
            assert not mark_failed(session, entry, "StoreUnavailable()", clock.now(),
                                   outage=True, park_after=2)
        clock.advance(timedelta(minutes=2))
    with db.session() as session:
        assert unfinished(session, parked_only=True) == []
        assert [e.failures for e in unfinished(session)] == [0]


def test_a_retried_parked_event_is_due_again_with_a_fresh_count(db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    with db.session() as session:
        store_new(session, "line", [InboundEvent("line:A1", "Ualice", {})], clock.now())
    with db.session() as session:
        [entry] = lease_due(session, "line", clock.now())
        assert mark_failed(session, entry, "bug", clock.now(), park_after=1)
    with db.session() as session:
        assert retry_parked(session, ["line:A1", "line:nope"], clock.now()) == ["line:A1"]
    with db.session() as session:
        [again] = lease_due(session, "line", clock.now())
        assert again.key == "line:A1"
        assert unfinished(session)[0].failures == 0


def test_purge_deletes_only_processed_events_older_than_the_cutoff(db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    events = [InboundEvent(f"line:{k}", "Ualice", {}) for k in ("old", "new", "open")]
    with db.session() as session:
        store_new(session, "line", events, clock.now())
        ids = {row.key: row.id for row in session.scalars(select(ChannelInboxEntry))}
        mark_processed(session, ids["line:old"], clock.now())
        mark_processed(session, ids["line:new"], clock.now() + timedelta(days=40))
    with db.session() as session:
        assert purge_processed(session, clock.now() + timedelta(days=30)) == 1
    assert [row.key for row in inbox_rows(db)] == ["line:new", "line:open"]


async def test_a_message_the_bot_keeps_failing_on_is_parked_and_the_next_one_answered(
        line: Deployment, db: Database) -> None:
    channel, engine = line.process(db, chokes_on_stickers, inbox_max_failures=2)
    async with running(channel) as url:
        assert await deliver(url, *signed(SECRET, text_event("[sticker]"))) == 200
        assert await deliver(url, *signed(SECRET, text_event("還在嗎"))) == 200
        await eventually(lambda: [t.text for t in engine.turns] == ["還在嗎"], timeout=10)
        await eventually(lambda: texts_sent(line.api) == ["收到：還在嗎"])
    parked, answered = inbox_rows(db)
    assert parked.parked_at is not None and parked.failures == 2
    assert "cannot read this sticker" in parked.last_error
    assert answered.processed_at is not None


def test_operators_list_and_retry_parked_events_from_the_command_line(
        line: Deployment, db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    event = text_event("我的退貨進度如何？")
    with db.session() as session:
        store_new(session, "line", [InboundEvent("line:A1", USER_ID, event)], clock.now())
        [entry] = lease_due(session, "line", clock.now())
        mark_failed(session, entry, "ValueError('bug')", clock.now(), park_after=1)
    settings = line.settings(db)
    listed = CliRunner().invoke(cli, ["inbox", "list", "--parked"], obj=settings)
    assert listed.exit_code == 0, listed.output
    assert "line:A1\tparked" in listed.output and "我的退貨進度如何？" in listed.output
    assert "ValueError('bug')" in listed.output
    unknown = CliRunner().invoke(cli, ["inbox", "retry", "line:nope"], obj=settings)
    assert unknown.exit_code == 1 and "not parked (or unknown): line:nope" in unknown.output
    retried = CliRunner().invoke(cli, ["inbox", "retry", "--all"], obj=settings)
    assert retried.exit_code == 0 and "requeued 1 event(s)" in retried.output
    with db.session() as session:
        assert unfinished(session, parked_only=True) == []
