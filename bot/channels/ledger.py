"""Platform deliveries seen before, so a redelivered update is answered with nothing.

Telegram and LINE both redeliver (a webhook that did not answer 2xx, a polling offset that was
not yet confirmed when the process stopped). A delivery counts as done once a `ProcessedEvent`
row exists for its key, or the engine stored a message under the same idempotency key. The
mark is written after the turn succeeded, so a turn that failed half-way is tried again; the
engine's unique message key keeps that retry from storing the message twice.

`EventInbox` is the webhook side's durable copy of each event, written before the 200.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.intake import StoreUnavailable, is_store_outage
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.inbox import (
    InboundEvent,
    PendingEvent,
    lease_due,
    mark_failed,
    mark_processed,
    store_new,
)
from handoff.store.models import Message, ProcessedEvent

T = TypeVar("T")


class DeliveryLedger:
    """Answers "was this delivery handled already?" and records that it was."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def seen(self, key: str) -> bool:
        """True when ``key`` was handled before; `StoreUnavailable` when the store is down."""
        return await self._guarded(self._seen, key)

    async def mark(self, key: str) -> None:
        """Record ``key`` as handled (a second mark is a no-op)."""
        await self._guarded(self._mark, key)

    async def _guarded(self, func: Callable[[str], bool], key: str) -> bool:
        try:
            return await asyncio.to_thread(func, key)
        except Exception as exc:
            if is_store_outage(exc):
                raise StoreUnavailable(str(exc)) from exc
            raise

    def _seen(self, key: str) -> bool:
        with self._db.session() as session:
            if session.get(ProcessedEvent, key) is not None:
                return True
            stored = select(Message.id).where(Message.idempotency_key == key).limit(1)
            return session.scalar(stored) is not None

    def _mark(self, key: str) -> bool:
        try:
            with self._db.session() as session:
                if session.get(ProcessedEvent, key) is None:
                    session.add(ProcessedEvent(key=key, received_at=self._clock.now()))
        except IntegrityError:
            pass  # a concurrent redelivery marked it first: same outcome
        return True


class EventInbox:
    """The durable inbox of one channel (`handoff.store.inbox`) off the event loop; a database
    outage surfaces as `StoreUnavailable`."""

    def __init__(self, database: Database, clock: Clock, channel: str,
                 park_after: int = 0) -> None:
        self._db = database
        self._clock = clock
        self._channel = channel
        self._park_after = park_after  # failures (not outages) before a row is parked; 0: never

    async def store(self, events: Sequence[InboundEvent]) -> list[str]:
        """Keep the events not stored before; returns the keys stored now."""
        return await _off_loop(self._store, events)

    async def lease(self, skip: Collection[int] = ()) -> list[PendingEvent]:
        """Due rows to run now (each customer's oldest pending one)."""
        return await _off_loop(self._lease, skip)

    async def processed(self, entry: PendingEvent) -> None:
        await _off_loop(self._write, lambda s: mark_processed(s, entry.id, self._clock.now()))

    async def failed(self, entry: PendingEvent, error: str, *, outage: bool = False) -> bool:
        """Record a failed turn (an ``outage`` does not count toward parking); True: parked."""
        return await _off_loop(self._parked_after, entry, error, outage)

    def _store(self, events: Sequence[InboundEvent]) -> list[str]:
        try:
            with self._db.session() as session:
                return store_new(session, self._channel, events, self._clock.now())
        except IntegrityError:  # a concurrent redelivery stored one of them first
            with self._db.session() as session:
                return store_new(session, self._channel, events, self._clock.now())

    def _lease(self, skip: Collection[int]) -> list[PendingEvent]:
        with self._db.session() as session:
            return lease_due(session, self._channel, self._clock.now(), skip)

    def _parked_after(self, entry: PendingEvent, error: str, outage: bool) -> bool:
        with self._db.session() as session:
            return mark_failed(session, entry, error, self._clock.now(), outage=outage,
                               park_after=self._park_after)

    def _write(self, change: Callable[[Session], None]) -> None:
        with self._db.session() as session:
            change(session)


async def _off_loop(func: Callable[..., T], *args: Any) -> T:
    try:
        return await asyncio.to_thread(func, *args)
    except Exception as exc:
        if is_store_outage(exc):
            raise StoreUnavailable(str(exc)) from exc
        raise


def event_preview(payload: dict[str, Any], width: int = 40) -> str:
    """What the customer sent, as far as a stored raw event says (for operators): the message
    text, else the message or event type."""
    message = payload.get("message")
    if isinstance(message, dict):
        text = message.get("text")
        shown = str(text) if isinstance(text, str) else f"[{message.get('type', 'message')}]"
    else:
        shown = f"[{payload.get('type', 'event')}]"
    shown = " ".join(shown.split())
    return shown if len(shown) <= width else shown[: width - 1] + "…"
