"""Read side of a conversation for channels that poll (the web chat widget)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine.store import find_inbound
from handoff.store.models import Agent, Conversation, Customer, Message
from handoff.store.models.cases import Case, CaseEvent
from handoff.store.models.enums import Direction


def find_conversation(session: Session, channel: str, external_id: str) -> Conversation | None:
    return session.scalar(select(Conversation)
                          .join(Customer, Conversation.customer_id == Customer.id)
                          .where(Customer.channel == channel, Customer.external_id == external_id))


# Case events that mean "a person now works this case" (see handoff.desk.assignment).
JOIN_EVENTS = ("claimed", "assigned")


def conversation_view(session: Session, conversation: Conversation | None) -> dict[str, Any]:
    """``{"id", "mode", "case_number", "queue", "priority", "agent"}`` (the web chat API
    shape); ``agent`` is the display name of whoever works the open case ("" for none)."""
    if conversation is None:
        return {"id": None, "mode": "bot", "case_number": None, "queue": None, "priority": None,
                "agent": ""}
    case = session.get(Case, conversation.case_id) if conversation.case_id else None
    agent = session.get(Agent, case.assignee_id) if case and case.assignee_id else None
    return {"id": conversation.id, "mode": conversation.mode.value,
            "case_number": case.number if case else None,
            "queue": case.queue if case else None,
            "priority": case.priority.value if case else None,
            "agent": agent.display_name if agent else ""}


def outbound_after(session: Session, conversation: Conversation, after: int,
                   limit: int = 100) -> list[dict[str, Any]]:
    """Replies (bot, agent, system) with an id above ``after``, oldest first."""
    rows = list(session.scalars(select(Message)
                                .where(Message.conversation_id == conversation.id,
                                       Message.direction == Direction.OUTBOUND,
                                       Message.id > after)
                                .order_by(Message.id).limit(limit)))
    return message_rows(session, rows)


def transcript(session: Session, conversation: Conversation,
               limit: int = 200) -> list[dict[str, Any]]:
    """The last ``limit`` messages both ways, oldest first: what the widget shows again after
    a page reload. A customer's photo is counted (``photos``), never sent back."""
    rows = list(session.scalars(select(Message)
                                .where(Message.conversation_id == conversation.id)
                                .order_by(Message.id.desc()).limit(limit)))
    return message_rows(session, rows[::-1])


def message_rows(session: Session, rows: list[Message]) -> list[dict[str, Any]]:
    """The wire shape of stored messages; ``agent_name`` is the agent's display name on an
    agent's reply ("" otherwise: the widget says "agent" in the customer's language)."""
    names = _display_names(session, {row.agent_id for row in rows if row.agent_id})
    return [{"id": row.id, "author": row.author.value, "text": row.text,
             "buttons": list((row.payload or {}).get("buttons") or []),
             "images": list((row.payload or {}).get("images") or []),
             "photos": len(row.attachments or []) if row.direction is Direction.INBOUND else 0,
             "agent_name": names.get(row.agent_id, "") if row.agent_id else "",
             "created_at": row.created_at.isoformat()} for row in rows]


def agent_joins(session: Session, conversation: Conversation) -> list[dict[str, Any]]:
    """``{"id", "agent", "at"}`` for every time a person took one of this conversation's cases
    (claimed, or assigned by a supervisor or the auto-assigner), oldest first."""
    events = list(session.scalars(
        select(CaseEvent).join(Case, CaseEvent.case_id == Case.id)
        .where(Case.conversation_id == conversation.id, CaseEvent.kind.in_(JOIN_EVENTS))
        .order_by(CaseEvent.id)))
    by_login = dict(session.execute(select(Agent.name, Agent.display_name).where(
        Agent.name.in_({str((e.data or {}).get("agent", "")) for e in events}))).all())
    return [{"id": event.id, "agent": by_login.get(str((event.data or {}).get("agent")), ""),
             "at": event.at.isoformat()} for event in events]


def _display_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Agent.id, Agent.display_name)
                                .where(Agent.id.in_(ids))).all())


def turn_reply_ids(session: Session, conversation: Conversation,
                   key: str | None) -> list[int] | None:
    """Ids of the replies the engine stored for the inbound message under ``key`` (its
    ``inbound_key``), in reply order; None when no message of ``conversation`` has that key
    (a caller reusing another conversation's message id must not learn its replies)."""
    inbound = find_inbound(session, key)
    if inbound is None or inbound.conversation_id != conversation.id:
        return None
    return list(session.scalars(select(Message.id)
                                .where(Message.idempotency_key.like(f"reply:{inbound.id}:%"))
                                .order_by(Message.id)))


def seen_through(session: Session, conversation: Conversation, after: int,
                 seen: Collection[int]) -> int:
    """The highest id up to which a client that polled up to ``after`` and was handed the
    replies ``seen`` has every outbound message: ``after`` advanced over the unbroken run of
    ``seen`` ids that follows it. Stops at the first message it was not handed (an agent reply
    committed meanwhile), so a cursor taken from here never skips an unseen message."""
    wanted = set(seen)
    # The run cannot be longer than `seen`, so one row past it is enough to find its end.
    ids = session.scalars(select(Message.id)
                          .where(Message.conversation_id == conversation.id,
                                 Message.direction == Direction.OUTBOUND, Message.id > after)
                          .order_by(Message.id).limit(len(wanted) + 1))
    cursor = after
    for message_id in ids:
        if message_id not in wanted:
            break
        cursor = message_id
    return cursor
