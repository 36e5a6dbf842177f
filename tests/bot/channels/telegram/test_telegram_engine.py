"""The whole product on Telegram: the web app (as ``aftersales serve`` builds it) polls the
emulator, the real dialogue engine answers, the handoff desk opens a case, and an agent's reply
reaches the customer through the outbox and the Telegram sender."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.channels.telegram.setup import TELEGRAM
from bot.model_holder import ModelHolder
from bot.runtime import Runtime
from bot.web.app import create_app
from handoff.agents.service import AgentService
from handoff.desk.desk import Desk
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole, Case
from tests.bot.channels.loopback import serving
from tests.bot.channels.shop import shop_runtime
from tests.bot.channels.tg_emulator import Emulator, TelegramCustomer


@pytest.fixture
def telegram_shop(tmp_path: Path, sqlite_db: Database, clock: ManualClock, models: ModelHolder,
                  nlu_model_path: Path, telegram_emulator: Emulator, bot_token: str) -> Runtime:
    return shop_runtime(tmp_path, sqlite_db, clock, models, nlu_model_path,
                        TELEGRAM_BOT_TOKEN=bot_token,
                        TELEGRAM_API_BASE_URL=telegram_emulator.base_url)


@pytest.fixture
async def served(telegram_shop: Runtime) -> AsyncIterator[web.Application]:
    app = create_app(telegram_shop)
    app[TELEGRAM]._polling_timeout = 1  # the emulator answers long polls; keep shutdown quick
    async with serving(app):
        yield app


async def test_order_status_button_handoff_and_agent_reply_over_telegram(
        served: web.Application, telegram_shop: Runtime, telegram_emulator: Emulator,
        bot_token: str) -> None:
    customer = TelegramCustomer(telegram_emulator.base_url, bot_token, 8801)

    await customer.command("/start")
    menu = await customer.wait_for("")
    assert menu["message"]["reply_markup"]["inline_keyboard"], "greeting offers topics"

    title = await customer.press_payload(menu, "/order_status")
    assert title
    await customer.wait_for("订单号")
    await customer.say("2026110500008")
    await customer.wait_for("后 4 位")
    await customer.say("7777")
    status = await customer.wait_for("SF5544332211")
    assert "顺丰速运" in status["message"]["text"]

    await customer.command("/human")
    handoff = await customer.wait_for("2026")
    number = re.search(r"\d{10}", handoff["message"]["text"])
    assert number, handoff["message"]["text"]

    desk = telegram_shop.desk
    assert isinstance(desk, Desk)
    with telegram_shop.db.session() as session:
        case = session.scalars(select(Case).where(Case.number == number.group())).one()
        agent = Agent(name="wang", display_name="小王", role=AgentRole.AGENT,
                      queues=[case.queue], created_at=telegram_shop.clock.now())
        session.add(agent)
        session.flush()
        AgentService(desk).reply(session, agent, case.number, "您好，我是客服小王，马上为您处理")
    await customer.wait_for("我是客服小王")
