"""``line_mount(runtime, handle)``: the LINE channel (``POST /line/webhook``) for the web app,
when ``LINE_CHANNEL_SECRET`` and ``LINE_CHANNEL_ACCESS_TOKEN`` are set."""

from __future__ import annotations

from aiohttp import web

from bot.channels.intake import Handle
from bot.channels.line.channel import LineChannel
from bot.channels.mount import ChannelMount
from bot.runtime import Runtime

LINE = web.AppKey("line", LineChannel)


def line_mount(runtime: Runtime, handle: Handle) -> ChannelMount | None:
    settings = runtime.settings
    if settings.line_channel_secret is None or settings.line_channel_access_token is None:
        return None
    channel = LineChannel(settings, runtime.db, runtime.clock, handle, runtime.outbox)
    return channel.mount() + ChannelMount(exposed={LINE: channel})
