"""Typed application keys of the web app (channels keep their own keys)."""

from __future__ import annotations

from aiohttp import web

from bot.engine.bot import Bot
from bot.runtime import Runtime

RUNTIME = web.AppKey("runtime", Runtime)
BOT = web.AppKey("bot", Bot)
