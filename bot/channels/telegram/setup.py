"""``telegram_mount(runtime, handle)``: the Telegram channel, for the product's web app.

Only when ``TELEGRAM_BOT_TOKEN`` is set: webhook route or long polling (started and stopped
with the app, so ``aftersales serve`` runs it), the channel's sender registered with the one
outbox worker, and with ``TELEGRAM_AGENT_CHAT_ID`` also the agent group.

This module is the channel's gate and imports no aiogram: the web app imports it whatever the
settings say, and aiogram's schemas cost every worker ~120 MB and seconds of start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.intake import Handle
from bot.channels.mount import ChannelMount
from bot.runtime import Runtime

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

# The type is for mypy only: naming the class here would import aiogram (see the docstring).
TELEGRAM: web.AppKey[TelegramChannel] = web.AppKey("telegram")


def telegram_mount(runtime: Runtime, handle: Handle) -> ChannelMount | None:
    if runtime.settings.telegram_bot_token is None:
        return None
    # WHY here: aiogram loads only in a worker that has a Telegram token (see the docstring).
    from bot.channels.telegram.agents.setup import agent_group_mount
    from bot.channels.telegram.channel import TelegramChannel

    channel = TelegramChannel(runtime.settings, runtime.db, runtime.clock, handle,
                              runtime.outbox)
    group = agent_group_mount(runtime, channel)
    # The group's router joins the dispatcher before polling starts: mount it first.
    return group + channel.mount() + ChannelMount(exposed={TELEGRAM: channel})
