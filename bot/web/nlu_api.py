"""``POST /model/parse``: the NLU result in Rasa's format (``{"text": …}`` in)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.http.errors import ApiError
from bot.http.payloads import read_json
from bot.runtime import Runtime
from bot.web.keys import RUNTIME


async def parse(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    body = await read_json(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, '"text" must be a non-empty string')
    if len(text) > runtime.dialogue.max_text_chars:
        raise ApiError(413, f'"text" is longer than {runtime.dialogue.max_text_chars} characters')
    result = await asyncio.to_thread(runtime.models.model.parse, text)
    return web.json_response(result)


def setup_nlu_api(app: web.Application, runtime: Runtime) -> None:
    app.router.add_post("/model/parse", parse)
