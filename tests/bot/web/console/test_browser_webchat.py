"""The web chat widget (``GET /webchat/``) in a real headless Chromium on a phone-size screen.

A customer types a return request, gives the order and the phone's last four digits, sends a
photo through the file input, presses a quick-reply button and sends the photo the bot asked
for; all of it is one conversation (the widget keeps and sends its conversation token). A
message made of HTML shows as text and runs nothing. The screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from PIL import Image
from playwright.async_api import Browser, FilePayload, Page, expect
from sqlalchemy import func, select

from bot.demo import load_demo_orders
from bot.model_holder import ModelHolder
from bot.runtime import build_runtime
from bot.web.app import create_app
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Conversation, Message
from tests.bot.web.console.browser import PHONE, screenshot_path
from tests.bot.web.console.helpers import serve

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

HOSTILE = "<img src=x onerror=alert(1)>"
# Polls far more often than the shipped 2 s, so a poll overlapping a send is likely, not rare.
POLL_SECONDS = 0.1


def _load_demo_orders(settings: Settings, db: Database, clock: ManualClock) -> None:
    """The demo orders, dated relative to the clock's day (as tests/bot/conftest.py does)."""
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    with db.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
        load_demo_orders(session, settings, today)


@pytest_asyncio.fixture(loop_scope="module")
async def site(settings: Settings, sqlite_db: Database, nlu_model_path: Path,
               models: ModelHolder, clock: ManualClock) -> AsyncIterator[str]:
    settings = settings.model_copy(update={"database_url": sqlite_db.url,
                                           "nlu_model": nlu_model_path})
    _load_demo_orders(settings, sqlite_db, clock)
    runtime = build_runtime(settings, clock, database=sqlite_db, models=models)
    runtime = dataclasses.replace(runtime, dialogue=dataclasses.replace(
        runtime.dialogue, webchat_poll_seconds=POLL_SECONDS))
    async with serve(create_app(runtime)) as base:
        yield base


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, format="PNG")
    return buffer.getvalue()


async def _say(page: Page, text: str) -> None:
    await page.get_by_label("message").fill(text)
    await page.get_by_label("message").press("Enter")


async def _upload_photo(page: Page) -> None:
    photo: FilePayload = {"name": "photo.png", "mimeType": "image/png", "buffer": _png()}
    await page.locator("#photo").set_input_files(files=[photo])


def _bot(page: Page, text: str) -> Any:
    return page.locator(".msg.bot", has_text=text)


async def test_a_customer_on_a_phone_asks_for_a_return_and_sends_photos(
    browser: Browser, site: str, sqlite_db: Database
) -> None:
    context = await browser.new_context(viewport=PHONE, is_mobile=True,  # type: ignore[arg-type]
                                        has_touch=True)
    page = await context.new_page()
    dialogs: list[Any] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog))
    await page.goto(f"{site}/webchat/")

    await _say(page, "我要退货")
    await expect(page.locator(".msg.customer", has_text="我要退货")).to_be_visible()
    await expect(_bot(page, "请发送您的订单号")).to_be_visible()
    await _say(page, "2026110500003")
    await expect(_bot(page, "后 4 位")).to_be_visible()
    await _say(page, "1111")
    await expect(_bot(page, "不符合未使用商品退货条件")).to_be_visible()

    await _upload_photo(page)
    await expect(_bot(page, "收到您的图片")).to_be_visible()
    await page.get_by_role("button", name="商品有问题").click()
    await expect(page.locator(".msg.customer", has_text="商品有问题")).to_be_visible()
    # The photo sent before the customer said what happened counts as the first one.
    await expect(_bot(page, "已收到：商品问题部位照片。")).to_be_visible()
    await expect(page.get_by_role("button", name="运输破损")).to_have_count(0)  # row gone

    await _upload_photo(page)
    await expect(_bot(page, "已收到：商品问题部位照片、快递面单照片")).to_be_visible()
    await expect(page.locator(".msg.customer.photo", has_text="图片")).to_have_count(2)

    await _say(page, HOSTILE)
    await expect(page.locator(".msg.customer", has_text=HOSTILE)).to_be_visible()
    await page.wait_for_timeout(3 * POLL_SECONDS * 1000)  # a few polls after the last send
    assert await page.locator("#log img").count() == 0
    assert dialogs == []
    for text in ("请发送您的订单号", "收到您的图片", "已收到：商品问题部位照片。",
                 "快递面单照片。"):
        await expect(_bot(page, text)).to_have_count(1)  # shown once, polls or not
    assert await page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    await page.screenshot(path=screenshot_path("webchat-phone"), full_page=True)
    await context.close()

    with sqlite_db.session() as session:  # the token kept every turn in one conversation
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1
        photos = session.scalars(select(Message.attachments).where(
            Message.author == "customer")).all()
        assert sum(len(a or []) for a in photos) == 2
