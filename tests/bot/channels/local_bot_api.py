"""A small Bot API server on loopback for what the emulator lacks (sendPhoto, getFile, file
downloads, forum topics) and for failures (429, 403). It answers in the shapes the Bot API
documents (https://core.telegram.org/bots/api) and records every call it receives."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 777, "is_bot": True, "first_name": "Aftersales", "username": "aftersales_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class LocalBotApi:
    """State of the fake server: queued updates, files, scripted failures, recorded calls."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → content
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    _next_id: int = 1

    def fail_next(self, method: str, code: int, description: str,
                  **parameters: Any) -> None:
        """Make the next call of ``method`` fail as Telegram would."""
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.failures.setdefault(method, []).append((code, body))

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        return app

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if self.failures.get(method):
            code, body = self.failures[method].pop(0)
            return web.json_response(body, status=code)
        self.calls.append(Call(method, params))
        result = await self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return await self._updates(float(params.get("timeout") or 0))
        if method in {"sendMessage", "sendPhoto"}:
            return self._message(params)
        if method == "getFile":
            file_id = str(params["file_id"])
            return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_size": len(self.files[file_id]), "file_path": f"photos/{file_id}.jpg"}
        if method == "createForumTopic":
            return {"message_thread_id": self._take_id(), "name": params["name"],
                    "icon_color": 7322096}
        return True  # answerCallbackQuery, deleteWebhook, setWebhook, closeForumTopic …

    async def _updates(self, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 2.0)
        while not self.updates and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        taken, self.updates = self.updates, []
        return taken

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._take_id(), "date": int(time.time()), "from": BOT_USER,
            "chat": {"id": int(params["chat_id"]), "type": "private"}}
        if "text" in params:
            message["text"] = params["text"]
        if "message_thread_id" in params:
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        if int(params["chat_id"]) < 0:  # groups have negative ids; the agent group is a forum
            message["chat"] = {"id": int(params["chat_id"]), "type": "supergroup",
                               "title": "Agents", "is_forum": True}
        if "photo" in params:
            size = len(params["photo"]) if isinstance(params["photo"], bytes) else 0
            message["photo"] = [{"file_id": f"sent{message['message_id']}",
                                 "file_unique_id": f"s{message['message_id']}",
                                 "width": 1280, "height": 960, "file_size": size}]
            if params.get("caption"):
                message["caption"] = params["caption"]
        return message

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].removeprefix("photos/").removesuffix(".jpg")
        if file_id not in self.files:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[file_id], content_type="image/jpeg")

    def _take_id(self) -> int:
        self._next_id += 1
        return self._next_id


async def _params(request: web.Request) -> dict[str, Any]:
    """aiogram posts form data (JSON-encoded values for objects); tests may post JSON."""
    if request.content_type == "application/json":
        data: dict[str, Any] = await request.json()
        return data
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        content = value if isinstance(value, str) else _file_content(value)
        params[key] = _maybe_json(content) if isinstance(content, str) else content
    # Uploads travel as their own parts, named by an "attach://<name>" value (Bot API docs).
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), value)
    return params


def _file_content(value: Any) -> str | bytes:
    """A form part sent as a file: text fields as text, uploads (a sendPhoto) as their bytes."""
    data = bytes(value) if isinstance(value, bytes | bytearray) else value.file.read()
    try:
        return str(data.decode())
    except UnicodeDecodeError:
        return bytes(data)


def _maybe_json(text: str) -> Any:
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
