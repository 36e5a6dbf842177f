"""A trainer in a real headless Chromium: the review list, relabel, retrain, deploy.

Also: customer text shows as text (no script runs), and signed-out pages go to sign-in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Dialog, Page, expect

from bot.web.console import setup_console
from handoff.config.settings import Settings
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.models import AgentRole
from nlu import load_model
from tests.bot.web.console.browser import (
    DESKTOP,
    PHONE,
    screenshot_path,
)
from tests.bot.web.console.helpers import PASSWORD, Holder, Runtime, add_agent, serve

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

MISUNDERSTOOD = "zorblax quux frobnicate wibble"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest_asyncio.fixture(loop_scope="module")
async def site(review_settings: Settings, sqlite_db: Database,
               english_model_file: Path) -> AsyncIterator[str]:
    clock = SystemClock()
    app = web.Application()
    runtime = Runtime(review_settings, sqlite_db, clock, Holder(load_model(english_model_file)))
    setup_console(app, runtime)
    add_agent(sqlite_db, "tina", AgentRole.TRAINER, [], clock.now())
    async with serve(app) as base:
        yield base


async def _page(browser: Browser, viewport: dict[str, int] = DESKTOP) -> Page:
    context = await browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    return await context.new_page()


async def sign_in(page: Page, base: str, name: str) -> None:
    await page.goto(f"{base}/console/")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def test_signed_out_visit_lands_on_sign_in(browser: Browser, site: str) -> None:
    page = await _page(browser)
    await page.goto(f"{site}/console/training")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.context.close()


async def test_trainer_relabels_retrains_deploys_and_the_message_is_understood(
    browser: Browser, site: str, customer_turns: Any
) -> None:
    customer_turns(MISUNDERSTOOD, "out_of_scope", 0.2, SystemClock().now())
    page = await _page(browser)
    await sign_in(page, site, "tina")
    await page.get_by_label("Sentence to parse").fill(MISUNDERSTOOD)
    await page.get_by_role("button", name="Parse").click()
    await expect(page.locator("[data-parsed-intent]")).not_to_have_text("order_status")

    item = page.locator("ul.review li", has_text=MISUNDERSTOOD)
    await item.get_by_label("Right intent").select_option("order_status")
    await item.get_by_role("button", name="Save label").click()
    await expect(page.get_by_role("status")).to_have_text("Label saved.")
    await expect(page.locator("ul.review li", has_text=MISUNDERSTOOD)).to_have_count(0)

    await page.get_by_role("button", name="Retrain").click()
    await expect(page.locator("[data-job-state]")).to_have_text("ready", timeout=120_000)
    evaluation = page.locator("table.evaluation")
    await expect(evaluation).to_contain_text("relabelled messages")
    await expect(evaluation.locator("tr", has_text="relabelled")).to_contain_text("100.0%")
    await page.get_by_role("button", name="Deploy").click()
    await expect(page.get_by_role("status")).to_contain_text("Deployed")

    await page.get_by_label("Sentence to parse").fill(MISUNDERSTOOD)
    await page.get_by_role("button", name="Parse").click()
    await expect(page.locator("[data-parsed-intent]")).to_have_text("order_status")
    await page.context.close()


async def test_customer_html_is_shown_as_text_and_never_runs(
    browser: Browser, site: str, customer_turns: Any
) -> None:
    customer_turns(HOSTILE, "out_of_scope", 0.1, SystemClock().now())
    dialogs: list[Dialog] = []
    page = await _page(browser, PHONE)
    page.on("dialog", lambda dialog: dialogs.append(dialog))
    await sign_in(page, site, "tina")
    await expect(page.locator(".customer-text", has_text=HOSTILE)).to_be_visible()
    assert await page.locator("ul.review img").count() == 0
    await page.screenshot(path=screenshot_path("training-phone"), full_page=True)
    assert dialogs == []
    await page.context.close()
