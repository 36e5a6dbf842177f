"""The whole product on Telegram: the web app (as ``aftersales serve`` builds it) polls the
emulator, the real dialogue engine answers, the handoff desk opens a case, and an agent's reply
reaches the customer through the outbox and the Telegram sender."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from loopback import serving
from sqlalchemy import select
from tg_emulator import Emulator, TelegramCustomer

from bot.channels.telegram_setup import TELEGRAM
from bot.demo import render_demo_orders
from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from bot.web.app import create_app
from handoff.agent_service import AgentService
from handoff.clock import ManualClock
from handoff.desk import Desk
from handoff.order_import import import_orders
from handoff.paths import default_training_data_dir
from handoff.settings import Settings
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole, Case
from handoff.tables import load_queues, sync_queues
from tests.bot.conftest import models, nlu_model_path

__all__ = ["models", "nlu_model_path"]  # session fixtures shared with the engine's tests


@pytest.fixture
def shop_runtime(tmp_path: Path, sqlite_db: Database, clock: ManualClock, models: ModelHolder,
                 nlu_model_path: Path, telegram_emulator: Emulator, bot_token: str) -> Runtime:
    """The runtime `aftersales serve` builds, with the demo orders and a Telegram token."""
    settings = Settings.model_validate({
        "var_dir": tmp_path / "var", "database_url": sqlite_db.url, "nlu_model": nlu_model_path,
        "TELEGRAM_BOT_TOKEN": bot_token, "TELEGRAM_API_BASE_URL": telegram_emulator.base_url})
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    rendered = settings.var_dir / "demo_orders.json"
    render_demo_orders(default_training_data_dir() / "demo" / "orders.json", rendered, today,
                       settings.timezone)
    with sqlite_db.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
        import_orders(session, rendered, timezone=settings.timezone,
                      digest_key=settings.secret_key.get_secret_value())
    return build_runtime(settings, clock, database=sqlite_db, models=models)


@pytest.fixture
async def served(shop_runtime: Runtime) -> AsyncIterator[web.Application]:
    app = create_app(shop_runtime)
    app[TELEGRAM]._polling_timeout = 1  # the emulator answers long polls; keep shutdown quick
    async with serving(app):
        yield app


async def test_order_status_button_handoff_and_agent_reply_over_telegram(
        served: web.Application, shop_runtime: Runtime, telegram_emulator: Emulator,
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

    desk = shop_runtime.desk
    assert isinstance(desk, Desk)
    with shop_runtime.db.session() as session:
        case = session.scalars(select(Case).where(Case.number == number.group())).one()
        agent = Agent(name="wang", display_name="小王", role=AgentRole.AGENT,
                      queues=[case.queue], created_at=shop_runtime.clock.now())
        session.add(agent)
        session.flush()
        AgentService(desk).reply(session, agent, case.number, "您好，我是客服小王，马上为您处理")
    await customer.wait_for("我是客服小王")
