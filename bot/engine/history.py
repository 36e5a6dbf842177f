"""Read side of a conversation for channels that poll (the web chat widget)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.store.cases import Case
from handoff.store.enums import Direction
from handoff.store.models import Conversation, Customer, Message


def find_conversation(session: Session, channel: str, external_id: str) -> Conversation | None:
    return session.scalar(select(Conversation)
                          .join(Customer, Conversation.customer_id == Customer.id)
                          .where(Customer.channel == channel, Customer.external_id == external_id))


def conversation_view(session: Session, conversation: Conversation | None) -> dict[str, Any]:
    """``{"id", "mode", "case_number", "queue", "priority"}`` (the web chat API shape)."""
    if conversation is None:
        return {"id": None, "mode": "bot", "case_number": None, "queue": None, "priority": None}
    case = session.get(Case, conversation.case_id) if conversation.case_id else None
    return {"id": conversation.id, "mode": conversation.mode.value,
            "case_number": case.number if case else None,
            "queue": case.queue if case else None,
            "priority": case.priority.value if case else None}


def outbound_after(session: Session, conversation: Conversation, after: int,
                   limit: int = 100) -> list[dict[str, Any]]:
    """Replies (bot, agent, system) with an id above ``after``, oldest first."""
    rows = session.scalars(select(Message)
                           .where(Message.conversation_id == conversation.id,
                                  Message.direction == Direction.OUTBOUND, Message.id > after)
                           .order_by(Message.id).limit(limit))
    return [{"id": row.id, "author": row.author.value, "text": row.text,
             "buttons": list((row.payload or {}).get("buttons") or []),
             "images": list((row.payload or {}).get("images") or []),
             "created_at": row.created_at.isoformat()} for row in rows]


def last_outbound_id(session: Session, conversation: Conversation) -> int:
    value = session.scalar(select(func.max(Message.id))
                           .where(Message.conversation_id == conversation.id,
                                  Message.direction == Direction.OUTBOUND))
    return int(value or 0)
