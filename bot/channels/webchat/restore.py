"""``GET /webchat/api/history?user_id=…``: the conversation so far, for the widget to show
again after a page reload (the customer's conversation continues on the server either way).

Needs the conversation token like every read. Answers ``{"messages", "joins", "cursor",
"conversation"}``: the last messages both ways (a customer's photos as a count, never the
image), the times an agent took the case (the widget's "… joined" lines), and the cursor to poll
from so nothing is shown twice or skipped.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.channels.webchat.token import CHANNEL, admit_read, presented_token
from bot.engine.history import (
    agent_joins,
    conversation_view,
    find_conversation,
    seen_through,
    transcript,
)
from bot.http.errors import ApiError
from bot.runtime import Runtime

MAX_ID = 128


async def get_history(request: web.Request, runtime: Runtime) -> web.Response:
    if "token" in request.query:
        raise ApiError(400, "send the conversation token in the X-Webchat-Token header, "
                            "never in the URL")
    user_id = request.query.get("user_id", "")
    if not user_id or len(user_id) > MAX_ID:
        raise ApiError(400, '"user_id" query parameter is required')
    admit_read(runtime, user_id, presented_token(request))
    return web.json_response(await asyncio.to_thread(_history, runtime, user_id))


def _history(runtime: Runtime, user_id: str) -> dict[str, Any]:
    with runtime.db.read_session() as session:
        conversation = find_conversation(session, CHANNEL, user_id)
        if conversation is None:
            return {"messages": [], "joins": [], "cursor": 0,
                    "conversation": conversation_view(session, None)}
        messages = transcript(session, conversation)
        replies = [m["id"] for m in messages if m["author"] != "customer"]
        start = messages[0]["id"] - 1 if messages else 0
        return {"messages": messages, "joins": agent_joins(session, conversation),
                # Polling resumes after the run of replies shown here (never past one that
                # committed meanwhile with a smaller id).
                "cursor": seen_through(session, conversation, start, replies),
                "conversation": conversation_view(session, conversation)}
