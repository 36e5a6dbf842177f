"""A stand-in for the LINE Messaging API on loopback: it checks the channel access token,
validates every request body with line-bot-sdk's own request models, records what it got,
serves message content, and can be told to fail the way LINE does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest


@dataclass
class LocalLineApi:
    access_token: str
    replies: list[dict[str, Any]] = field(default_factory=list)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(
        default_factory=dict)
    invalid: list[str] = field(default_factory=list)  # bodies the SDK models rejected

    def fail_next(self, endpoint: str, status: int, message: str,
                  headers: dict[str, str] | None = None) -> None:
        """``endpoint`` is ``reply`` or ``push``."""
        self.failures.setdefault(endpoint, []).append((status, {"message": message},
                                                       headers or {}))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        return app

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._record(request, "reply", ReplyMessageRequest, self.replies)

    async def _push(self, request: web.Request) -> web.Response:
        return await self._record(request, "push", PushMessageRequest, self.pushes)

    async def _record(self, request: web.Request, endpoint: str, model: Any,
                      store: list[dict[str, Any]]) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.json_response({"message": "Authentication failed"}, status=401)
        body = await request.json()
        try:
            model.from_dict(body)
        except Exception as exc:  # the SDK's models are the reference for the body's shape
            self.invalid.append(f"{endpoint}: {exc}")
            return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
        if self.failures.get(endpoint):
            status, error, headers = self.failures[endpoint].pop(0)
            return web.json_response(error, status=status, headers=headers)
        store.append(body)
        return web.json_response({"sentMessages": [{"id": "1", "quoteToken": "q"}]})

    async def _content(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.json_response({"message": "Authentication failed"}, status=401)
        data = self.contents.get(request.match_info["message_id"])
        if data is None:
            return web.json_response({"message": "Not found"}, status=404)
        return web.Response(body=data, content_type="image/jpeg")
