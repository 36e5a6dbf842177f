"""The Bot API is away while the product starts: the channel retries with backoff (a warning
per retry, ``retrying`` on /readyz) and answers the customer once Telegram is back."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
import pytest

from bot.model_holder import ModelHolder
from bot.web.app import create_app
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.channels.loopback import serving
from tests.bot.channels.shop import shop_runtime
from tests.bot.channels.tg_emulator import Emulator, TelegramCustomer, install_reason

LATE_START_SECONDS = 10


async def _telegram_state(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url + "/readyz") as response:
        state: str = (await response.json())["channels"]["telegram"]["state"]
        return state


async def test_a_customer_is_answered_when_telegram_comes_up_after_the_product(
        tmp_path: Path, sqlite_db: Database, clock: ManualClock, models: ModelHolder,
        nlu_model_path: Path, bot_token: str, fast_pacing: None,
        caplog: pytest.LogCaptureFixture) -> None:
    reason = install_reason()
    if reason:
        pytest.skip(reason)
    emulator = Emulator()  # its port is chosen, nothing listens on it yet
    runtime = shop_runtime(tmp_path, sqlite_db, clock, models, nlu_model_path,
                           TELEGRAM_BOT_TOKEN=bot_token,
                           TELEGRAM_API_BASE_URL=emulator.base_url,
                           telegram_retry_initial_seconds=0.5, telegram_retry_max_seconds=2)
    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram.channel"):
        async with serving(create_app(runtime)) as url:
            await asyncio.sleep(LATE_START_SECONDS)
            assert await _telegram_state(url) == "retrying"
            emulator.start()
            try:
                customer = TelegramCustomer(emulator.base_url, bot_token, 9901)
                await customer.say("你好")
                assert await customer.texts(1, timeout=20)
                assert await _telegram_state(url) == "connected"
            finally:
                emulator.stop()
    retries = [r for r in caplog.records if "did not answer" in r.getMessage()]
    assert len(retries) >= 3 and all(r.levelno == logging.WARNING for r in retries)
