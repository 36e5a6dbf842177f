"""The agent workspace in zh-Hant, end to end in a real headless Chromium: the supervisor saves a
canned reply; the agent signs in, switches the console to Traditional Chinese, finds the case by
its order number, inserts the canned reply with "/" (name and order filled in), sends it,
resolves the case and reopens it. Screenshots of the workspace (desktop and phone) and the
inbox go to test-artifacts/ (and docs/ with UPDATE_DOCS_SCREENSHOT=1)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from bot.web.console import setup_console
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import AgentRole, Case
from nlu import load_model
from tests.bot.web.console.browser import DESKTOP, DOCS, PHONE, screenshot_path
from tests.bot.web.console.helpers import PASSWORD, Holder, Runtime, add_agent, serve
from tests.handoff.handoff_shop import Shop

pytestmark = [pytest.mark.browser,  # the slow mark of this suite
              pytest.mark.asyncio(loop_scope="module")]

ORDER = "2026110512345"


@pytest_asyncio.fixture(loop_scope="module")
async def workspace(review_settings: Settings, sqlite_db: Database, clock: ManualClock,
                    english_model_file: Path) -> AsyncIterator[str]:
    """The console with agent amy (L2, English for now), supervisor sam, and a case handed off
    from a zh-Hant LINE chat about order 2026110512345 (the chat gave no name)."""
    settings = review_settings
    with sqlite_db.session() as session:
        sync_queues(session, load_queues(settings.training_data_dir / "handoff" / "queues.yml"))
    add_agent(sqlite_db, "amy", AgentRole.AGENT, ["L2"], clock.now())
    add_agent(sqlite_db, "sam", AgentRole.SUPERVISOR, [], clock.now())
    shop, desk = Shop(sqlite_db, clock, settings), Desk(settings, clock)
    with sqlite_db.session() as session:
        shop.order(session, order_id=ORDER, item="氣炸鍋 AF-1", phone="0912345678")
        conversation = shop.customer(session, channel="line", language="zh-Hant", name="")
        shop.says(session, conversation, f"訂單 {ORDER} 已於 2026-11-29 簽收，我要退貨",
                  intent="return_request")
        desk.hand_off(session, conversation, desk.request_for("human_request"), BotFindings(
            order_id=ORDER, wants="return", evidence_received=("product",),
            evidence_missing=("outer_box",),
            decision={"outcome": "not_eligible", "reason": "return_window_expired",
                      "policy": "no_reason_return", "days_since_delivery": 12}))
    app = web.Application()
    setup_console(app, Runtime(settings, sqlite_db, clock,
                               Holder(load_model(english_model_file))))
    async with serve(app) as base:
        yield base


async def _sign_in(browser: Browser, base: str, name: str,
                   viewport: dict[str, int] = DESKTOP) -> Page:
    context = await browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{base}/console/")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def _supervisor_saves_a_canned_reply(browser: Browser, base: str) -> None:
    sam = await _sign_in(browser, base, "sam")
    await sam.goto(f"{base}/console/canned")
    await sam.get_by_role("main").get_by_label("Language").select_option("zh-Hant")
    await sam.get_by_label("Shortcut").fill("/handled")
    await sam.get_by_label("Text").fill("您好 {name}，訂單 {order} 已為您安排退貨，請留意簡訊。")
    await sam.get_by_role("button", name="Save").click()
    await expect(sam.locator("tr[data-canned=handled]")).to_be_visible()
    await sam.context.close()


async def test_an_agent_works_a_case_in_traditional_chinese_from_search_to_resolve(
        browser: Browser, workspace: str, sqlite_db: Database, clock: ManualClock,
        review_settings: Settings) -> None:
    await _supervisor_saves_a_canned_reply(browser, workspace)
    amy = await _sign_in(browser, workspace, "amy")
    await amy.goto(f"{workspace}/console/inbox")
    await expect(amy.get_by_role("heading", name="Inbox")).to_be_visible()

    await amy.get_by_role("banner").get_by_label("Language").select_option("zh-Hant")
    await expect(amy.get_by_role("heading", name="工單列表")).to_be_visible()
    await expect(amy.locator("html")).to_have_attribute("lang", "zh-Hant")
    await amy.get_by_role("searchbox", name="搜尋").fill(ORDER)
    await amy.get_by_role("button", name="篩選").click()
    row = amy.locator("tr[data-case]")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("處理中")  # amy is online: auto-assigned to her
    await expect(row).to_contain_text("客戶要求轉人工")
    await amy.screenshot(path=screenshot_path("workspace-inbox-zh-Hant"))

    await row.get_by_role("link").click()
    summary = amy.locator(".case-summary.readable")
    await expect(summary).to_contain_text("王小明")  # the order's name: the chat had none
    await expect(summary).to_contain_text("不符合條件（已過退貨期）")
    await expect(summary).to_contain_text("轉人工原因：客戶要求轉人工")
    await expect(summary).to_contain_text("簽收已 12 天")
    await expect(amy.locator(".transcript")).to_contain_text("2026-11-29")  # never masked
    await expect(amy.locator("[data-case-status]")).to_have_text("處理中")
    await expect(amy.locator("time[data-due]").first).to_contain_text("已超時")

    box = amy.get_by_label("回覆客戶")
    await box.press_sequentially("/hand")
    await expect(amy.locator("#canned-menu li")).to_have_count(1)
    await box.press("Enter")
    await expect(box).to_have_value(f"您好 王小明，訂單 {ORDER} 已為您安排退貨，請留意簡訊。")
    await amy.screenshot(path=screenshot_path("workspace-case-zh-Hant"), full_page=True)
    await amy.get_by_role("button", name="發送").click()
    await expect(amy.locator(".turn-agent", has_text="已為您安排退貨")).to_be_visible()

    await amy.get_by_role("button", name="完成").click()
    await expect(amy.locator("[data-case-status]")).to_have_text("已完成")
    await expect(amy.locator("#events")).to_contain_text("狀態：待客戶確認 → 已完成")
    await amy.get_by_role("button", name="重新開啟").click()
    await expect(amy.locator("[data-case-status]")).to_have_text("處理中")
    with sqlite_db.session() as session:
        case = session.scalars(select(Case)).one()
        assert case.reopen_count == 1 and case.resolved_at is None

    await _a_new_case_for_amy_is_announced(amy, sqlite_db, clock, review_settings)
    await amy.set_viewport_size(PHONE)
    await amy.screenshot(path=screenshot_path("workspace-case-phone"), full_page=True)
    width = await amy.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "nothing overflows sideways on a phone"
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        for name in ("workspace-inbox-zh-Hant", "workspace-case-zh-Hant"):
            shutil.copy(screenshot_path(name), DOCS / f"console-{name}.png")
    await amy.context.close()


async def _a_new_case_for_amy_is_announced(amy: Page, db: Database, clock: ManualClock,
                                           settings: Settings) -> None:
    """A case auto-assigned to amy while she looks at the list: the page says so (and, with
    permission, a browser notification and a sound)."""
    await amy.goto(amy.url.split("/console/")[0] + "/console/inbox")
    await amy.wait_for_function("document.body.dataset.live === 'open'")
    shop, desk = Shop(db, clock, settings), Desk(settings, clock)
    with db.session() as session:
        conversation = shop.customer(session, channel="line", language="zh-Hant", name="陳")
        shop.says(session, conversation, "我要找真人", intent="request_human")
        ticket = desk.hand_off(session, conversation, desk.request_for("human_request"),
                               BotFindings())
    await expect(amy.locator("body")).to_have_attribute(
        "data-last-notice", f"新工單分派給你：{ticket.case_number}", timeout=15_000)
