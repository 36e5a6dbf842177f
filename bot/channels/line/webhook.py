"""``POST /line/webhook``: verify, store durably, acknowledge at once.

LINE wants an answer within about two seconds, redelivers (with ``isRedelivery``) what was not
acknowledged and never what was. So the handler checks the signature over the raw body (401,
nothing read or stored otherwise), parses, and writes each event not handled or stored before
to the channel inbox (raw JSON, keyed ``line:<webhookEventId>``) before it answers 200; the
turns run from the inbox in the background (`LineInboxWorker`), so a crash after the 200 loses
nothing. An empty ``events`` array is LINE's connectivity check. While the store is down the
answer is 503 and nothing is acknowledged, so LINE redelivers later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from linebot.v3.webhooks import Event

from bot.channels.inbox import EventInbox
from bot.channels.intake import StoreUnavailable
from bot.channels.ledger import DeliveryLedger
from bot.channels.line.convert import event_key, recipient_of
from bot.channels.line.sender import ReplyTokens
from bot.channels.line.signature import is_valid
from handoff.store.inbox import InboundEvent
from handoff.store.text import storable_json

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParsedEvent:
    """An event of a verified body, as sent (for the inbox) and as the SDK's model."""

    raw: dict[str, Any]
    event: Event

    @property
    def key(self) -> str:
        return event_key(self.event.webhook_event_id)


_MAX_ID = 128  # LINE's ids are 26-33 characters; the inbox key and recipient are VARCHAR


def parse_events(body: bytes) -> list[ParsedEvent]:
    """Events of a verified body; ValueError if the body is not LINE's shape at all.

    An event that cannot be used (not an object, an unknown type, an id or user id longer than
    any LINE issues) is dropped with a warning: LINE signed it, so a redelivery would bring the
    same bytes again. Text is made storable (`handoff.store.text`) before it is kept.
    """
    try:
        document = storable_json(json.loads(body))
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc!r:.200}") from None
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise ValueError("no events array")
    return [parsed for raw in document["events"] if (parsed := _parse_event(raw)) is not None]


def _parse_event(raw: Any) -> ParsedEvent | None:
    try:
        event = Event.from_dict(raw) if isinstance(raw, dict) else None
    except (ValueError, TypeError, LookupError, AttributeError) as exc:  # the SDK's, pydantic's
        log.warning("dropping a LINE event that is not one: %.300r (%.200s)", raw, exc)
        return None
    if event is None or not isinstance(event.webhook_event_id, str) or \
            not 0 < len(event.webhook_event_id) <= _MAX_ID or \
            len(recipient_of(event) or "") > _MAX_ID:
        log.warning("dropping a LINE event without a usable id: %.300r", raw)
        return None
    return ParsedEvent(raw, event)


class LineWebhook:
    """The webhook handler: stores fresh events in the inbox and wakes the worker."""

    def __init__(self, channel_secret: str, ledger: DeliveryLedger, inbox: EventInbox,
                 tokens: ReplyTokens, wake: Callable[[], None]) -> None:
        self._secret = channel_secret
        self._ledger = ledger
        self._inbox = inbox
        self._tokens = tokens
        self._wake = wake

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not is_valid(self._secret, body, request.headers.get("X-Line-Signature")):
            return web.Response(status=401, text="bad signature")
        try:
            events = parse_events(body)
        except ValueError as exc:
            # Signed by LINE, so not a forgery; any non-2xx answer makes LINE redeliver the
            # same bytes for ever. Acknowledge, keep nothing, and say so in the log.
            log.error("LINE webhook: a signed body that is not LINE's shape was dropped: %s",
                      exc)
            return web.Response(status=200, text="ignored: not a LINE webhook body")
        try:
            stored = await self._store(events)
        except StoreUnavailable:
            return web.Response(status=503, text="store unavailable, retry later")
        for parsed in events:
            if parsed.key in stored:
                self._remember_token(parsed.event)
        if stored:
            self._wake()
        return web.Response(status=200, text="OK")

    async def _store(self, events: list[ParsedEvent]) -> set[str]:
        """Keys stored now: not handled before (ledger) and not already in the inbox."""
        fresh = [InboundEvent(p.key, recipient_of(p.event) or "", p.raw) for p in events
                 if not await self._ledger.seen(p.key)]
        return set(await self._inbox.store(fresh)) if fresh else set()

    def _remember_token(self, event: Event) -> None:
        token, recipient = getattr(event, "reply_token", None), recipient_of(event)
        if token and recipient:
            self._tokens.remember(recipient, token, _received_at(event))


def _received_at(event: Event) -> datetime:
    return datetime.fromtimestamp(event.timestamp / 1000, tz=UTC)
