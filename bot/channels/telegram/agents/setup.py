"""``setup_agent_group``: the agent group on the product's web app, when
``TELEGRAM_AGENT_CHAT_ID`` is set (called by ``setup_telegram``)."""

from __future__ import annotations

from aiohttp import web

from bot.channels.telegram.agents.group import AgentGroup, lifespan
from bot.channels.telegram.agents.router import build_agent_router
from bot.channels.telegram.agents.sender import AGENTS_CHANNEL
from bot.channels.telegram.channel import TelegramChannel
from bot.runtime import Runtime
from bot.web.keys import SENDERS
from handoff.desk.desk import Desk

TELEGRAM_AGENTS = web.AppKey("telegram_agents", AgentGroup)


def setup_agent_group(app: web.Application, runtime: Runtime, channel: TelegramChannel) -> None:
    """Register the topic sender for the shared outbox, route the agent chat's messages, and run
    the topic loop with the app. Does nothing without ``TELEGRAM_AGENT_CHAT_ID``."""
    settings = runtime.settings
    if settings.telegram_agent_chat_id is None:
        return
    desk = runtime.desk if isinstance(runtime.desk, Desk) else Desk(settings, runtime.clock)
    group = AgentGroup(settings.telegram_agent_chat_id, runtime.db, runtime.clock, channel.bot,
                       desk, runtime.evidence, channel.limiter,
                       poll_interval=settings.telegram_agent_poll_seconds)
    app[SENDERS][AGENTS_CHANNEL] = group.sender
    app[TELEGRAM_AGENTS] = group
    channel.dispatcher["agent_group"] = group
    channel.dispatcher.include_router(build_agent_router(settings.telegram_agent_chat_id))
    app.cleanup_ctx.append(lifespan(group))
