"""``POST /line/webhook``: verify, acknowledge at once, then process in the background.

LINE wants an answer within about two seconds and redelivers (with ``isRedelivery``) what was
not acknowledged. So the handler only checks the signature over the raw body (401, nothing
read or stored otherwise), parses, drops events already handled (by ``webhookEventId``),
remembers reply tokens, answers 200 and leaves the turns to a background task. An empty
``events`` array is LINE's connectivity check. While the store is down the answer is 503, so
LINE redelivers later.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import ClientError, web
from linebot.v3.messaging import AsyncMessagingApiBlob
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import (
    Event,
    EventMode,
    FollowEvent,
    ImageMessageContent,
    MessageEvent,
    UnfollowEvent,
)

from bot.channels.intake import ChannelIntake, StoreUnavailable
from bot.channels.ledger import DeliveryLedger
from bot.channels.line_convert import event_key, inbound_from_event, recipient_of
from bot.channels.line_sender import ReplyTokens
from bot.channels.line_signature import is_valid
from bot.messages import Attachment, AttachmentKind

log = logging.getLogger(__name__)

OUTAGE_RETRIES = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds; then the event is logged
Reachability = Callable[[str, bool], Awaitable[None]]


def parse_events(body: bytes) -> list[Event]:
    """Events of a verified body (unknown event types are skipped); ValueError if malformed."""
    document = json.loads(body)
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise ValueError("not a LINE webhook body")
    events = []
    for raw in document["events"]:
        try:
            events.append(Event.from_dict(raw))
        except ValueError:
            log.info("skipping LINE event of unknown type %r", raw.get("type"))
    return [e for e in events if e.webhook_event_id]


class LineWebhook:
    """The webhook handler and its background turns."""

    def __init__(self, channel_secret: str, ledger: DeliveryLedger, intake: ChannelIntake,
                 tokens: ReplyTokens, blob: Callable[[], AsyncMessagingApiBlob],
                 reachability: Reachability) -> None:
        self._secret = channel_secret
        self._ledger = ledger
        self._intake = intake
        self._tokens = tokens
        self._blob = blob
        self._reachability = reachability
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not is_valid(self._secret, body, request.headers.get("X-Line-Signature")):
            return web.Response(status=401, text="bad signature")
        try:
            events = parse_events(body)
        except ValueError:
            return web.Response(status=400, text="not a LINE webhook body")
        try:
            fresh = [e for e in events
                     if not await self._ledger.seen(event_key(e.webhook_event_id))]
        except StoreUnavailable:
            return web.Response(status=503, text="store unavailable, retry later")
        for event in fresh:
            self._remember_token(event)
        if fresh:
            task = asyncio.create_task(self._process_all(fresh))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.Response(status=200, text="OK")

    async def drain(self) -> None:
        """Wait for background turns (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _remember_token(self, event: Event) -> None:
        token, recipient = getattr(event, "reply_token", None), recipient_of(event)
        if token and recipient:
            self._tokens.remember(recipient, token, _received_at(event))

    async def _process_all(self, events: list[Event]) -> None:
        for event in events:  # in order: one customer's turns must not overtake each other
            try:
                await self._with_retries(event)
            except Exception:
                log.exception("LINE event %s failed", event.webhook_event_id)

    async def _with_retries(self, event: Event) -> None:
        for delay in (*OUTAGE_RETRIES, None):
            try:
                await self._process(event)
                return
            except StoreUnavailable as exc:
                if delay is None:
                    raise
                log.warning("store unavailable for LINE event %s (%s); retry in %ss",
                            event.webhook_event_id, exc, delay)
                await asyncio.sleep(delay)

    async def _process(self, event: Event) -> None:
        recipient = recipient_of(event)
        if recipient is not None and event.mode == EventMode.ACTIVE:  # standby: another bot answers
            if isinstance(event, FollowEvent | UnfollowEvent):
                await self._reachability(recipient, isinstance(event, FollowEvent))
            inbound = inbound_from_event(event, recipient, await self._attachments(event))
            if inbound is not None:
                await self._intake.accept(inbound)
        await self._ledger.mark(event_key(event.webhook_event_id))

    async def _attachments(self, event: Event) -> tuple[Attachment, ...]:
        if not isinstance(event, MessageEvent) or not isinstance(event.message,
                                                                 ImageMessageContent):
            return ()
        message_id = event.message.id
        image = Attachment(AttachmentKind.IMAGE, platform_ref=message_id)
        provider = event.message.content_provider
        if provider is not None and str(provider.type) != "line":
            return (image,)  # hosted elsewhere: not fetched
        try:
            data = await self._blob().get_message_content(message_id)
        except (ApiException, ClientError, TimeoutError) as exc:
            log.warning("could not fetch LINE image %s: %s", message_id, exc)
            return (image,)
        return (Attachment(AttachmentKind.IMAGE, content_type="image/jpeg", data=bytes(data),
                           filename=f"{message_id}.jpg", platform_ref=message_id),)


def _received_at(event: Event) -> datetime:
    return datetime.fromtimestamp(event.timestamp / 1000, tz=UTC)


