"""Which customer messages a trainer should look at.

A message is up for review when the model's confidence was under the review threshold
(``low_confidence_review_threshold``) or the model fell back to the fallback intent (the bot did
not understand; two of those in a row is what hands a conversation off for not understanding).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.desk.csat import CSAT_ANSWER
from handoff.store.models import Author, Case, Direction, Message

# How many recent inbound messages are scanned for review candidates: the filter runs in Python
# because the parse result is JSON and JSON paths differ between SQLite and PostgreSQL.
SCAN_LIMIT = 5000


@dataclass(frozen=True)
class ReviewItem:
    """One message to review, with what the model made of it."""

    message_id: int
    text: str
    predicted: str
    confidence: float
    language: str
    channel: str
    created_at: datetime
    case_number: str | None = None


def needs_review(nlu: Mapping[str, Any] | None, threshold: float, fallback_intent: str) -> bool:
    """True when a stored parse result was a fallback or under the review threshold."""
    if not nlu or nlu.get("answered_by") == CSAT_ANSWER:  # a rating tap, not a question
        return False
    intent = nlu.get("intent") or {}
    return intent.get("name") == fallback_intent or float(intent.get("confidence") or 0) < threshold


def pending_items(session: Session, *, threshold: float, fallback_intent: str,
                  reviewed: Collection[int], limit: int = 100) -> list[ReviewItem]:
    """The newest messages that need review and have not been reviewed yet."""
    rows = session.execute(
        select(Message, Case.number)
        .outerjoin(Case, Case.id == Message.case_id)
        .where(Message.direction == Direction.INBOUND, Message.author == Author.CUSTOMER,
               Message.nlu.is_not(None))
        .order_by(Message.id.desc())
        .limit(SCAN_LIMIT)
    ).all()
    items: list[ReviewItem] = []
    for message, case_number in rows:
        if message.id in reviewed or not message.text.strip():
            continue
        if needs_review(message.nlu, threshold, fallback_intent):
            items.append(_item(message, case_number))
            if len(items) >= limit:
                break
    return items


def _item(message: Message, case_number: str | None) -> ReviewItem:
    nlu = message.nlu or {}
    intent = nlu.get("intent") or {}
    return ReviewItem(
        message_id=message.id, text=message.text, predicted=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0), language=str(nlu.get("language") or ""),
        channel=message.channel, created_at=message.created_at, case_number=case_number,
    )
