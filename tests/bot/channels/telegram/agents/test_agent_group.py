"""The agent group, end to end: the product's web app (as ``aftersales serve`` builds it) polls a
local Bot API server that answers in the Bot API's documented shapes; a customer is handed off by
the real dialogue engine in a private chat; the case is worked in its forum topic."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.channels.telegram.agents.group import AgentGroup
from bot.channels.telegram.agents.setup import TELEGRAM_AGENTS
from bot.channels.telegram.setup import TELEGRAM
from bot.evidence import check_image
from bot.model_holder import ModelHolder
from bot.runtime import Runtime
from bot.web.app import create_app
from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole, Case, CaseStatus
from tests.bot.channels.local_bot_api import LocalBotApi
from tests.bot.channels.loopback import eventually, serving
from tests.bot.channels.shop import shop_runtime
from tests.bot.conftest import image_bytes

AGENT_CHAT = -1001234567890
CUSTOMER = {"id": 4242, "is_bot": False, "first_name": "吴芳", "language_code": "zh-hans"}
PRIVATE = {"id": 4242, "type": "private", "first_name": "吴芳"}
GROUP = {"id": AGENT_CHAT, "type": "supergroup", "title": "Agents", "is_forum": True}
PHOTOS = {f"p{n}": image_bytes("JPEG", color=color)
          for n, color in ((1, "red"), (2, "green"), (3, "blue"))}
WANG = {"id": 5001, "is_bot": False, "first_name": "小王"}
LI = {"id": 5002, "is_bot": False, "first_name": "小李"}
STRANGER = {"id": 5999, "is_bot": False, "first_name": "Guest"}


@dataclass
class Floor:
    """The customer, the agents and the local Bot API server they share."""

    api: LocalBotApi
    runtime: Runtime
    app: web.Application
    ids: count[int] = field(default_factory=lambda: count(1))

    @property
    def group(self) -> AgentGroup:
        return self.app[TELEGRAM_AGENTS]

    def customer_says(self, text: str = "", **content: Any) -> None:
        body = {"text": text} if text else {}
        self._push({"chat": PRIVATE, "from": CUSTOMER, **body, **content})

    def customer_sends_photo(self, file_id: str) -> None:
        self.customer_says(photo=[{"file_id": file_id, "file_unique_id": f"u{file_id}",
                                   "width": 1280, "height": 960,
                                   "file_size": len(PHOTOS[file_id])}])

    def agent_writes(self, user: dict[str, Any], thread: int, text: str) -> None:
        self._push({"chat": GROUP, "from": user, "text": text, "message_thread_id": thread,
                    "is_topic_message": True})

    def to_customer(self) -> list[str]:
        return [c["text"] for c in self.api.sent("sendMessage")
                if int(c["chat_id"]) == PRIVATE["id"]]

    def in_topic(self, thread: int, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c for c in self.api.sent(method) if int(c["chat_id"]) == AGENT_CHAT
                and int(c.get("message_thread_id") or 0) == thread]

    def topics(self) -> list[dict[str, Any]]:
        return self.api.sent("createForumTopic")

    def _push(self, message: dict[str, Any]) -> None:
        update_id = next(self.ids)
        self.api.updates.append({"update_id": update_id, "message": {
            "message_id": update_id, "date": 1_700_000_000, **message}})


@pytest.fixture
def floor_runtime(tmp_path: Path, sqlite_db: Database, clock: ManualClock, models: ModelHolder,
                  nlu_model_path: Path, bot_token: str, fast_pacing: None) -> Callable[
                      [str], Runtime]:
    def build(api_url: str) -> Runtime:
        return shop_runtime(tmp_path, sqlite_db, clock, models, nlu_model_path,
                            TELEGRAM_BOT_TOKEN=bot_token, TELEGRAM_API_BASE_URL=api_url,
                            TELEGRAM_AGENT_CHAT_ID=AGENT_CHAT,
                            telegram_agent_poll_seconds=0.05)
    return build


@asynccontextmanager
async def app_running(runtime: Runtime) -> AsyncIterator[web.Application]:
    app = create_app(runtime)
    app[TELEGRAM]._polling_timeout = 1  # keep shutdown quick
    async with serving(app):
        yield app


@pytest.fixture
async def floor(floor_runtime: Callable[[str], Runtime]) -> AsyncIterator[Floor]:
    api = LocalBotApi(files=dict(PHOTOS))
    async with serving(api.app()) as url:
        runtime = floor_runtime(url)
        async with app_running(runtime) as app:
            yield Floor(api, runtime, app)


def agent(runtime: Runtime, name: str, user: dict[str, Any], queue: str) -> None:
    with runtime.db.session() as session:
        session.add(Agent(name=name, role=AgentRole.AGENT, queues=[queue],
                          telegram_user_id=user["id"], created_at=runtime.clock.now()))


def case_of(runtime: Runtime) -> Case:
    with runtime.db.session() as session:
        return session.scalars(select(Case)).one()


async def handed_off(floor: Floor) -> tuple[Case, int]:
    """The customer asks for a human; the case's topic is open. Returns the case and topic."""
    floor.customer_says("/human")
    await eventually(lambda: any(re.search(r"\d{10}", t) for t in floor.to_customer()),
                     timeout=10)
    await eventually(lambda: len(floor.topics()) == 1)
    case = case_of(floor.runtime)
    thread = await topic_thread(floor)
    await eventually(lambda: len(floor.in_topic(thread)) >= 1)
    return case, thread


