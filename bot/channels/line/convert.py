"""LINE webhook events ⇄ neutral messages, and replies as Messaging API message objects.

Quick-reply buttons are postback actions whose data carries both the payload and the title
(the engine reads the intent from the payload and entities such as an order number from the
title); a LINE postback event does not say which label was tapped.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from linebot.v3.messaging import (
    ImageMessage,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from linebot.v3.webhooks import Event, FollowEvent, MessageEvent, PostbackEvent

from bot.messages import Attachment, Button, InboundMessage, OutboundMessage

CHANNEL = "line"
TEXT_LIMIT = 5000  # characters per text message
QUICK_REPLY_LIMIT = 13  # items per quick reply
LABEL_LIMIT = 20  # characters of an action label
POSTBACK_DATA_LIMIT = 300  # characters of postback data
MESSAGES_PER_REQUEST = 5  # messages per reply/push call
GREETING_PAYLOAD = "/greet"  # a new friend is greeted like a customer who said hello


def event_key(webhook_event_id: str) -> str:
    """The idempotency key of a LINE event (the engine stores messages under it)."""
    return f"{CHANNEL}:{webhook_event_id}"


def recipient_of(event: Event) -> str | None:
    """Who replies go to: the user in a 1:1 chat (or the group/room the event came from)."""
    source = event.source
    if source is None:
        return None
    for attribute in ("group_id", "room_id", "user_id"):
        value = getattr(source, attribute, None)
        if value:
            return str(value)
    return None


def inbound_from_event(event: Event, recipient: str,
                       attachments: tuple[Attachment, ...] = ()) -> InboundMessage | None:
    """A text, image, postback or follow event as a customer turn; None for other events."""
    base = InboundMessage(
        channel=CHANNEL, external_id=recipient, update_id=str(event.webhook_event_id),
        timestamp=datetime.fromtimestamp(event.timestamp / 1000, tz=UTC))
    if isinstance(event, MessageEvent):
        text = getattr(event.message, "text", None) or ""
        if not text and not attachments:
            return None  # video, audio, location, sticker … are not handled yet
        return replace(base, text=text, attachments=attachments)
    if isinstance(event, PostbackEvent):
        title, payload = read_postback(event.postback.data)
        return replace(base, text=title, payload=payload)
    if isinstance(event, FollowEvent):
        return replace(base, payload=GREETING_PAYLOAD)
    return None


def postback_data(button: Button) -> str:
    return json.dumps({"t": button.title, "p": button.payload}, ensure_ascii=False,
                      separators=(",", ":"))


def read_postback(data: str) -> tuple[str, str | None]:
    """(title, payload) from our postback data; foreign data is taken as a payload."""
    try:
        decoded = json.loads(data)
    except ValueError:
        return data, data
    if not isinstance(decoded, dict):
        return data, data
    return str(decoded.get("t", "")), str(decoded["p"]) if "p" in decoded else None


def quick_reply(buttons: tuple[Button, ...]) -> QuickReply | None:
    if not buttons:
        return None
    return QuickReply(items=[QuickReplyItem(action=_action(b))
                             for b in buttons[:QUICK_REPLY_LIMIT]])


def _action(button: Button) -> PostbackAction | MessageAction:
    label = button.title[:LABEL_LIMIT]
    data = postback_data(button)
    if len(data) <= POSTBACK_DATA_LIMIT:
        return PostbackAction(label=label, data=data, displayText=button.title[:300])
    return MessageAction(label=label, text=button.title[:300])  # the customer "says" the title


def line_messages(reply: OutboundMessage) -> list[Message]:
    """Text (split at LINE's limit) then images; the quick reply rides on the last message."""
    texts = [reply.text[i:i + TEXT_LIMIT] for i in range(0, len(reply.text), TEXT_LIMIT)]
    parts = [("text", t) for t in texts] + [("image", url) for url in reply.images]
    buttons = quick_reply(reply.buttons)
    return [_message(kind, value, buttons if index == len(parts) - 1 else None)
            for index, (kind, value) in enumerate(parts)]


def _message(kind: str, value: str, buttons: QuickReply | None) -> Message:
    if kind == "text":
        return TextMessage(text=value, quickReply=buttons)
    return ImageMessage(originalContentUrl=value, previewImageUrl=value, quickReply=buttons)


def batches(messages: list[Message]) -> list[list[Message]]:
    """At most five messages per reply/push request."""
    return [messages[i:i + MESSAGES_PER_REQUEST]
            for i in range(0, len(messages), MESSAGES_PER_REQUEST)]
