"""The agent console in a real headless Chromium, on the real web app.

A customer asks for a human through the web chat API; an agent sees the case appear live,
claims it, replies (the reply reaches the customer through the web chat API) and resolves it;
the supervisor's dashboard figures change. Security: customer HTML stays text, another queue's
case is 403. Screenshots of the inbox, case view and dashboard go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from bot.model_holder import ModelHolder
from bot.runtime import build_runtime
from bot.web.app import create_app
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.desk.desk import Desk
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.models import AgentRole, Case
from nlu import load_model
from tests.bot.web.console.browser import (
    DESKTOP,
    DOCS,
    PHONE,
    screenshot_path,
)
from tests.bot.web.console.helpers import PASSWORD, add_agent, serve

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest_asyncio.fixture(loop_scope="module")
async def site(review_settings: Settings, sqlite_db: Database,
               english_model_file: Path) -> AsyncIterator[str]:
    settings = review_settings.model_copy(update={"console_live_poll_seconds": 0.3})
    clock = SystemClock()
    with sqlite_db.session() as session:
        sync_queues(session, load_queues(settings.training_data_dir / "handoff" / "queues.yml"))
    runtime = build_runtime(settings, clock, database=sqlite_db,
                            models=ModelHolder(load_model(english_model_file)),
                            desk=Desk(settings, clock))
    for name, role, queues in (("amy", AgentRole.AGENT, ["L2"]),
                               ("sam", AgentRole.SUPERVISOR, [])):
        add_agent(sqlite_db, name, role, queues, clock.now())
    async with serve(create_app(runtime)) as base:
        yield base


async def _page(browser: Browser, viewport: dict[str, int] = DESKTOP) -> Page:
    context = await browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    return await context.new_page()


async def _sign_in(browser: Browser, base: str, name: str,
                   viewport: dict[str, int] = DESKTOP) -> Page:
    page = await _page(browser, viewport)
    await page.goto(f"{base}/console/")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


# The web chat conversation token of each customer, as the widget keeps it (keyed by site too:
# every test has its own server and database).
_TOKENS: dict[tuple[str, str], str] = {}


def _token_header(base: str, user: str) -> dict[str, str]:
    token = _TOKENS.get((base, user))
    return {"X-Webchat-Token": token} if token else {}


async def _customer_says(base: str, user: str, text: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(
            f"{base}/webchat/api/messages", json={"user_id": user, "text": text},
            headers=_token_header(base, user)) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        _TOKENS[(base, user)] = body["token"]
        return body


async def _customer_polls(base: str, user: str, after: int) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(
            f"{base}/webchat/api/messages", params={"user_id": user, "after": after},
            headers=_token_header(base, user)) as response:
        assert response.status == 200
        body = await response.json()
        return list(body["messages"])


def _text_of(message: dict[str, Any]) -> str:
    payload = message.get("payload") or message
    return str(payload.get("text") or message.get("text") or "")


async def _figure(page: Page, name: str) -> str:
    return (await page.locator(f"[data-figure={name}]").inner_text()).strip()


async def test_agent_works_a_handed_off_case_end_to_end_while_the_dashboard_follows(
    browser: Browser, site: str
) -> None:
    supervisor = await _sign_in(browser, site, "sam")
    await expect(supervisor.get_by_role("heading", name="Dashboard")).to_be_visible()
    handed_off_before = await _figure(supervisor, "cases_opened")

    agent = await _sign_in(browser, site, "amy")
    await expect(agent.get_by_role("heading", name="Inbox")).to_be_visible()
    await expect(agent.locator("tr[data-case]")).to_have_count(0)
    await agent.wait_for_function("document.body.dataset.live === 'open'")

    first = await _customer_says(site, "web-42", "I want to talk to a human agent")
    cursor = int(first["cursor"])
    row = agent.locator("tr[data-case]")
    await expect(row).to_have_count(1, timeout=15_000)  # arrived without a reload
    await expect(row.locator(".prio")).to_have_text("P3")
    await expect(row.locator("time[data-due]")).to_contain_text("left")
    await agent.screenshot(path=screenshot_path("inbox"))
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        shutil.copy(screenshot_path("inbox"), DOCS / "console-inbox.png")

    await _customer_says(site, "web-42", HOSTILE)
    dialogs: list[Any] = []
    agent.on("dialog", lambda dialog: dialogs.append(dialog))
    await row.get_by_role("link").click()
    await expect(agent.locator(".turn-customer", has_text=HOSTILE)).to_be_visible()
    assert await agent.locator(".transcript img").count() == 0
    claim = agent.get_by_role("button", name="Claim")
    if await claim.count():  # auto-assignment may already have given the case to amy
        await claim.click()
    await expect(agent.locator("#case-head")).to_contain_text("Assignee amy")
    await agent.get_by_label("Reply to the customer").fill("Hello, this is Amy. I am on it.")
    await agent.get_by_role("button", name="Send reply").click()
    await expect(agent.locator(".turn-agent", has_text="I am on it")).to_be_visible()
    await agent.screenshot(path=screenshot_path("case"), full_page=True)
    replies = [_text_of(m) for m in await _customer_polls(site, "web-42", cursor)]
    assert "Hello, this is Amy. I am on it." in replies

    await agent.get_by_role("button", name="Resolve").click()
    await expect(agent.locator("[data-case-status]")).to_have_text("Resolved")
    assert dialogs == []

    await expect(supervisor.locator("[data-figure=cases_opened]")).not_to_have_text(
        handed_off_before, timeout=15_000)  # updated live
    assert await _figure(supervisor, "cases_opened") == str(int(handed_off_before) + 1)
    for image in await supervisor.locator(".charts img").all():
        # decode() waits for the PNG and fails on a broken image
        assert await image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    await supervisor.screenshot(path=screenshot_path("dashboard"), full_page=True)
    await agent.context.close()
    await supervisor.context.close()


async def test_an_agent_cannot_open_another_queues_case_by_url(
    browser: Browser, site: str, sqlite_db: Database
) -> None:
    await _customer_says(site, "web-7", "I will sue you, my lawyer is ready")
    with sqlite_db.session() as session:
        number = session.scalars(select(Case.number).where(Case.queue != "L2")).one()
    supervisor = await _sign_in(browser, site, "sam", PHONE)
    await supervisor.goto(f"{site}/console/inbox")
    await expect(supervisor.locator("tr[data-case]", has_text=number)).to_be_visible()
    assert (await supervisor.title()).startswith("(1 P1)")
    await supervisor.screenshot(path=screenshot_path("inbox-phone"), full_page=True)
    agent = await _sign_in(browser, site, "amy")
    response = await agent.goto(f"{site}/console/cases/{number}")
    assert response is not None and response.status == 403
    await expect(agent.get_by_role("heading", name="Forbidden")).to_be_visible()
    await agent.context.close()
    await supervisor.context.close()
