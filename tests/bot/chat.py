"""A customer chatting through the real web chat HTTP API on a loopback server.

Reads like a transcript::

    await chat.say("我要退货")
    assert "订单号" in chat.text

Like the widget, it keeps the conversation token the first answer hands out (one per
``user_id``) and sends it on every later call: the header on JSON posts and polls, the
``token`` form field on photo uploads.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from bot.channels.webchat.token import HEADER
from bot.runtime import Runtime
from bot.web.app import create_app


@dataclass
class Chat:
    """One web chat user against a running app; ``restart`` swaps in a fresh runtime."""

    make_runtime: Callable[[], Runtime]
    user_id: str = "web-user-1"
    replies: list[dict[str, Any]] = field(default_factory=list)
    conversation: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    _server: TestServer | None = None
    _http: aiohttp.ClientSession | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    _counter: int = 0

    async def start(self) -> None:
        self.runtime = self.make_runtime()
        self._server = TestServer(create_app(self.runtime), host="127.0.0.1")
        await self._server.start_server()
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._http:
            await self._http.close()
        if self._server:
            await self._server.close()
        self.runtime.db.dispose()

    async def restart(self) -> None:
        """Stop the server and start a new one (new runtime, same database)."""
        await self.stop()
        await self.start()

    def url(self, path: str) -> str:
        assert self._server is not None
        return str(self._server.make_url(path))

    @property
    def http(self) -> aiohttp.ClientSession:
        assert self._http is not None
        return self._http

    @property
    def text(self) -> str:
        """All reply texts of the last turn, joined."""
        return "\n".join(r["text"] for r in self.replies)

    @property
    def buttons(self) -> dict[str, str]:
        return {b["title"]: b["payload"] for r in self.replies for b in r["buttons"]}

    def _next_id(self) -> str:
        self._counter += 1
        return f"{self.user_id}-m{self._counter}"

    async def say(self, text: str, *, message_id: str | None = None,
                  payload: str | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"user_id": self.user_id, "text": text,
                                "message_id": message_id or self._next_id()}
        if payload:
            body["payload"] = payload
        return await self._post(json=body, headers=self._auth())

    async def press(self, title: str) -> list[dict[str, Any]]:
        """Press the quick-reply button titled ``title`` of the last replies."""
        return await self.say(title, payload=self.buttons[title])

    async def send_photo(self, data: bytes, filename: str = "photo.png",
                         content_type: str = "image/png", text: str = "") -> list[dict[str, Any]]:
        form = aiohttp.FormData()
        form.add_field("user_id", self.user_id)
        form.add_field("message_id", self._next_id())
        if self.user_id in self.tokens:
            form.add_field("token", self.tokens[self.user_id])
        if text:
            form.add_field("text", text)
        form.add_field("photo", io.BytesIO(data), filename=filename, content_type=content_type)
        return await self._post(data=form)

    async def post_raw(self, data: Any, content_type: str = "application/json") -> int:
        async with self.http.post(self.url("/webchat/api/messages"), data=data,
                                  headers={"Content-Type": content_type}) as response:
            self.status = response.status
            self.body = json.loads(await response.text())
            return response.status

    async def _post(self, **kwargs: Any) -> list[dict[str, Any]]:
        async with self.http.post(self.url("/webchat/api/messages"), **kwargs) as response:
            self.status = response.status
            self.body = json.loads(await response.text())
        if self.status == 200:
            self.tokens[self.user_id] = self.body["token"]
            self.replies = self.body["replies"]
            self.conversation = self.body["conversation"]
        else:
            self.replies = []
        return self.replies

    async def poll(self, after: int = 0) -> dict[str, Any]:
        async with self.http.get(self.url("/webchat/api/messages"),
                                 params={"user_id": self.user_id, "after": str(after)},
                                 headers=self._auth()) as r:
            self.status = r.status
            result: dict[str, Any] = json.loads(await r.text())
            return result

    def _auth(self) -> dict[str, str]:
        token = self.tokens.get(self.user_id)
        return {HEADER: token} if token else {}
