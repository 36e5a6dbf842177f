"""Delivers stored replies to Telegram chats: the outbox `Sender` for the ``telegram`` channel.

Failures are translated for the outbox worker: 429 → retry after Telegram's ``retry_after``;
network errors and 5xx → retry with backoff; 400/403 (chat gone, bot blocked) → permanent, so
the row is parked and the customer marked unreachable instead of being retried forever.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiohttp import ClientError

from bot.channels.telegram.convert import keyboard, text_chunks
from bot.channels.telegram.limits import SendLimiter
from bot.messages import OutboundMessage
from handoff.store.outbox import DeliveryError

PERMANENT = (TelegramBadRequest, TelegramForbiddenError, TelegramNotFound, TelegramMigrateToChat)


def delivery_error(exc: Exception) -> DeliveryError:
    """How the outbox should treat a failed Bot API call."""
    if isinstance(exc, TelegramRetryAfter):
        return DeliveryError(f"429 {exc.message}", retry_after=float(exc.retry_after))
    if isinstance(exc, PERMANENT):
        return DeliveryError(f"{type(exc).__name__}: {exc.message}", permanent=True)
    return DeliveryError(f"{type(exc).__name__}: {exc}")


def parse_recipient(recipient: str) -> tuple[int, int | None]:
    """``"<chat_id>"`` or ``"<chat_id>/<topic_id>"`` (a forum topic of the agent group)."""
    chat, _, topic = recipient.partition("/")
    return int(chat), int(topic) if topic else None


class TelegramSender:
    """Sends one outbox payload (text, inline buttons, image URLs) as plain-text messages.

    No parse mode is used, so customer and agent text is shown literally and cannot inject
    markup.
    """

    def __init__(self, bot: Bot, limiter: SendLimiter | None = None) -> None:
        self._bot = bot
        self._limiter = limiter or SendLimiter()

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver ``payload`` to ``recipient`` or raise `DeliveryError`."""
        try:
            await self._send(recipient, OutboundMessage.from_payload(payload))
        except (AiogramError, ClientError, TimeoutError) as exc:
            raise delivery_error(exc) from exc

    async def _send(self, recipient: str, message: OutboundMessage) -> None:
        chat_id, topic = parse_recipient(recipient)
        chunks = text_chunks(message.text) if message.text else []
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await self._limiter.wait_turn(recipient)
            await self._bot.send_message(
                chat_id=chat_id, text=chunk, message_thread_id=topic, parse_mode=None,
                reply_markup=keyboard(message.buttons) if last else None)
        for url in message.images:
            await self._limiter.wait_turn(recipient)
            await self._bot.send_photo(chat_id=chat_id, photo=url, message_thread_id=topic)
