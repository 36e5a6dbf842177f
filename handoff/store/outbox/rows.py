"""The outbox table's operations: queue a reply in the caller's transaction, lease due rows,
record them as sent, failed (retry with backoff, or dead) or held back behind a failed one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session, aliased

from handoff.store.models import (
    Author,
    Conversation,
    Customer,
    Direction,
    Message,
    OutboxMessage,
    OutboxStatus,
)
from handoff.store.outbox.port import Delivery, DeliveryError
from handoff.store.reply import OutboundMessage

_QUEUED = "outbox_queued"  # session.info: the rows this transaction queued (None: wake anyway)
LEASE = timedelta(minutes=2)  # a crashed worker's lease expires, and the row is retried
MAX_BACKOFF = timedelta(minutes=30)


def enqueue(session: Session, *, channel: str, recipient: str, payload: dict[str, Any],
            now: datetime, message_id: int | None = None,
            dedupe_key: str | None = None, flush: bool = True) -> OutboxMessage:
    """Add a reply to the outbox in the caller's transaction (``flush=False`` from a flush
    hook, which runs inside a flush)."""
    row = OutboxMessage(channel=channel, recipient=recipient, payload=payload,
                        message_id=message_id, dedupe_key=dedupe_key, next_attempt_at=now,
                        created_at=now, status=OutboxStatus.PENDING)
    session.add(row)
    if flush:
        session.flush()
    session.info.setdefault(_QUEUED, []).append(row)
    return row


def deliver_pulled(session: Session, channels: set[str], now: datetime) -> None:
    """Record the rows this transaction adds for ``channels`` (whose customers pull their
    messages) as sent: they are delivered when it commits, so the outbox spends no transaction
    of its own on them (on SQLite one write-lock wait fewer per turn) and is not woken."""
    for row in session.new:
        if (isinstance(row, OutboxMessage) and row.channel in channels
                and row.status is OutboxStatus.PENDING):
            row.status, row.sent_at, row.attempts = OutboxStatus.SENT, now, 1


def note_queued(session: Session) -> None:
    """This transaction made a row due (e.g. "send again"): wake the worker on commit."""
    session.info.setdefault(_QUEUED, []).append(None)


def take_queued(session: Session) -> bool:
    """Whether this (committed) transaction left a reply to deliver; forgets its rows. A row
    of a pulled channel was recorded as sent at its flush (`deliver_pulled`): nothing to do."""
    queued = session.info.pop(_QUEUED, [])
    return any(row is None or row.status is OutboxStatus.PENDING for row in queued)


def send_to_customer(session: Session, conversation: Conversation, reply: OutboundMessage, *,
                     author: Author, now: datetime, case_id: int | None = None,
                     agent_id: int | None = None, key: str | None = None) -> Message:
    """Record an outbound message and queue its delivery, in the caller's transaction: the one
    way anything (bot turn, desk, agent, sweeper) speaks to a customer.

    ``key`` is the message's idempotency key (the engine's ``reply:<inbound id>:<n>``, so a
    redelivered turn finds its replies) and the outbox dedupe key; without one the dedupe key is
    ``message:<id>``. Either way a retried transaction never queues a reply twice."""
    customer = session.get(Customer, conversation.customer_id)
    if customer is None:
        raise LookupError(f"conversation {conversation.id} has no customer")
    payload = dict(reply.to_payload())
    message = Message(conversation_id=conversation.id, case_id=case_id,
                      direction=Direction.OUTBOUND, author=author, agent_id=agent_id,
                      channel=conversation.channel, text=reply.text, attachments=[],
                      payload=payload, idempotency_key=key, created_at=now)
    session.add(message)
    session.flush()
    enqueue(session, channel=conversation.channel, recipient=customer.external_id,
            payload=dict(payload), now=now, message_id=message.id,
            dedupe_key=key or f"message:{message.id}",
            flush=False)  # written with the next reply's flush or the commit: one flush less
    return message


def lease_due(session: Session, now: datetime, channels: set[str], limit: int = 20,
              ) -> list[Delivery]:
    """Take up to ``limit`` due rows for ``channels`` and push their next attempt past the lease,
    so a concurrent worker does not pick them too.

    A row waits while an older row for the same recipient is still pending and not due (in
    backoff or leased by another worker): each recipient gets its rows in order, even the ones
    queued after an earlier one failed."""
    older = aliased(OutboxMessage)
    blocked = (select(older.id)
               .where(older.channel == OutboxMessage.channel,
                      older.recipient == OutboxMessage.recipient,
                      older.status == OutboxStatus.PENDING, older.id < OutboxMessage.id,
                      older.next_attempt_at > now)
               .exists())
    query = (select(OutboxMessage)
             .where(OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                    OutboxMessage.channel.in_(channels), ~blocked)
             .order_by(OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.next_attempt_at = now + LEASE
        row.attempts += 1
    return [Delivery(r.id, r.channel, r.recipient, dict(r.payload), r.attempts) for r in rows]


def mark_pulled(session: Session, now: datetime, channels: set[str]) -> int:
    """Record every due row of ``channels`` (whose customers pull their messages) as sent, in
    one statement; how many. Order does not matter: nothing is sent. On PostgreSQL the rows
    another worker is recording are skipped, not waited for (two workers updating the same
    rows in different orders could deadlock)."""
    if not channels:
        return 0
    due = (select(OutboxMessage.id)
           .where(OutboxMessage.status == OutboxStatus.PENDING,
                  OutboxMessage.next_attempt_at <= now, OutboxMessage.channel.in_(channels)))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    result = session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(due))
                             .values(status=OutboxStatus.SENT, sent_at=now, last_error="",
                                     attempts=OutboxMessage.attempts + 1)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_sent(session: Session, sent: Sequence[tuple[int, datetime]]) -> None:
    """Record a round's sent rows (id, when its send returned) in one UPDATE."""
    if not sent:
        return
    sent_at = case({row_id: literal(at, OutboxMessage.sent_at.type) for row_id, at in sent},
                   value=OutboxMessage.id)
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.id.in_([row_id for row_id, _ in sent]))
                    .values(status=OutboxStatus.SENT, sent_at=sent_at, last_error="")
                    .execution_options(synchronize_session=False))


def mark_failed(session: Session, delivery: Delivery, error: DeliveryError, now: datetime) -> None:
    """Schedule a retry (platform's retry_after, else exponential backoff) or park as dead."""
    row = session.get(OutboxMessage, delivery.id)
    if row is None:
        return
    row.last_error = str(error)[:2000]
    if error.permanent:
        row.status = OutboxStatus.DEAD
        _mark_unreachable(session, row)
        return
    row.next_attempt_at = now + retry_delay(delivery.attempts, error.retry_after)


def hold_back(session: Session, delivery_ids: list[int], failed_id: int) -> None:
    """Leased rows that were not attempted become due with the failed row's retry, and their
    lease does not count as an attempt."""
    failed = session.get(OutboxMessage, failed_id)
    if failed is None:
        return
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(delivery_ids))
                    .values(next_attempt_at=failed.next_attempt_at,
                            attempts=OutboxMessage.attempts - 1))


def retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 0.0))
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


def _mark_unreachable(session: Session, row: OutboxMessage) -> None:
    session.execute(update(Customer)
                    .where(Customer.channel == row.channel, Customer.external_id == row.recipient)
                    .values(unreachable=True))


def pending_count(session: Session, channel: str | None = None) -> int:
    """Rows still waiting for delivery (for health checks and the dashboard)."""
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    return int(session.scalar(query) or 0)
