"""One stored LINE event as a turn: follow/unfollow reachability, image content, the engine."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import ClientError
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

from bot.channels.intake import ChannelIntake
from bot.channels.ledger import DeliveryLedger
from bot.channels.line.convert import event_key, inbound_from_event, recipient_of
from bot.messages import Attachment, AttachmentKind

log = logging.getLogger(__name__)

Reachability = Callable[[str, bool], Awaitable[None]]


class LineTurns:
    """Runs the turn of one verified LINE event (raises when it did not complete)."""

    def __init__(self, ledger: DeliveryLedger, intake: ChannelIntake,
                 blob: Callable[[], AsyncMessagingApiBlob], reachability: Reachability) -> None:
        self._ledger = ledger
        self._intake = intake
        self._blob = blob
        self._reachability = reachability

    async def process(self, event: Event) -> None:
        """The turn, then the ledger mark (a retry after a failure half-way is a no-op for the
        engine: it stores messages under the event's idempotency key)."""
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
