"""``line_mount(runtime, handle)``: the LINE channel (``POST /line/webhook``) for the web app,
when ``LINE_CHANNEL_SECRET`` and ``LINE_CHANNEL_ACCESS_TOKEN`` are set.

This module is the channel's gate and imports no line-bot-sdk: the web app imports it whatever
the settings say, and the SDK's generated models cost every worker ~30 MB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.intake import Handle
from bot.channels.mount import ChannelMount
from bot.runtime import Runtime

if TYPE_CHECKING:
    from bot.channels.line.channel import LineChannel

# The type is for mypy only: naming the class here would import the SDK (see the docstring).
LINE: web.AppKey[LineChannel] = web.AppKey("line")


def line_mount(runtime: Runtime, handle: Handle) -> ChannelMount | None:
    settings = runtime.settings
    if settings.line_channel_secret is None or settings.line_channel_access_token is None:
        return None
    # WHY here: the SDK loads only in a worker that has LINE credentials (see the docstring).
    from bot.channels.line.channel import LineChannel

    channel = LineChannel(settings, runtime.db, runtime.clock, handle, runtime.outbox)
    return channel.mount() + ChannelMount(exposed={LINE: channel})
