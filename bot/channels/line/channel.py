"""The LINE channel as one object: webhook route, inbox worker, Messaging API client, sender.

``LINE_API_BASE_URL`` replaces both Messaging API hosts (``api.line.me`` and, for image
content, ``api-data.line.me``) so tests can point the client at a local server; with the
default, the SDK's own hosts are used.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
)
from sqlalchemy import update

from bot.channels.health import ChannelHealth
from bot.channels.inbox import EventInbox
from bot.channels.intake import ChannelIntake, Handle
from bot.channels.ledger import DeliveryLedger
from bot.channels.line.convert import CHANNEL
from bot.channels.line.inbox import SWEEP_SECONDS, LineInboxWorker
from bot.channels.line.sender import LineSender, ReplyTokens
from bot.channels.line.turns import LineTurns
from bot.channels.line.webhook import LineWebhook
from bot.channels.mount import ChannelMount
from handoff.config.privacy import load_masker
from handoff.config.settings import Settings
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import Customer
from handoff.store.outbox import OutboxWorker

WEBHOOK_PATH = "/line/webhook"
PUBLIC_API = "https://api.line.me"


class LineConfigError(ValueError):
    """The LINE settings do not describe a runnable channel."""


class LineChannel:
    """Runs the LINE side of the product on the web app."""

    def __init__(self, settings: Settings, database: Database, clock: Clock,
                 handle: Handle, outbox: OutboxWorker, *,
                 inbox_sweep_seconds: float = SWEEP_SECONDS) -> None:
        """Replies leave through ``outbox`` (the one worker; its owner runs it)."""
        if settings.line_channel_secret is None or settings.line_channel_access_token is None:
            raise LineConfigError("LINE needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
        self._settings = settings
        self._db = database
        self._client: AsyncApiClient | None = None
        self.tokens = ReplyTokens(clock)
        self.sender = _LazySender(self)
        outbox.register(CHANNEL, self.sender)
        ledger = DeliveryLedger(database, clock)
        assert settings.identifiers_file is not None
        inbox = EventInbox(database, clock, CHANNEL, settings.inbox_max_failures,
                           redact=load_masker(settings.identifiers_file).mask_value)
        turns = LineTurns(
            ledger, ChannelIntake(handle),
            self.blob, self.set_reachable)
        self.inbox_worker = LineInboxWorker(inbox, turns.process, inbox_sweep_seconds)
        self.webhook = LineWebhook(settings.line_channel_secret.get_secret_value(), ledger,
                                   inbox, self.tokens, self.inbox_worker.wakeup.set)
        self._tasks: list[asyncio.Task[None]] = []

    def mount(self) -> ChannelMount:
        """``POST /line/webhook``, and the inbox worker run with the app."""
        health = ChannelHealth(CHANNEL)
        health.connected()  # LINE calls the webhook; replies are retried by the outbox
        return ChannelMount((web.post(WEBHOOK_PATH, self.webhook.handle),), (self._lifespan,),
                            health=(health,))

    async def _lifespan(self, _app: web.Application) -> AsyncIterator[None]:
        await self.start()
        yield
        await self.stop()

    async def start(self) -> None:
        """Open the API client and start the inbox worker (it first takes whatever a previous
        process left pending)."""
        self._client = AsyncApiClient(self._configuration())
        self._tasks.append(asyncio.create_task(self.inbox_worker.run(), name="line-inbox"))

    async def drain(self) -> None:
        """Run the turns of every event due in the inbox now (at shutdown, and in tests)."""
        await self.inbox_worker.drain()

    async def stop(self) -> None:
        await self.drain()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._client is not None:
            await self._client.close()
            self._client = None

    def api(self) -> AsyncMessagingApi:
        assert self._client is not None, "LINE channel not started"
        return AsyncMessagingApi(self._client)

    def blob(self) -> AsyncMessagingApiBlob:
        assert self._client is not None, "LINE channel not started"
        return AsyncMessagingApiBlob(self._client)

    async def set_reachable(self, recipient: str, reachable: bool) -> None:
        """Follow / unfollow: whether pushes can reach this LINE user at all."""
        def write() -> None:
            with self._db.session() as session:
                session.execute(update(Customer).where(
                    Customer.channel == CHANNEL, Customer.external_id == recipient,
                ).values(unreachable=not reachable))
        await asyncio.to_thread(write)

    def _configuration(self) -> Configuration:
        assert self._settings.line_channel_access_token is not None
        base = self._settings.line_api_base_url.rstrip("/")
        return Configuration(
            host=None if base == PUBLIC_API else base,
            access_token=self._settings.line_channel_access_token.get_secret_value())


class _LazySender:
    """The sender is built per call: the API client exists only while the channel runs."""

    def __init__(self, channel: LineChannel) -> None:
        self._channel = channel

    async def send(self, recipient: str, payload: dict[str, object]) -> None:
        await LineSender(self._channel.api(), self._channel.tokens).send(recipient, payload)
