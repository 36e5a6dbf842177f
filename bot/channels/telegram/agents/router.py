"""The agents' side of the Telegram bot: messages in the topics of the agent chat.

Only converts: a topic message becomes a `TopicPost` for `AgentGroup.act` (off the event loop),
and its answer, if any, is posted back in the same topic. The customer hears from the agent
through the outbox, like every other reply.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message

from bot.channels.intake import StoreUnavailable, is_store_outage
from bot.channels.telegram.agents.group import AgentGroup
from handoff.agents.topic_actions import TopicPost

log = logging.getLogger(__name__)


def build_agent_router(chat_id: int) -> Router:
    """Handlers for the agent chat's topics (the General topic and other chats are ignored)."""
    router = Router(name="telegram-agents")
    router.message.filter(F.chat.id == chat_id, F.message_thread_id, F.from_user)
    router.message.register(on_topic_message)
    return router


async def on_topic_message(message: Message, bot: Bot, agent_group: AgentGroup) -> None:
    """Text (or a photo's caption) from an agent: a reply or a command for the topic's case."""
    assert message.message_thread_id is not None and message.from_user is not None
    post = _post(message)
    try:
        answer = await asyncio.to_thread(agent_group.act, post)
    except Exception as exc:
        if is_store_outage(exc):
            raise StoreUnavailable(str(exc)) from exc  # polling holds; the webhook says 503
        raise
    if answer is None:
        return
    try:
        await bot.send_message(chat_id=message.chat.id, message_thread_id=post.thread_id,
                               text=answer, parse_mode=None)
    except TelegramAPIError as exc:  # the action is done; only the confirmation is lost
        log.warning("agent group: could not answer in topic %s: %s", post.thread_id, exc)


def _post(message: Message) -> TopicPost:
    assert message.message_thread_id is not None and message.from_user is not None
    return TopicPost(thread_id=message.message_thread_id, user_id=message.from_user.id,
                     text=message.text or message.caption or "",
                     event_key=f"telegram-agents:{message.chat.id}:{message.message_id}")
