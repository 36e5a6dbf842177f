"""What an agent writes in a case's topic of the agent group, transport-free: plain text is their
reply to the customer, ``/claim``, ``/resolve``, ``/handback`` and ``/transfer <queue>`` are case
actions. All of it goes through `AgentService`, so the rules (queues, ownership) are the API's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.agents.mirror import AgentGroupTexts, TopicMirror
from handoff.agents.service import AgentApiError, AgentService
from handoff.store.models.people import Agent, ProcessedEvent


@dataclass(frozen=True)
class TopicPost:
    """One message an agent wrote in a topic of the agent chat."""

    thread_id: int
    user_id: int
    text: str
    event_key: str  # stable per platform message, so a redelivery does nothing


class TopicActions:
    """Turns topic posts into agent actions; returns what to answer in the topic (or None)."""

    def __init__(self, service: AgentService, mirror: TopicMirror,
                 texts: AgentGroupTexts) -> None:
        self._service = service
        self._mirror = mirror
        self._texts = texts

    def handle(self, session: Session, post: TopicPost, now: datetime) -> str | None:
        """Act on ``post`` in the caller's transaction; a post seen before does nothing."""
        case = self._mirror.case_in_thread(session, post.thread_id)
        if case is None or not post.text.strip():
            return None  # not a case topic (e.g. General), or a service message
        if session.get(ProcessedEvent, post.event_key) is not None:
            return None
        session.add(ProcessedEvent(key=post.event_key, received_at=now))
        agent = session.scalars(select(Agent).where(Agent.telegram_user_id == post.user_id,
                                                    Agent.active.is_(True))).first()
        if agent is None:
            return self._texts.text("not_linked", user_id=post.user_id)
        try:
            with session.begin_nested():  # a refused action leaves nothing half-done
                return self._act(session, agent, case.number, post.text.strip())
        except AgentApiError as exc:
            return self._texts.text("refused", error=str(exc))

    def _act(self, session: Session, agent: Agent, number: str, text: str) -> str | None:
        if not text.startswith("/"):
            self._service.reply(session, agent, number, text)
            return None  # the agent sees their own words in the topic already
        word, _, args = text[1:].partition(" ")
        command = word.split("@", 1)[0].casefold()
        if command == "claim":
            return self._done("claim", self._service.claim(session, agent, number))
        if command == "resolve":
            return self._done("resolve", self._service.resolve(session, agent, number))
        if command == "handback":
            return self._done("handback", self._service.handback(session, agent, number))
        if command == "transfer":
            queue = args.strip()
            return self._done("transfer", self._service.transfer(session, agent, number, queue))
        return self._texts.text("usage", command=command)

    def _done(self, action: str, row: dict[str, Any]) -> str:
        return self._texts.text("done", action=action, number=row.get("number", ""),
                                status=row.get("status", ""), assignee=row.get("assignee") or "",
                                queue=row.get("queue", ""))
