"""Fixtures of the console and review-loop tests: a small training-data copy, stored turns, and
the console alone over HTTP."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, async_playwright

from bot.web.console import create_console, setup_console
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import AgentRole, Author, Conversation, Customer, Direction, Message
from nlu import load_model, save_model
from tests.bot.web.console.browser import CHROMIUM, LAUNCH_ARGS, require_chromium
from tests.bot.web.console.helpers import Holder, Runtime, add_agent, serve

SOURCE = default_training_data_dir()


@pytest.fixture
def training_dir(tmp_path: Path) -> Path:
    """A training_data/ copy a test may write to (relabels land in its nlu/reviewed.yml).

    Only the English examples are copied: retraining on them takes seconds, not a minute.
    """
    target = tmp_path / "training_data"
    shutil.copytree(SOURCE, target, ignore=shutil.ignore_patterns("models", "*.npz"))
    for path in (target / "nlu").iterdir():
        if path.name != "en.yml":
            path.unlink()
    return target


@pytest.fixture
def review_settings(sqlite_db: Database, tmp_path: Path, training_dir: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=sqlite_db.url,
                    training_data_dir=training_dir, nlu_model=tmp_path / "model" / "m.npz")


@pytest.fixture
def customer_turns(sqlite_db: Database) -> Iterator[Any]:
    """Store inbound customer messages with a parse result: ``add(text, intent, confidence)``."""

    def add(text: str, intent: str, confidence: float, at: datetime) -> int:
        with sqlite_db.session() as session:
            customer = Customer(channel="webchat", external_id=uuid.uuid4().hex, created_at=at)
            session.add(customer)
            session.flush()
            conversation = Conversation(customer_id=customer.id, channel="webchat",
                                        created_at=at, updated_at=at)
            session.add(conversation)
            session.flush()
            message = Message(
                conversation_id=conversation.id, direction=Direction.INBOUND,
                author=Author.CUSTOMER, channel="webchat", text=text, created_at=at,
                nlu={"text": text, "intent": {"name": intent, "confidence": confidence},
                     "language": "en"})
            session.add(message)
            session.flush()
            return message.id

    yield add


@pytest.fixture(scope="session")
def english_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained once per test run on the English examples (a few seconds)."""
    from bot.review.worker import train

    data = tmp_path_factory.mktemp("en_training")
    (data / "nlu").mkdir()
    shutil.copy(SOURCE / "nlu" / "en.yml", data / "nlu" / "en.yml")
    shutil.copy(SOURCE / "nlu_config.yml", data / "nlu_config.yml")
    shutil.copytree(SOURCE / "lexicons", data / "lexicons")
    path = data / "model.npz"
    save_model(train(data), path)
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's headless Chromium, one per test module (skips when it is not installed)."""
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def console(review_settings: Settings, sqlite_db: Database, clock: ManualClock,
                  english_model_file: Path) -> AsyncIterator[str]:
    """The console alone on 127.0.0.1, with agent amy (L2), trainer tina and supervisor sam."""
    settings = review_settings.model_copy(update={"console_max_failed_logins": 3})
    app = web.Application()
    setup_console(app, Runtime(settings, sqlite_db, clock, Holder(load_model(english_model_file))))
    add_agent(sqlite_db, "amy", AgentRole.AGENT, ["L2"], clock.now())
    add_agent(sqlite_db, "tina", AgentRole.TRAINER, [], clock.now())
    add_agent(sqlite_db, "sam", AgentRole.SUPERVISOR, [], clock.now())
    async with serve(app) as base:
        yield base


@dataclass(frozen=True)
class EngineConsole:
    """The console alone over HTTP on one engine, and the parts a test pokes at."""

    base: str
    app: web.Application
    db: Database
    settings: Settings


@pytest.fixture
async def engine_console(db: Database, db_settings: Settings,
                         clock: ManualClock) -> AsyncIterator[EngineConsole]:
    """The console on each engine (no NLU model: these tests never open the trainer pages),
    with agent amy (L2), supervisor sam and trainer tina."""
    settings = db_settings.model_copy(update={"console_max_failed_logins": 3})
    console = create_console(Runtime(settings, db, clock, Holder(cast(Any, None))))
    app = web.Application()
    app.add_subapp("/console", console)
    add_agent(db, "amy", AgentRole.AGENT, ["L2"], clock.now())
    add_agent(db, "sam", AgentRole.SUPERVISOR, [], clock.now())
    add_agent(db, "tina", AgentRole.TRAINER, [], clock.now())
    async with serve(app) as base:
        yield EngineConsole(base, console, db, settings)
