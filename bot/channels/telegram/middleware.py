"""aiogram middlewares: one turn per update id, and the customer's language.

aiogram neither deduplicates ``update_id`` nor waits for handlers before it advances the polling
offset, so `OncePerUpdate` sits outside every handler: a redelivered update is dropped (the
webhook still answers 200), a handled one is marked, and a database outage either propagates
(webhook → 503, Telegram redelivers) or, in polling mode, holds the poller until the store is
back, so an update whose offset was already confirmed is never lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.channels.intake import StoreUnavailable
from bot.channels.ledger import DeliveryLedger
from bot.channels.telegram.convert import update_key

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
OUTAGE_BACKOFF = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds between store retries when polling


class OncePerUpdate(BaseMiddleware):
    """Outer update middleware: skip redeliveries, mark handled updates, meet store outages."""

    def __init__(self, ledger: DeliveryLedger, *, hold_on_outage: bool) -> None:
        self._ledger = ledger
        self._hold = hold_on_outage

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        key = update_key(event.update_id)
        attempt = 0
        while True:
            try:
                return await self._once(handler, event, data, key)
            except StoreUnavailable as exc:
                if not self._hold:
                    raise
                delay = OUTAGE_BACKOFF[min(attempt, len(OUTAGE_BACKOFF) - 1)]
                log.warning("store unavailable for update %s (%s); retrying in %ss",
                            event.update_id, exc, delay)
                attempt += 1
                await asyncio.sleep(delay)

    async def _once(self, handler: Handler, event: Update, data: dict[str, Any],
                    key: str) -> Any:
        if await self._ledger.seen(key):
            log.info("update %s was handled before; ignoring the redelivery", event.update_id)
            return None
        result = await handler(event, data)
        await self._ledger.mark(key)
        return result


class LanguageHint(BaseMiddleware):
    """Puts the sender's Telegram ``language_code`` in the handler data as ``language_hint``
    (the engine's initial locale for a new conversation)."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        user = getattr(event, "from_user", None)
        data["language_hint"] = getattr(user, "language_code", None)
        return await handler(event, data)
