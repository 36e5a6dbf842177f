"""`EventInbox`: a channel's durable inbox (`handoff.store.inbox`) used from the event loop.

A webhook stores each verified event here before it answers 200, so a crash, restart or store
outage after the answer only delays the turn. A database outage surfaces as `StoreUnavailable`
(the webhook answers 5xx and the platform redelivers).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

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

T = TypeVar("T")


class EventInbox:
    """The durable inbox of one channel (`handoff.store.inbox`) off the event loop; a database
    outage surfaces as `StoreUnavailable`."""

    def __init__(self, database: Database, clock: Clock, channel: str,
                 park_after: int = 0, redact: Callable[[Any], Any] | None = None) -> None:
        self._db = database
        self._redact = redact  # masks personal identifiers in a processed row's raw payload
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
        await _off_loop(self._write, lambda s: mark_processed(s, entry.id, self._clock.now(),
                                                              self._redact))

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