async def topic_thread(floor: Floor) -> int:
    """The thread id the server gave the topic (read back from the posts into it)."""
    await eventually(lambda: any(int(c["chat_id"]) == AGENT_CHAT for c in
                                 floor.api.sent("sendMessage") + floor.api.sent("sendPhoto")))
    post = next(c for c in floor.api.sent("sendMessage") + floor.api.sent("sendPhoto")
                if int(c["chat_id"]) == AGENT_CHAT)
    return int(post["message_thread_id"])


async def test_evidence_handoff_opens_a_topic_with_the_summary_and_the_three_photos(
        floor: Floor) -> None:
    floor.customer_says("收到的电饭煲外壳被压坏了，运输破损")
    await eventually(lambda: any("订单号" in t for t in floor.to_customer()), timeout=10)
    floor.customer_says("2026110500013")
    await eventually(lambda: any("后 4 位" in t for t in floor.to_customer()))
    floor.customer_says("8888")
    await eventually(lambda: any("外包装箱照片" in t for t in floor.to_customer()))
    for file_id in PHOTOS:
        floor.customer_sends_photo(file_id)
    await eventually(lambda: any("三张照片都已收到" in t for t in floor.to_customer()), timeout=10)

    await eventually(lambda: len(floor.topics()) == 1)
    case = case_of(floor.runtime)
    [topic] = floor.topics()
    assert topic == {"chat_id": str(AGENT_CHAT), "name": f"{case.number} · {case.priority}"}
    thread = await topic_thread(floor)
    await eventually(lambda: len(floor.in_topic(thread, "sendPhoto")) == 3)
    [summary] = floor.in_topic(thread)
    assert f"工单 {case.number}" in summary["text"] and "2026110500013" in summary["text"]
    assert "13877778888" not in summary["text"]
    photos = floor.in_topic(thread, "sendPhoto")
    # The store keeps (and the topic shows) the re-encoded photos, stripped of metadata.
    assert [p["photo"] for p in photos] == [
        check_image(data, 10**7, 10**7).data for data in PHOTOS.values()]
    assert all(case.number in p["caption"] for p in photos)


async def test_agent_message_in_the_topic_reaches_the_customer_as_that_agents_reply(
        floor: Floor) -> None:
    case, thread = await handed_off(floor)
    agent(floor.runtime, "wang", WANG, case.queue)

    floor.agent_writes(WANG, thread, "您好，我是客服小王，马上为您处理")

    await eventually(lambda: "您好，我是客服小王，马上为您处理" in floor.to_customer())
    after = case_of(floor.runtime)
    assert after.first_response_at is not None and after.status is CaseStatus.WAITING_CUSTOMER
    with floor.runtime.db.session() as session:
        wang = session.scalars(select(Agent).where(Agent.name == "wang")).one()
        assert after.assignee_id == wang.id
    assert floor.in_topic(thread)[-1]["text"] != "您好，我是客服小王，马上为您处理"  # no echo


async def test_claimed_case_refuses_another_agents_reply_in_the_topic(floor: Floor) -> None:
    case, thread = await handed_off(floor)
    agent(floor.runtime, "wang", WANG, case.queue)
    agent(floor.runtime, "li", LI, case.queue)

    floor.agent_writes(WANG, thread, "/claim")
    await eventually(lambda: any("✅ claim" in c["text"] for c in floor.in_topic(thread)))
    floor.agent_writes(LI, thread, "我来回复")

    await eventually(lambda: any("claimed by wang" in c["text"] for c in floor.in_topic(thread)))
    assert "我来回复" not in floor.to_customer()


