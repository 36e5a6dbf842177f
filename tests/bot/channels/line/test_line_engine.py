"""The whole product on LINE: signed webhooks into the web app, the real engine answering,
replies through the shared outbox to the Messaging API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.model_holder import ModelHolder
from bot.web.app import create_app
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.channels.line_events import signed, text_event
from tests.bot.channels.local_line_api import LocalLineApi
from tests.bot.channels.loopback import eventually, serving
from tests.bot.channels.shop import shop_runtime

SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TOKEN = "line-token-e2e"


class LineShop:
    def __init__(self, url: str, api: LocalLineApi) -> None:
        self.url, self.api = url, api

    async def say(self, text: str) -> int:
        body, headers = signed(SECRET, text_event(text))
        async with aiohttp.ClientSession() as session, \
                session.post(self.url + "/line/webhook", data=body, headers=headers) as resp:
            return resp.status

    def texts(self) -> list[str]:
        return [m.get("text", "") for call in self.api.replies + self.api.pushes
                for m in call["messages"]]


@pytest.fixture
async def line_shop(tmp_path: Path, sqlite_db: Database, clock: ManualClock,
                    models: ModelHolder, nlu_model_path: Path) -> AsyncIterator[LineShop]:
    api = LocalLineApi(access_token=TOKEN)
    async with serving(api.app()) as api_url:
        runtime = shop_runtime(tmp_path, sqlite_db, clock, models, nlu_model_path,
                               LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
                               LINE_API_BASE_URL=api_url)
        app = create_app(runtime)
        async with serving(app) as url:
            yield LineShop(url, api)
        assert api.invalid == []


async def test_order_status_over_line_asks_for_the_order_number(line_shop: LineShop) -> None:
    assert await line_shop.say("我的訂單到哪了") == 200
    await eventually(lambda: any("訂單" in t for t in line_shop.texts()), timeout=10)

    assert line_shop.api.replies, "answered with the event's reply token"
    assert line_shop.api.pushes == []

