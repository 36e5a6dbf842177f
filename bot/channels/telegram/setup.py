"""``setup_telegram(app, runtime)``: the Telegram channel on the product's web app.

Only when ``TELEGRAM_BOT_TOKEN`` is set: webhook route or long polling (started and stopped
with the app, so ``aftersales serve`` runs it), and the channel's sender registered for the
app's shared outbox worker. With ``TELEGRAM_AGENT_CHAT_ID`` also the agent group.
"""

from __future__ import annotations

from aiohttp import web

from bot.channels.telegram.agents.setup import setup_agent_group
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.convert import CHANNEL
from bot.runtime import Runtime
from bot.web.keys import BOT, SENDERS

TELEGRAM = web.AppKey("telegram", TelegramChannel)


def setup_telegram(app: web.Application, runtime: Runtime) -> None:
    """Call before ``setup_outbox`` (it reads the registered senders)."""
    if runtime.settings.telegram_bot_token is None:
        return
    channel = TelegramChannel(runtime.settings, runtime.db, runtime.clock, app[BOT].handle,
                              run_outbox=False)
    app[SENDERS][CHANNEL] = channel.sender
    app[TELEGRAM] = channel
    setup_agent_group(app, runtime, channel)
    channel.attach(app)
