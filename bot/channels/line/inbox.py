"""The background side of the LINE webhook: runs the turns of the events in the inbox.

The webhook stores each event before it answers 200 and wakes this worker; the worker also
sweeps every few seconds, which picks up what a crashed or restarted process left pending, and
retries what failed (a store outage included) after its backoff. Nothing is only logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from linebot.v3.webhooks import Event

from bot.channels.inbox import EventInbox
from bot.channels.intake import StoreUnavailable
from handoff.store.inbox import PendingEvent

log = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0  # how soon a row left pending (crash, failure, outage) is looked at again
Process = Callable[[Event], Awaitable[None]]
T = TypeVar("T")


class LineInboxWorker:
    """Leases due inbox rows and runs them; customers concurrently, each one's in order."""

    def __init__(self, inbox: EventInbox, process: Process,
                 sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._inbox = inbox
        self._process = process
        self._sweep = sweep_seconds
        self._pass = asyncio.Lock()
        self.wakeup = asyncio.Event()

    async def run(self) -> None:
        """Loop until cancelled; the first pass takes what was pending at start."""
        while True:
            self.wakeup.clear()
            try:
                await self.drain()
            except Exception:  # a bug in one pass must not stop the sweeps
                log.exception("LINE inbox pass failed; the next sweep retries")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._sweep):  # not wait_for (see the outbox)
                    await self.wakeup.wait()

    async def drain(self) -> None:
        """Run every row due now, each at most once (waits for a pass already under way)."""
        async with self._pass:
            attempted: set[int] = set()
            while batch := await self._lease(attempted):
                attempted.update(entry.id for entry in batch)
                await asyncio.gather(*(self._run(entry) for entry in batch))

    async def _lease(self, skip: set[int]) -> list[PendingEvent]:
        try:
            return await self._inbox.lease(skip)
        except StoreUnavailable as exc:
            log.warning("store unavailable, LINE inbox not read (%s); next sweep retries", exc)
            return []

    async def _run(self, entry: PendingEvent) -> None:
        try:
            event = Event.from_dict(entry.payload)
            await self._process(event)
        except Exception as exc:
            outage = isinstance(exc, StoreUnavailable)
            log.warning("LINE event %s failed (attempt %d): %r; it stays in the inbox",
                        entry.key, entry.attempts, exc, exc_info=not outage)
            if await self._record(self._inbox.failed(entry, repr(exc), outage=outage), entry):
                log.error("LINE event %s parked after repeated failures (last: %r); the "
                          "customer's later events go on. After a fix: aftersales inbox retry %s",
                          entry.key, exc, entry.key)
            return
        await self._record(self._inbox.processed(entry), entry)

    @staticmethod
    async def _record(write: Awaitable[T], entry: PendingEvent) -> T | None:
        try:
            return await write
        except StoreUnavailable as exc:  # the lease runs out and the row is due again
            log.warning("could not record LINE event %s in the inbox: %s", entry.key, exc)
            return None
