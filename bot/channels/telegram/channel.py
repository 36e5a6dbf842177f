"""The Telegram channel as one object: bot, dispatcher, sender, polling or webhook.

Webhook mode when ``TELEGRAM_WEBHOOK_URL`` is set (the route is that URL's path on the product's
aiohttp app), long polling otherwise. ``TELEGRAM_API_BASE_URL`` points aiogram at another Bot
API server (a local ``telegram-bot-api``, or the emulator in tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiohttp import web

from bot.channels.health import ChannelHealth
from bot.channels.intake import ChannelIntake, Handle
from bot.channels.ledger import DeliveryLedger
from bot.channels.mount import ChannelMount
from bot.channels.telegram.convert import CHANNEL
from bot.channels.telegram.limits import SendLimiter
from bot.channels.telegram.middleware import OncePerUpdate
from bot.channels.telegram.router import build_customer_router
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.webhook import TelegramConfigError, TelegramWebhook, webhook_path
from handoff.config.settings import Settings
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.outbox import OutboxWorker

log = logging.getLogger(__name__)


def build_bot(settings: Settings) -> Bot:
    """An aiogram Bot for ``TELEGRAM_BOT_TOKEN`` on ``TELEGRAM_API_BASE_URL``."""
    if settings.telegram_bot_token is None:
        raise TelegramConfigError("TELEGRAM_BOT_TOKEN is not set")
    server = TelegramAPIServer.from_base(settings.telegram_api_base_url)
    return Bot(settings.telegram_bot_token.get_secret_value(),
               session=AiohttpSession(api=server))


def build_dispatcher(ledger: DeliveryLedger, intake: ChannelIntake, *,
                     hold_on_outage: bool) -> Dispatcher:
    """The dispatcher: once-per-update guard outside, the customers' router inside."""
    dispatcher = Dispatcher(disable_fsm=True, intake=intake)
    dispatcher.update.outer_middleware(OncePerUpdate(ledger, hold_on_outage=hold_on_outage))
    dispatcher.include_router(build_customer_router())
    return dispatcher


class TelegramChannel:
    """Runs the Telegram side of the product next to the web app."""

    def __init__(self, settings: Settings, database: Database, clock: Clock, handle: Handle,
                 outbox: OutboxWorker, *, limiter: SendLimiter | None = None,
                 polling_timeout: int = 10) -> None:
        """Replies leave through ``outbox`` (the one worker; its owner runs it)."""
        self.settings = settings
        self.bot = build_bot(settings)
        self.limiter = limiter or SendLimiter()  # shared with the agent group's posts
        self.sender = TelegramSender(self.bot, self.limiter)
        outbox.register(CHANNEL, self.sender)
        self.intake = ChannelIntake(handle)
        self.webhook_mode = bool(settings.telegram_webhook_url)
        self.dispatcher = build_dispatcher(
            DeliveryLedger(database, clock), self.intake, hold_on_outage=not self.webhook_mode)
        self._polling_timeout = polling_timeout
        self._tasks: list[asyncio.Task[None]] = []
        self.health = ChannelHealth(CHANNEL)

    def mount(self) -> ChannelMount:
        """The webhook route (webhook mode) and polling/webhook set-up run with the app."""
        routes: tuple[web.RouteDef, ...] = ()
        if self.webhook_mode:
            secret = self.settings.telegram_webhook_secret
            handler = TelegramWebhook(self.dispatcher, self.bot,
                                      secret.get_secret_value() if secret else "")
            routes = (web.post(webhook_path(self.settings.telegram_webhook_url), handler.handle),)
        return ChannelMount(routes, (self._lifespan,), health=(self.health,))

    async def _lifespan(self, _app: web.Application) -> AsyncIterator[None]:
        await self.start()
        yield
        await self.stop()

    async def start(self) -> None:
        """Register the webhook or begin long polling, in the background: the Bot API may be
        away while the product starts, and the rest of the product must not wait for it."""
        run = self._set_webhook if self.webhook_mode else self._poll
        self._tasks.append(asyncio.create_task(self._until_reached(run), name="telegram-start"))

    async def _until_reached(self, run: Callable[[], Awaitable[None]]) -> None:
        """Run ``run`` until the Bot API answers, with exponential backoff and a warning per
        retry (``/readyz`` shows ``retrying`` meanwhile)."""
        delay = self.settings.telegram_retry_initial_seconds
        while True:
            try:
                await run()
                return
            except Exception as exc:  # aiogram's network errors, timeouts, a 5xx …
                self.health.retrying(f"{type(exc).__name__}: {exc}"[:300])
                log.warning("telegram: the Bot API at %s did not answer (%s); retry %d in %.0f s",
                            self.settings.telegram_api_base_url, exc, self.health.retries,
                            delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.telegram_retry_max_seconds)

    async def stop(self) -> None:
        """Stop polling and close the bot's HTTP session."""
        if not self.webhook_mode:
            # Cancelling start_polling's task would orphan its inner polling task: ask it.
            with contextlib.suppress(RuntimeError):  # polling had not started yet
                await self.dispatcher.stop_polling()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.bot.session.close()

    async def _set_webhook(self) -> None:
        secret = self.settings.telegram_webhook_secret
        await self.bot.set_webhook(
            self.settings.telegram_webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=self.dispatcher.resolve_used_update_types())
        self.health.connected()

    async def _poll(self) -> None:
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
        except TelegramNetworkError:
            raise  # the Bot API is away: retried by _until_reached
        except TelegramAPIError as exc:  # polling still works if no webhook was set
            log.warning("telegram: could not delete the webhook before polling: %s", exc)
        await self.bot.get_me()  # start_polling asks too, and would give up at once
        self.health.connected()
        # One update at a time: turns of one chat stay in order, and a store outage pauses
        # the poller (see OncePerUpdate) instead of dropping updates.
        await self.dispatcher.start_polling(
            self.bot, polling_timeout=self._polling_timeout, handle_as_tasks=False,
            handle_signals=False, close_bot_session=False,
            allowed_updates=self.dispatcher.resolve_used_update_types())
