"""Typed application keys shared by the web modules."""

from __future__ import annotations

from aiohttp import web

from bot.engine.bot import Bot
from bot.runtime import Runtime
from handoff.store.outbox import Sender

RUNTIME = web.AppKey("runtime", Runtime)
BOT = web.AppKey("bot", Bot)
SENDERS = web.AppKey("senders", dict[str, Sender])
