"""Reading request bodies with clear 4xx errors."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.http.errors import ApiError


async def read_json(request: web.Request) -> dict[str, Any]:
    """The JSON object of the body, or a 400/415 naming the problem."""
    if request.content_type != "application/json":
        raise ApiError(415, "send application/json")
    try:
        body = json.loads(await request.text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "the JSON body must be an object")
    return body
