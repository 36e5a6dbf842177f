"""``telegram_mount(runtime, handle)``: the Telegram channel, for the product's web app.

Only when ``TELEGRAM_BOT_TOKEN`` is set: webhook route or long polling (started and stopped
with the app, so ``aftersales serve`` runs it), the channel's sender registered with the one
outbox worker, and with ``TELEGRAM_AGENT_CHAT_ID`` also the agent group.
"""

from __future__ import annotations

from aiohttp import web

from bot.channels.intake import Handle
from bot.channels.mount import ChannelMount
from bot.channels.telegram.agents.setup import agent_group_mount
from bot.channels.telegram.channel import TelegramChannel
from bot.runtime import Runtime

TELEGRAM = web.AppKey("telegram", TelegramChannel)


def telegram_mount(runtime: Runtime, handle: Handle) -> ChannelMount | None:
    if runtime.settings.telegram_bot_token is None:
        return None
    channel = TelegramChannel(runtime.settings, runtime.db, runtime.clock, handle,
                              runtime.outbox)
    group = agent_group_mount(runtime, channel)
    # The group's router joins the dispatcher before polling starts: mount it first.
    return group + channel.mount() + ChannelMount(exposed={TELEGRAM: channel})
