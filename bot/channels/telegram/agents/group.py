"""The Telegram agent group (``TELEGRAM_AGENT_CHAT_ID``, a forum supergroup): one topic per case.

A background loop opens a topic for every handed-off case (createForumTopic, named
``<case number> · <priority>``) and lets `handoff.agents.mirror.TopicMirror` queue the summary, the
evidence photos, customer messages and overdue alerts into the outbox, which delivers them
through `TopicSender`. What agents write in a topic comes back through the dispatcher's agent
router (bot/channels/telegram_agents_router.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiogram import Bot
from aiogram.exceptions import AiogramError, TelegramRetryAfter
from aiohttp import ClientError, web

from bot.channels.telegram.agents.sender import AGENTS_CHANNEL, TopicSender
from bot.channels.telegram.limits import SendLimiter
from bot.evidence import EvidenceStore
from handoff.agents.mirror import AgentGroupTexts, PendingTopic, TopicMirror
from handoff.agents.service import AgentService
from handoff.agents.topic_actions import TopicActions, TopicPost
from handoff.store.clock import Clock
from handoff.store.db import Database

log = logging.getLogger(__name__)

TOPIC_FAILURES = (AiogramError, ClientError, TimeoutError)


class AgentGroup:
    """Keeps the agent chat's topics in step with the cases; ``run_once`` is what tests call."""

    def __init__(self, chat_id: int, database: Database, clock: Clock, bot: Bot,
                 agents: AgentService, texts: AgentGroupTexts, evidence: EvidenceStore,
                 limiter: SendLimiter, *, poll_interval: float = 2.0) -> None:
        self.chat_id = chat_id
        self.mirror = TopicMirror(chat_id, AGENTS_CHANNEL, texts)
        self.actions = TopicActions(agents, self.mirror, texts)
        self.sender = TopicSender(bot, evidence, limiter)
        self._db, self._clock, self._bot, self._limiter = database, clock, bot, limiter
        self._poll = poll_interval

    async def run_once(self) -> int:
        """Open the missing topics, then queue every post still owed; returns posts queued."""
        for pending in await asyncio.to_thread(self._reserve):
            if not await self._open(pending):
                break  # Telegram is unreachable or asks us to wait: try again next round
        return await asyncio.to_thread(self._sync)

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("agent group round failed; retrying")
            await asyncio.sleep(self._poll)

    def act(self, post: TopicPost) -> str | None:
        """An agent's post in a topic, in one transaction (see `TopicActions.handle`)."""
        with self._db.session() as session:
            return self.actions.handle(session, post, self._clock.now())

    async def _open(self, pending: PendingTopic) -> bool:
        await self._limiter.wait_turn(str(self.chat_id))
        try:
            topic = await self._bot.create_forum_topic(chat_id=self.chat_id, name=pending.name)
        except TelegramRetryAfter as exc:
            log.warning("agent group: createForumTopic throttled for %ss", exc.retry_after)
            return False
        except TOPIC_FAILURES as exc:
            log.warning("agent group: no topic for case %s: %s", pending.case_number, exc)
            return False
        await asyncio.to_thread(self._opened, pending.topic_id, topic.message_thread_id)
        return True

    def _reserve(self) -> list[PendingTopic]:
        with self._db.session() as session:
            return self.mirror.reserve(session, self._clock.now())

    def _opened(self, topic_id: int, thread_id: int) -> None:
        with self._db.session() as session:
            self.mirror.opened(session, topic_id, thread_id, self._clock.now())

    def _sync(self) -> int:
        with self._db.session() as session:
            return self.mirror.sync(session, self._clock.now())


def lifespan(group: AgentGroup) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp cleanup context that runs the group's loop for the app's lifetime."""

    async def _run(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(group.run(), name="telegram-agent-group")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return _run
