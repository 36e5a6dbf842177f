"""Fixtures for the dialogue engine: a trained model (once per session), the demo orders dated
relative to the test clock, a runtime on the ``db`` fixture, and a ``chat`` over the web chat."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.demo import load_demo_orders
from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.chat import Chat


@pytest.fixture
def bot_settings(db: Database, tmp_path: Path, nlu_model_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=db.url, nlu_model=nlu_model_path)


@pytest.fixture
def demo_orders(db: Database, clock: ManualClock, bot_settings: Settings) -> None:
    """The demo orders, dated relative to the test clock's day (every policy branch)."""
    today = clock.now().astimezone(ZoneInfo(bot_settings.timezone)).date()
    with db.session() as session:
        load_demo_orders(session, bot_settings, today)


@pytest.fixture
def make_runtime(bot_settings: Settings, clock: ManualClock, models: ModelHolder,
                 demo_orders: None) -> Callable[[], Runtime]:
    """A new runtime on the same database each call (a "restart")."""
    return lambda: build_runtime(bot_settings, clock, database=Database(bot_settings.database_url),
                                 models=models)


@pytest.fixture
def runtime(make_runtime: Callable[[], Runtime]) -> Runtime:
    return make_runtime()


@pytest.fixture
async def chat(make_runtime: Callable[[], Runtime]) -> AsyncIterator[Chat]:
    """A web chat customer talking to a real server on 127.0.0.1."""
    session = Chat(make_runtime)
    await session.start()
    yield session
    await session.stop()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8), color: str = "red") -> bytes:
    """A small real image (Pillow)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def sqlite_store(sqlite_db: Database) -> Database:
    """SQLite with the queue table, for modules whose behaviour does not depend on the engine
    (they override ``db`` with it; the conversation tests run on both engines)."""
    with sqlite_db.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
    return sqlite_db
