"""Telegram webhook endpoint on the product's aiohttp app.

aiogram's `SimpleRequestHandler` checks ``X-Telegram-Bot-Api-Secret-Token`` in constant time and
feeds the update to the dispatcher. On top of it: a body that is not a Telegram update is a 400,
and a database outage is a 503, so Telegram redelivers the update later instead of it being
lost (Telegram retries any non-2xx answer, and gives up waiting after 60 s; the dispatcher moves
a turn that takes longer than 55 s to the background and answers).
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.channels.intake import StoreUnavailable

log = logging.getLogger(__name__)


class TelegramConfigError(ValueError):
    """The Telegram settings do not describe a runnable bot."""


def webhook_path(webhook_url: str) -> str:
    """The route to serve: the path of ``TELEGRAM_WEBHOOK_URL`` (``/`` is not allowed)."""
    path = urlsplit(webhook_url).path
    if not path or path == "/":
        raise TelegramConfigError(
            "TELEGRAM_WEBHOOK_URL needs a path, e.g. https://bot.example.com/telegram/webhook")
    return path


class TelegramWebhook(SimpleRequestHandler):
    """The webhook handler: 401 on a wrong or missing secret, 400 on a malformed update,
    503 while the store is down, 200 otherwise (a redelivery included)."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str) -> None:
        if not secret_token:
            raise TelegramConfigError("webhook mode needs TELEGRAM_WEBHOOK_SECRET")
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret_token)

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        """Constant time, on bytes: aiogram compares ``str`` values, which raises TypeError for
        a non-ASCII header (non-UTF-8 header bytes arrive as lone surrogates)."""
        expected = (self.secret_token or "").encode("utf-8")
        return hmac.compare_digest(expected,
                                   telegram_secret_token.encode("utf-8", "surrogatepass"))

    async def handle(self, request: web.Request) -> web.Response:
        try:
            return await super().handle(request)
        except StoreUnavailable as exc:
            log.warning("telegram webhook: store unavailable, asking for redelivery: %s", exc)
            return web.Response(status=503, text="store unavailable, retry later")
        except (ValueError, ValidationError, RecursionError) as exc:
            log.warning("telegram webhook: not an update: %.200s", exc)
            return web.Response(status=400, text="not a Telegram update")
