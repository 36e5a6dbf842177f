"""``setup_line(app, runtime)``: the LINE channel (``POST /line/webhook``) on the web app,
when ``LINE_CHANNEL_SECRET`` and ``LINE_CHANNEL_ACCESS_TOKEN`` are set."""

from __future__ import annotations

from aiohttp import web

from bot.channels.line.channel import LineChannel
from bot.channels.line.convert import CHANNEL
from bot.runtime import Runtime
from bot.web.keys import BOT, SENDERS

LINE = web.AppKey("line", LineChannel)


def setup_line(app: web.Application, runtime: Runtime) -> None:
    """Call before ``setup_outbox`` (it reads the registered senders)."""
    settings = runtime.settings
    if settings.line_channel_secret is None or settings.line_channel_access_token is None:
        return
    channel = LineChannel(settings, runtime.db, runtime.clock, app[BOT].handle,
                          run_outbox=False)
    app[SENDERS][CHANNEL] = channel.sender
    app[LINE] = channel
    channel.attach(app)
