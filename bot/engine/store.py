"""Persistence of one turn: customer and conversation upsert, idempotent inbound storage, and
the replies (messages + outbox rows) written in the same transaction. The customer and
conversation rows come from `handoff.store.conversations`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.evidence import StoredBlob
from bot.messages import InboundMessage, OutboundMessage
from handoff.store.models import Conversation, Evidence, Message
from handoff.store.models.enums import Author, Direction, EvidenceKind
from handoff.store.outbox import send_to_customer


def inbound_key(message: InboundMessage) -> str | None:
    return f"{message.channel}:{message.update_id}" if message.update_id else None


def find_inbound(session: Session, key: str | None) -> Message | None:
    if key is None:
        return None
    return session.scalar(select(Message).where(Message.idempotency_key == key))


def store_inbound(session: Session, conversation: Conversation, message: InboundMessage,
                  attachments: list[dict[str, object]], now: datetime,
                  nlu: dict[str, Any] | None = None) -> Message:
    row = Message(conversation_id=conversation.id, case_id=conversation.case_id,
                  direction=Direction.INBOUND, author=Author.CUSTOMER, channel=message.channel,
                  text=message.text, attachments=attachments, nlu=nlu,
                  payload={"button": message.payload} if message.payload else {},
                  idempotency_key=inbound_key(message), created_at=now)
    session.add(row)
    session.flush()
    return row


def record_evidence(session: Session, conversation: Conversation, inbound: Message,
                    photos: Sequence[StoredBlob], now: datetime) -> None:
    """Every stored photo is an evidence row, whatever mode the turn ran in: the L1 evidence
    action classifies the ones it asked for; the rest (human mode, an unasked photo) are
    ``other`` on the open case — so no file is on disk without its row."""
    if not photos:
        return
    session.flush()
    recorded = set(session.scalars(select(Evidence.uri).where(Evidence.message_id == inbound.id)))
    for blob in photos:
        if blob.uri in recorded:
            continue
        session.add(Evidence(conversation_id=conversation.id, case_id=conversation.case_id,
                             message_id=inbound.id, kind=EvidenceKind.OTHER, uri=blob.uri,
                             content_type=blob.content_type, size=blob.size, sha256=blob.sha256,
                             created_at=now))


def _reply_key(inbound: Message, index: int) -> str:
    return f"reply:{inbound.id}:{index}"


def replies_to(session: Session, inbound: Message) -> list[OutboundMessage]:
    """The replies produced for ``inbound`` (answering a redelivery)."""
    rows = session.scalars(select(Message)
                           .where(Message.idempotency_key.like(f"reply:{inbound.id}:%"))
                           .order_by(Message.id))
    return [OutboundMessage.from_payload(dict(row.payload)) for row in rows]


def store_replies(session: Session, conversation: Conversation, inbound: Message,
                  replies: Sequence[OutboundMessage], now: datetime) -> list[Message]:
    """Each reply as an outbound message plus its outbox row, in the caller's transaction."""
    return [send_to_customer(session, conversation, reply, author=Author.BOT, now=now,
                             case_id=conversation.case_id, key=_reply_key(inbound, index))
            for index, reply in enumerate(replies)]