async def test_unlinked_telegram_user_is_refused_politely(floor: Floor) -> None:
    _, thread = await handed_off(floor)

    floor.agent_writes(STRANGER, thread, "hello")

    await eventually(lambda: any("link-telegram" in c["text"] and "5999" in c["text"]
                                 for c in floor.in_topic(thread)))
    assert "hello" not in floor.to_customer()


async def test_resolve_in_the_topic_asks_the_customer_for_a_rating(floor: Floor) -> None:
    case, thread = await handed_off(floor)
    agent(floor.runtime, "wang", WANG, case.queue)

    floor.agent_writes(WANG, thread, "/resolve")

    await eventually(lambda: case_of(floor.runtime).status is CaseStatus.RESOLVED)
    await eventually(lambda: any(
        int(c["chat_id"]) == PRIVATE["id"] and "★★★★★" in str(c.get("reply_markup"))
        for c in floor.api.sent("sendMessage")))


async def test_transfer_to_an_unknown_queue_is_answered_in_the_topic(floor: Floor) -> None:
    case, thread = await handed_off(floor)
    agent(floor.runtime, "wang", WANG, case.queue)

    floor.agent_writes(WANG, thread, "/transfer nowhere")
    await eventually(lambda: any("unknown queue 'nowhere'" in c["text"]
                                 for c in floor.in_topic(thread)))
    floor.agent_writes(WANG, thread, "/transfer L3")

    await eventually(lambda: case_of(floor.runtime).queue == "L3")


async def test_customer_messages_in_human_mode_are_mirrored_into_the_topic(
        floor: Floor) -> None:
    _, thread = await handed_off(floor)

    floor.customer_says("请问还要等多久？我的电话是13877778888")

    await eventually(lambda: any("还要等多久" in c["text"] for c in floor.in_topic(thread)))
    [mirrored] = [c["text"] for c in floor.in_topic(thread) if "还要等多久" in c["text"]]
    assert "13877778888" not in mirrored and "👤" in mirrored


async def test_overdue_alert_is_posted_once_for_supervisors(floor: Floor) -> None:
    case, thread = await handed_off(floor)
    runtime = floor.runtime
    assert isinstance(runtime.desk, Desk) and case.first_response_due is not None
    assert isinstance(runtime.clock, ManualClock)
    runtime.clock.set(case.first_response_due + timedelta(minutes=1))

    for _ in range(2):
        with runtime.db.session() as session:
            Sweeper(runtime.desk).sweep(session)

    await eventually(lambda: any("⏰" in c["text"] for c in floor.in_topic(thread)))
    assert await floor.group.run_once() == 0  # the next round owes nothing
    alerts = [c["text"] for c in floor.in_topic(thread) if "⏰" in c["text"]]
    assert len(alerts) == 1 and "overdue_first" in alerts[0] and case.number in alerts[0]


async def test_a_restarted_app_posts_nothing_twice(
        floor_runtime: Callable[[str], Runtime]) -> None:
    api = LocalBotApi(files=dict(PHOTOS))
    async with serving(api.app()) as url:
        runtime = floor_runtime(url)
        async with app_running(runtime) as app:
            floor = Floor(api, runtime, app)
            _, thread = await handed_off(floor)
            floor.customer_says("在吗")
            await eventually(lambda: any("在吗" in c["text"] for c in floor.in_topic(thread)))
            posted = len(api.calls)
        # The stopped poller's last getUpdates may still be waiting in the local server (up to
        # its 1 s timeout) and would swallow the next update: let it expire first.
        await asyncio.sleep(1.1)

        async with app_running(floor_runtime(url)) as app:
            restarted = Floor(api, runtime, app, ids=floor.ids)
            assert await restarted.group.run_once() == 0
            restarted.customer_says("还在吗")
            await eventually(lambda: any("还在吗" in c["text"]
                                         for c in restarted.in_topic(thread)))

    assert len(restarted.topics()) == 1
    repeated = [c for c in api.calls[posted:] if c.method in {"sendMessage", "sendPhoto"}
                and int(c.params["chat_id"]) == AGENT_CHAT
                and "还在吗" not in c.params.get("text", "")]
    assert repeated == []
