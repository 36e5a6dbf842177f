"""Fixtures for the channel tests: the Telegram emulator (a real peer, as a subprocess) and a
running Telegram channel pointed at it."""

from __future__ import annotations

import contextlib
import functools
import random
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.intake import Handle
from bot.channels.telegram import channel as telegram_channel
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import SendLimiter
from handoff.config.settings import Settings
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.outbox import OutboxWorker
from tests.bot.channels.loopback import delivering
from tests.bot.channels.tg_emulator import Emulator, install_reason

FAST_PACING = 0.02  # per-chat interval in tests; the limiter's own tests use the real 1 s


@pytest.fixture(scope="session")
def telegram_emulator() -> Iterator[Emulator]:
    """One emulator for the session; every test uses its own bot token, so none share state."""
    reason = install_reason()
    if reason:
        pytest.skip(reason)
    emulator = Emulator()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def bot_token() -> str:
    """A token in Telegram's ``<bot id>:<secret>`` shape (aiogram checks the shape)."""
    return f"{random.randint(10**8, 10**9)}:{uuid.uuid4().hex}"


def telegram_settings(tmp_path: Path, database: Database, token: str, base_url: str,
                      **extra: Any) -> Settings:
    return Settings.model_validate({
        "var_dir": tmp_path / "var", "database_url": database.url,
        "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": base_url, **extra})


@pytest.fixture
async def polling_channel(tmp_path: Path) -> AsyncIterator[
        Callable[[Database, Clock, Handle, str, str], object]]:
    """Starts TelegramChannels in polling mode; stops them after the test."""
    started: list[TelegramChannel] = []
    async with contextlib.AsyncExitStack() as stack:

        async def start(database: Database, clock: Clock, handle: Handle, token: str,
                        base_url: str) -> TelegramChannel:
            settings = telegram_settings(tmp_path, database, token, base_url)
            outbox = await stack.enter_async_context(delivering(OutboxWorker(database, clock)))
            channel = TelegramChannel(settings, database, clock, handle, outbox,
                                      limiter=SendLimiter(per_chat_interval=FAST_PACING),
                                      polling_timeout=1)
            await channel.start()
            started.append(channel)
            return channel

        yield start
        for channel in started:
            await channel.stop()


@pytest.fixture
def fast_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Channels built by the app (``create_app``) pace at `FAST_PACING` instead of 1 s per chat."""
    monkeypatch.setattr(telegram_channel, "SendLimiter",
                        functools.partial(SendLimiter, per_chat_interval=FAST_PACING))
