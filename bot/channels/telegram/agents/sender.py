"""Posts into the agent group's topics: the outbox `Sender` for the ``telegram-agents`` channel.

Text goes through the customers' `TelegramSender` (same pacing, same error translation); an
evidence photo is read from the evidence store and uploaded with sendPhoto, because the stored
file has no URL Telegram could fetch.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import AiogramError
from aiogram.types import BufferedInputFile
from aiohttp import ClientError

from bot.channels.telegram.limits import SendLimiter
from bot.channels.telegram.sender import TelegramSender, delivery_error, parse_recipient
from bot.evidence import EvidenceStore
from handoff.store.outbox import DeliveryError

AGENTS_CHANNEL = "telegram-agents"
CAPTION_LIMIT = 1024  # Bot API: photo captions are 0-1024 characters


class TopicSender:
    """Delivers one topic post: text, or an evidence photo with a caption."""

    def __init__(self, bot: Bot, evidence: EvidenceStore, limiter: SendLimiter) -> None:
        self._bot = bot
        self._evidence = evidence
        self._limiter = limiter
        self._text = TelegramSender(bot, limiter)

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver ``payload`` to ``"<chat_id>/<topic_id>"`` or raise `DeliveryError`."""
        photos = payload.get("evidence") or []
        if not photos:
            await self._text.send(recipient, payload)
            return
        for photo in photos:
            await self._photo(recipient, str(photo["uri"]), str(payload.get("text", "")))

    async def _photo(self, recipient: str, uri: str, caption: str) -> None:
        try:
            data = self._evidence.read(uri)
        except (OSError, ValueError) as exc:  # the file is gone: retrying cannot bring it back
            raise DeliveryError(f"evidence {uri} unreadable: {exc}", permanent=True) from exc
        chat_id, topic = parse_recipient(recipient)
        await self._limiter.wait_turn(recipient)
        try:
            await self._bot.send_photo(
                chat_id=chat_id, message_thread_id=topic, caption=caption[:CAPTION_LIMIT],
                photo=BufferedInputFile(data, filename=uri.rsplit("/", 1)[-1]), parse_mode=None)
        except (AiogramError, ClientError, TimeoutError) as exc:
            raise delivery_error(exc) from exc
