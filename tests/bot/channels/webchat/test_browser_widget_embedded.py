"""The widget on a shop's own page, in a real headless Chromium (Debian's ``chromium``).

The shop's page is served from another origin (``http://localhost:<port>``, a second loopback
server) and carries only the documented ``<script src=…/webchat/embed.js>`` snippet. The
customer opens the bubble, asks for a person and closes the chat; agent 小美 takes the case and
answers, and the bubble shows two unread lines. Opened again, the chat says 小美 joined and
shows her name on her reply; after a reload of the shop's page the whole conversation is there
again, each line once. Screenshots: test-artifacts/widget-embedded.png (open, after the
reload) and widget-embedded-unread.png (closed, with the badge).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, FrameLocator, Page, async_playwright, expect

from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from bot.web.app import create_app
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.channels.webchat.agent_desk import claim, hire, latest_case, reply
from tests.bot.web.console.browser import DESKTOP, DOCS, LAUNCH_ARGS, screenshot_path

pytestmark = [pytest.mark.browser]  # slow: a real browser and two servers

POLL_SECONDS = 0.2
SHOP_PAGE = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>小店</title></head><body><h1>小店 · 空气炸锅</h1><p>欢迎光临。</p>
<script src="{widget}/webchat/embed.js" data-locale="zh-Hans" async></script>
</body></html>"""


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    return sqlite_store


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, headless=True,
                                                    args=LAUNCH_ARGS)
        yield launched
        await launched.close()


async def _start(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


@dataclasses.dataclass(frozen=True)
class Site:
    shop: str
    runtime: Runtime


@pytest_asyncio.fixture
async def site(bot_settings: Settings, clock: ManualClock, models: ModelHolder,
               demo_orders: None) -> AsyncIterator[Site]:
    """The shop's page on http://localhost:<a>, the bot on http://127.0.0.1:<b>: two sites."""
    widget_base: dict[str, str] = {}

    async def shop_page(request: web.Request) -> web.Response:
        return web.Response(text=SHOP_PAGE.format(widget=widget_base["url"]),
                            content_type="text/html")

    shop_app = web.Application()
    shop_app.router.add_get("/", shop_page)
    shop_runner, shop_port = await _start(shop_app)
    shop = f"http://localhost:{shop_port}"
    settings = bot_settings.model_copy(update={"webchat_allowed_origins": (shop,)})
    runtime = build_runtime(settings, clock, database=Database(settings.database_url),
                            models=models)
    runtime = dataclasses.replace(runtime, dialogue=dataclasses.replace(
        runtime.dialogue, webchat_poll_seconds=POLL_SECONDS))
    bot_runner, bot_port = await _start(create_app(runtime))
    widget_base["url"] = f"http://127.0.0.1:{bot_port}"
    try:
        yield Site(shop, runtime)
    finally:
        await bot_runner.cleanup()
        await shop_runner.cleanup()


def _chat(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title='在线客服']")


async def _bubble_click(page: Page, name: str) -> None:
    await page.get_by_role("button", name=name).click()


async def test_the_widget_on_a_shop_page_of_another_origin_keeps_the_conversation(
        browser: Browser, site: Site, clock: ManualClock) -> None:
    context = await browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(site.shop)
    await _bubble_click(page, "打开在线客服")
    chat = _chat(page)
    await expect(chat.locator("#status")).to_have_text("智能助手为您服务")

    await chat.get_by_label("message").fill("我要转人工客服")
    await chat.get_by_label("message").press("Enter")
    await expect(chat.locator(".msg.customer", has_text="我要转人工客服")).to_be_visible()
    await expect(chat.locator("#status")).to_contain_text("正在为您转接人工客服")
    await _bubble_click(page, "收起")  # the bubble now closes the chat

    number = latest_case(site.runtime)
    mei = hire(site.runtime, "mei", "小美", clock.now())
    clock.advance(minutes=2)
    claim(site.runtime, mei, number)
    clock.advance(minutes=1)
    reply(site.runtime, mei, number, "您好，我是小美，马上为您处理")
    badge = page.locator("[data-aftersales-webchat] .badge")
    await expect(badge).to_have_text("2")  # "小美 joined" and her reply
    await page.screenshot(path=screenshot_path("widget-embedded-unread"))

    await _bubble_click(page, "打开在线客服")
    await expect(badge).to_be_hidden()
    await expect(chat.locator(".event", has_text="小美 已加入对话")).to_be_visible()
    agent = chat.locator(".msg.agent", has_text="马上为您处理")
    await expect(agent.locator(".name")).to_have_text("小美")
    await expect(chat.locator("#status")).to_have_text(f"工单 {number} · 小美 为您服务")

    await page.reload()
    await _bubble_click(page, "打开在线客服")
    chat = _chat(page)
    await expect(chat.locator(".msg.customer", has_text="我要转人工客服")).to_have_count(1)
    await expect(chat.locator(".event", has_text="小美 已加入对话")).to_have_count(1)
    await expect(chat.locator(".msg.agent .name")).to_have_text(["小美"])
    order = await chat.locator("#log > .msg, #log > .event").evaluate_all(
        "lines => lines.map(line => line.className)")
    assert order[0] == "msg customer" and order[-2:] == ["event", "msg agent"], order
    await page.wait_for_timeout(4 * POLL_SECONDS * 1000)  # polls after the restore add nothing
    await expect(chat.locator(".msg.agent")).to_have_count(1)
    await expect(badge).to_be_hidden()
    header = await chat.locator("header").inner_text()
    assert "agent" not in header.lower() and "人工 /" not in header
    await page.screenshot(path=screenshot_path("widget-embedded"))
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):  # the README's picture
        shutil.copy(screenshot_path("widget-embedded"), DOCS / "widget-embedded.png")
    await context.close()
    assert errors == []
