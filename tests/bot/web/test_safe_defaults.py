"""Safe defaults in production: the server refuses a non-loopback address with the default
secret; the console cookie is Secure when the public URL is https; the web chat token travels
in a header, never in a URL; evidence is served ``Cache-Control: no-store``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click
import pytest
from aiohttp import web

from bot.commands.serve import refuse_default_secret
from bot.web.console import create_console
from bot.web.console.auth.sessions import PRE_SESSION_COOKIE
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import AgentRole
from tests.bot.chat import Chat
from tests.bot.web.console.helpers import (
    Holder,
    Runtime,
    add_agent,
    client,
    serve,
)


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only."""
    return sqlite_store


def test_the_server_refuses_a_public_address_with_the_default_secret() -> None:
    with pytest.raises(click.ClickException, match="AFTERSALES_SECRET_KEY"):
        refuse_default_secret(Settings(), "0.0.0.0")
    refuse_default_secret(Settings(), "127.0.0.1")
    refuse_default_secret(Settings(secret_key="a-long-random-value-" * 3), "0.0.0.0")


async def test_the_console_cookie_is_secure_when_the_public_url_is_https(
        db: Database, tmp_path: Path, clock: ManualClock) -> None:
    settings = Settings(var_dir=tmp_path / "var", database_url=db.url,
                        public_url="https://support.shop.example")
    app = web.Application()
    app.add_subapp("/console", create_console(Runtime(settings, db, clock,
                                                      Holder(cast(Any, None)))))
    add_agent(db, "amy", AgentRole.AGENT, ["L2"], clock.now())
    async with serve(app) as base, client() as http:
        # Over plain http the browser would not send a Secure cookie back, so the sign-in
        # form's own cookie is what this loopback test can see.
        async with http.get(f"{base}/console/signin") as page:
            set_cookie = [v for k, v in page.raw_headers if k.lower() == b"set-cookie"
                          and v.startswith(PRE_SESSION_COOKIE.encode())]
        assert set_cookie and b"Secure" in set_cookie[0]


async def test_the_web_chat_token_in_a_url_is_refused_and_in_the_header_accepted(
        chat: Chat) -> None:
    await chat.say("你好")
    token = chat.tokens[chat.user_id]
    url = chat.url("/webchat/api/messages")
    async with chat.http.get(url, params={"user_id": chat.user_id, "token": token}) as r:
        assert r.status == 400 and "header" in (await r.json())["error"]
    async with chat.http.post(url, params={"token": token},
                              json={"user_id": chat.user_id, "text": "hi"}) as r:
        assert r.status == 400
    assert (await chat.poll())["messages"]


def test_evidence_is_served_no_store_whatever_the_handler_says() -> None:
    from multidict import CIMultiDict

    from bot.http.headers import HeaderPolicy, _apply

    request = cast(Any, type("R", (), {"path": "/console/cases/2026110001/evidence/3"})())
    headers: CIMultiDict[str] = CIMultiDict({"Cache-Control": "private, max-age=3600"})
    _apply(HeaderPolicy(), request, headers)
    assert headers["Cache-Control"] == "no-store"
