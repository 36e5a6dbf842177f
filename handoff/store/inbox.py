"""The channel inbox: webhook events stored before the platform gets its 200, then processed.

A platform does not redeliver an acknowledged event, so an event that lived only in memory
between the answer and the turn was lost by a crash. Here the raw event is a row first; a worker
leases due rows (each customer's oldest pending row only, so one customer's turns never
overtake each other, and a failed one holds back the later ones), runs the turn and marks the
row processed. A lease that runs out (the worker died mid-turn) makes the row due again; the
engine's idempotency key makes such a second run a no-op.

An event whose turn keeps failing for a reason other than a store outage (a bug, a payload the
code cannot read) would hold back that customer's later events for ever. After ``park_after``
such failures it is parked instead: kept with its error for an operator (``aftersales inbox``),
no longer leased, no longer in the way; ``retry_parked`` makes it due again after a fix.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from handoff.store.models import ChannelInboxEntry

LEASE = timedelta(seconds=30)  # a turn longer than this may be run a second time (a no-op)
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds after the n-th failure; then 60


@dataclass(frozen=True)
class InboundEvent:
    """A verified platform event to keep: its idempotency key, who it is from, its raw JSON."""

    key: str
    recipient: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class PendingEvent:
    """A leased inbox row: the event to run now."""

    id: int
    key: str
    payload: dict[str, Any]
    attempts: int


def store_new(session: Session, channel: str, events: Sequence[InboundEvent],
              now: datetime) -> list[str]:
    """Add the events whose key is not in the inbox yet (due at once); returns their keys."""
    keys = [event.key for event in events]
    known = set(session.scalars(select(ChannelInboxEntry.key)
                                .where(ChannelInboxEntry.key.in_(keys))))
    stored = []
    for event in events:
        if event.key in known:
            continue  # a redelivery, or the same event twice in one body
        known.add(event.key)
        session.add(ChannelInboxEntry(key=event.key, channel=channel, recipient=event.recipient,
                                      payload=event.payload, received_at=now,
                                      next_attempt_at=now, attempts=0, last_error=""))
        stored.append(event.key)
    session.flush()
    return stored


def lease_due(session: Session, channel: str, now: datetime,
              skip: Collection[int] = (), limit: int = 50) -> list[PendingEvent]:
    """Lease each customer's oldest pending row when it is due (ids in ``skip`` excepted)."""
    oldest = (select(func.min(ChannelInboxEntry.id))
              .where(ChannelInboxEntry.channel == channel,
                     ChannelInboxEntry.processed_at.is_(None),
                     ChannelInboxEntry.parked_at.is_(None))
              .group_by(ChannelInboxEntry.recipient))
    query = (select(ChannelInboxEntry)
             .where(ChannelInboxEntry.id.in_(oldest), ChannelInboxEntry.next_attempt_at <= now)
             .order_by(ChannelInboxEntry.id).limit(limit))
    if skip:  # filtered after picking the oldest, so a skipped row still holds back its successors
        query = query.where(ChannelInboxEntry.id.not_in(list(skip)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # concurrent workers take other rows
    rows = list(session.scalars(query))
    for row in rows:
        row.next_attempt_at = now + LEASE
        row.attempts += 1
    return [PendingEvent(r.id, r.key, dict(r.payload), r.attempts) for r in rows]


def mark_processed(session: Session, entry_id: int, now: datetime,
                   redact: Callable[[Any], Any] | None = None) -> None:
    """Done; the raw payload, kept only for a crash replay, is redacted in this same
    transaction (``redact`` masks personal identifiers in every string of it)."""
    values: dict[str, Any] = {"processed_at": now, "last_error": ""}
    if redact is not None:
        row = session.get(ChannelInboxEntry, entry_id)
        if row is not None:
            values["payload"] = redact(dict(row.payload))
    session.execute(update(ChannelInboxEntry).where(ChannelInboxEntry.id == entry_id)
                    .values(**values))


def mark_failed(session: Session, entry: PendingEvent, error: str, now: datetime, *,
                outage: bool = False, park_after: int = 0) -> bool:
    """Keep the row pending; it is due again after a backoff that grows with its attempts.

    A failure that is not a store ``outage`` counts; at ``park_after`` counted failures (0:
    never) the row is parked. Returns True when the row is parked now.
    """
    row = session.get(ChannelInboxEntry, entry.id)
    if row is None:
        return False
    delay = RETRY_DELAYS[min(entry.attempts, len(RETRY_DELAYS)) - 1]
    row.next_attempt_at = now + timedelta(seconds=delay)
    row.last_error = error[:2000]
    if not outage:
        row.failures += 1
        if park_after and row.failures >= park_after:
            row.parked_at = now
    return row.parked_at is not None


@dataclass(frozen=True)
class InboxEntry:
    """An inbox row as an operator sees it (``aftersales inbox list``)."""

    key: str
    channel: str
    recipient: str
    payload: dict[str, Any]
    received_at: datetime
    attempts: int
    failures: int
    last_error: str
    parked_at: datetime | None


def unfinished(session: Session, *, parked_only: bool = False) -> list[InboxEntry]:
    """Rows not processed yet, oldest first: parked, retrying after a failure, or pending
    (with ``parked_only``, the parked ones only)."""
    query = select(ChannelInboxEntry).where(ChannelInboxEntry.processed_at.is_(None))
    if parked_only:
        query = query.where(ChannelInboxEntry.parked_at.is_not(None))
    rows = session.scalars(query.order_by(ChannelInboxEntry.id))
    return [InboxEntry(r.key, r.channel, r.recipient, dict(r.payload), r.received_at,
                       r.attempts, r.failures, r.last_error, r.parked_at) for r in rows]


def retry_parked(session: Session, keys: Collection[str] | None, now: datetime) -> list[str]:
    """Make parked rows due again with a fresh failure count (``keys`` None: every parked row);
    returns the keys requeued."""
    query = select(ChannelInboxEntry).where(ChannelInboxEntry.parked_at.is_not(None))
    if keys is not None:
        query = query.where(ChannelInboxEntry.key.in_(list(keys)))
    requeued = []
    for row in session.scalars(query.order_by(ChannelInboxEntry.id)):
        row.parked_at, row.failures, row.next_attempt_at = None, 0, now
        requeued.append(row.key)
    return requeued


def purge_processed(session: Session, before: datetime) -> int:
    """Delete rows processed before ``before`` (retention); returns how many.

    Safe for redeliveries: a platform redelivers within minutes, and a redelivered event
    stored anew is a no-op for the engine (its message key exists) and for the ledger."""
    result = session.execute(delete(ChannelInboxEntry).where(
        ChannelInboxEntry.processed_at.is_not(None), ChannelInboxEntry.processed_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
