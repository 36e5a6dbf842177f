"""Point 3: every response of every app — 200s, redirects, 404s, 405s, JSON errors, the web chat
page, the console alone — carries CSP (with a framing rule), nosniff and a Referrer-Policy; the
web chat's ``frame-ancestors`` comes from ``AFTERSALES_WEBCHAT_ALLOWED_ORIGINS``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import aiohttp
import pytest
from aiohttp import web

from bot.http.headers import HeaderPolicy, frame_ancestors
from bot.web.console import create_console
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.chat import Chat
from tests.bot.web.console.helpers import Holder, Runtime, serve

APP_REQUESTS = [
    ("GET", "/webchat/", 200), ("GET", "/healthz", 200), ("GET", "/no/such/page", 404),
    ("GET", "/webchat/api/messages?user_id=u", 401), ("DELETE", "/webchat/api/messages", 405),
    ("GET", "/model/parse", 405), ("GET", "/api/cases", 401), ("PUT", "/api/cases", 405),
    ("GET", "/console/", 302), ("GET", "/console/signin", 200), ("GET", "/console/nope", 302),
    ("GET", "/console/static/console.css", 200),
]
CONSOLE_REQUESTS = [("GET", "/console/signin", 200), ("GET", "/console/nope", 302),
                    ("DELETE", "/console/signin", 403), ("GET", "/nothing", 404)]


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Headers do not depend on the engine."""
    return sqlite_store


def _assert_hardened(headers: Any, what: str) -> None:
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors" in csp and "default-src 'self'" in csp, what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy"), what


@pytest.mark.parametrize(("method", "path", "status"), APP_REQUESTS)
async def test_every_response_of_the_web_app_carries_the_security_headers(
        chat: Chat, method: str, path: str, status: int) -> None:
    async with chat.http.request(method, chat.url(path), allow_redirects=False) as response:
        assert response.status == status, path
        _assert_hardened(response.headers, f"{method} {path}")


@pytest.fixture
async def console_alone(db: Database, tmp_path: Any,
                        clock: ManualClock) -> AsyncIterator[str]:
    app = web.Application()
    app.add_subapp("/console", create_console(
        Runtime(Settings(var_dir=tmp_path / "var", database_url=db.url), db, clock,
                Holder(cast(Any, None)))))
    async with serve(app) as base:
        yield base


@pytest.mark.parametrize(("method", "path", "status"), CONSOLE_REQUESTS)
async def test_every_response_of_the_console_alone_carries_the_security_headers(
        console_alone: str, method: str, path: str, status: int) -> None:
    async with aiohttp.ClientSession() as http, http.request(
            method, f"{console_alone}{path}", allow_redirects=False) as response:
        assert response.status == status, path
        if path.startswith("/console"):
            _assert_hardened(response.headers, f"{method} {path}")


async def test_the_console_may_not_be_framed_but_the_web_chat_by_its_own_origin(
        chat: Chat) -> None:
    async with chat.http.get(chat.url("/console/signin")) as console:
        assert "frame-ancestors 'none'" in console.headers["Content-Security-Policy"]
        assert console.headers["X-Frame-Options"] == "DENY"
    async with chat.http.get(chat.url("/webchat/")) as page:
        assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]


def test_the_web_chat_framing_follows_the_allowed_origins_setting() -> None:
    settings = Settings(webchat_allowed_origins=("https://shop.example/",))
    policy = HeaderPolicy(webchat_frame_ancestors=frame_ancestors(
        settings.webchat_allowed_origins))
    headers = policy.headers_for("/webchat/")
    assert headers["Content-Security-Policy"].endswith("frame-ancestors https://shop.example")
    assert "X-Frame-Options" not in headers
    assert "frame-ancestors 'none'" in policy.headers_for("/console/")["Content-Security-Policy"]
