"""Platform deliveries seen before, so a redelivered update is answered with nothing.

Telegram and LINE both redeliver (a webhook that did not answer 2xx, a polling offset that was
not yet confirmed when the process stopped). A delivery counts as done once a `ProcessedEvent`
row exists for its key, or the engine stored a message under the same idempotency key. The
mark is written after the turn succeeded, so a turn that failed half-way is tried again; the
engine's unique message key keeps that retry from storing the message twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.channels.intake import StoreUnavailable, is_store_outage
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import Message, ProcessedEvent


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
