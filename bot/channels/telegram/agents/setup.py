"""``agent_group_mount``: the agent group, when ``TELEGRAM_AGENT_CHAT_ID`` is set (part of the
Telegram channel's mount)."""

from __future__ import annotations

from aiohttp import web

from bot.channels.mount import ChannelMount
from bot.channels.telegram.agents.group import AgentGroup, lifespan
from bot.channels.telegram.agents.router import build_agent_router
from bot.channels.telegram.agents.sender import AGENTS_CHANNEL
from bot.channels.telegram.channel import TelegramChannel
from bot.runtime import Runtime
from handoff.agents.mirror import AgentGroupTexts

TELEGRAM_AGENTS = web.AppKey("telegram_agents", AgentGroup)


def agent_group_mount(runtime: Runtime, channel: TelegramChannel) -> ChannelMount:
    """Register the topic sender with the outbox, route the agent chat's messages, and run the
    topic loop with the app. An empty mount without ``TELEGRAM_AGENT_CHAT_ID``."""
    settings = runtime.settings
    if settings.telegram_agent_chat_id is None:
        return ChannelMount()
    texts = AgentGroupTexts(settings.templates_dir, settings.default_locale)
    group = AgentGroup(settings.telegram_agent_chat_id, runtime.db, runtime.clock, channel.bot,
                       runtime.agents, texts, runtime.evidence, channel.limiter,
                       poll_interval=settings.telegram_agent_poll_seconds)
    runtime.outbox.register(AGENTS_CHANNEL, group.sender)
    channel.dispatcher["agent_group"] = group
    channel.dispatcher.include_router(build_agent_router(settings.telegram_agent_chat_id))
    return ChannelMount(lifespans=(lifespan(group),), exposed={TELEGRAM_AGENTS: group})
