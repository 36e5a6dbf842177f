"""LINE webhook bodies as LINE sends them (Messaging API reference, "Webhook Event Objects"),
signed with the channel secret."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bot.channels.line.signature import sign

USER_ID = "U4af4980629a0b8c3f2d4e6a1b7c9d0e1"


def _event(kind: str, user: str, redelivery: bool, at_ms: int | None,
           **fields: Any) -> dict[str, Any]:
    return {"type": kind, "mode": "active", "timestamp": at_ms or int(time.time() * 1000),
            "source": {"type": "user", "userId": user},
            "webhookEventId": fields.pop("event_id", None) or uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": redelivery}, **fields}


def text_event(text: str, *, user: str = USER_ID, event_id: str | None = None,
               redelivery: bool = False, at_ms: int | None = None) -> dict[str, Any]:
    return _event("message", user, redelivery, at_ms, event_id=event_id,
                  replyToken=uuid.uuid4().hex,
                  message={"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                           "quoteToken": "q" + uuid.uuid4().hex})


def image_event(message_id: str, *, user: str = USER_ID) -> dict[str, Any]:
    return _event("message", user, False, None, replyToken=uuid.uuid4().hex,
                  message={"id": message_id, "type": "image", "quoteToken": "q",
                           "contentProvider": {"type": "line"}})


def postback_event(data: str, *, user: str = USER_ID) -> dict[str, Any]:
    return _event("postback", user, False, None, replyToken=uuid.uuid4().hex,
                  postback={"data": data})


def follow_event(*, user: str = USER_ID) -> dict[str, Any]:
    return _event("follow", user, False, None, replyToken=uuid.uuid4().hex,
                  follow={"isUnblocked": False})


def unfollow_event(*, user: str = USER_ID) -> dict[str, Any]:
    return _event("unfollow", user, False, None)


def signed(secret: str, *events: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one webhook call, signed as LINE signs it."""
    body = json.dumps({"destination": "Ubotdestination0000000000000000000",
                       "events": list(events)}, ensure_ascii=False).encode("utf-8")
    return body, {"Content-Type": "application/json", "X-Line-Signature": sign(secret, body)}
