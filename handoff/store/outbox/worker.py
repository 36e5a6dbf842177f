"""`OutboxWorker`: delivers due outbox rows through the channels' senders, woken by the commit
of any transaction that queued one (else it polls).

Delivery is at-least-once towards the platform and once in practice: a row is leased before
sending and marked sent when its round ends, so a channel failure (network error, 5xx, 429) only
delays it, and a restart resumes from the table (a crash between a send and its round's mark
sends those rows again once the lease expires). A permanent refusal (Telegram 400/403, e.g. the
customer blocked the bot) ends the row as ``dead`` instead of retrying forever.

A round costs one write transaction for the lease and one for the sent marks, however many rows
it carries: on SQLite every write transaction queues for the one write lock that customer turns
need too. Rows of channels whose customers pull their messages (`PulledByCustomer`) cost none:
they are recorded as sent in the transaction that queues them (or, queued by another process,
in the next lease).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.outbox.port import Delivery, DeliveryError, PulledByCustomer, Sender
from handoff.store.outbox.rows import (
    deliver_pulled,
    hold_back,
    lease_due,
    mark_failed,
    mark_pulled,
    mark_sent,
    take_queued,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Sent = tuple[int, datetime]  # a delivered row's id and when its send returned
THREADS = 4  # a lease, and the marks of earlier rounds still waiting for the write lock


def _log_mark_failure(marking: asyncio.Future[None]) -> None:
    if not marking.cancelled() and marking.exception() is not None:
        # The rows stay leased, and go out again when the lease expires (at-least-once).
        log.error("outbox: recording sent rows failed", exc_info=marking.exception())


class OutboxWorker:
    """Delivers due outbox rows through the registered senders.

    ``run_once`` is what tests call (with a moved clock); ``run`` loops until cancelled.
    """

    def __init__(self, database: Database, clock: Clock,
                 senders: Mapping[str, Sender | PulledByCustomer] | None = None,
                 poll_interval: float = 0.5) -> None:
        self._db = database
        self._clock = clock
        self._senders: dict[str, Sender] = {}
        self._pulled: set[str] = set()
        for channel, sender in (senders or {}).items():
            self.register(channel, sender)
        self._poll = poll_interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_flight: set[asyncio.Future[Any]] = set()
        self._threads: ThreadPoolExecutor | None = None
        self.wakeup = asyncio.Event()

    def register(self, channel: str, sender: Sender | PulledByCustomer) -> None:
        """Deliver ``channel``'s rows through ``sender`` (each channel registers once)."""
        if not isinstance(sender, PulledByCustomer):
            self._senders[channel] = sender
            return
        if not self._pulled:
            self._db.add_flush_hook(self._deliver_pulled)
        self._pulled.add(channel)

    def _deliver_pulled(self, session: Session) -> None:
        # Rows of pulled channels queued in this process are recorded as sent in their own
        # transaction; the lease still records the ones another process queued (a cron
        # `aftersales sweep` registers no channels).
        deliver_pulled(session, self._pulled, self._clock.now())

    def _start(self, func: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Store work on the worker's own threads, tracked so a cancelled worker can wait for
        it: a transaction abandoned mid-way would return its connection to a disposed pool.

        Not asyncio's default executor: there a lease queued behind every customer turn
        waiting for a thread (16 customers, 6 threads on 2 cores), and the agent's reply
        waited with it."""
        if self._threads is None:
            self._threads = ThreadPoolExecutor(THREADS, thread_name_prefix="outbox")
        future = asyncio.get_running_loop().run_in_executor(self._threads, func, *args)
        self._in_flight.add(future)
        future.add_done_callback(self._in_flight.discard)
        return future

    async def _in_thread(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.shield(self._start(func, *args))

    def wake(self) -> None:
        """Start a round now instead of at the next poll. Safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.wakeup.set()
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody to wake
            loop.call_soon_threadsafe(self.wakeup.set)

    def _on_commit(self, session: Session) -> None:
        # Every transaction that queued a reply wakes the worker once it is committed (an
        # uncommitted row would not be leased yet), whoever queued it: a turn, an agent's
        # reply from the API, the console or a Telegram topic, the sweeper.
        if take_queued(session):
            self.wake()

    async def run_once(self) -> int:
        """Attempt every due delivery once; returns how many were sent (pulled rows included)
        once they are all recorded as sent."""
        sent, marking = await self._round()
        if marking is not None:
            await asyncio.shield(marking)
        return sent

    async def _round(self) -> tuple[int, asyncio.Future[None] | None]:
        """Lease and send; how many were sent, and the transaction recording them.

        Customers are served concurrently (a chat paced by its platform's per-chat limit does
        not hold up the others); each customer's replies go out oldest first. The round's sent
        rows are marked together, in one transaction, when every customer's turn is over.
        """
        if not self._senders and not self._pulled:
            return 0, None
        pulled, deliveries = await self._in_thread(self._lease)
        by_recipient: dict[tuple[str, str], list[Delivery]] = {}
        for delivery in deliveries:
            by_recipient.setdefault((delivery.channel, delivery.recipient), []).append(delivery)
        groups = await asyncio.gather(*(self._deliver_in_order(group)
                                        for group in by_recipient.values()))
        sent = [row for group in groups for row in group]
        marking = self._start(self._record_sent, sent) if sent else None
        return pulled + len(sent), marking

    async def _deliver_in_order(self, group: list[Delivery]) -> list[Sent]:
        """One customer's replies in order. After a failure the later ones wait for the failed
        one's retry, so the customer never reads them out of order."""
        sent: list[Sent] = []
        for index, delivery in enumerate(group):
            error = await self._send(delivery)
            if error is not None:
                await self._in_thread(self._record_failure, delivery, error, group[index + 1:])
                break
            sent.append((delivery.id, self._clock.now()))
        return sent

    async def _send(self, delivery: Delivery) -> DeliveryError | None:
        try:
            await self._senders[delivery.channel].send(delivery.recipient, delivery.payload)
        except DeliveryError as error:
            log.warning("outbox %s to %s failed: %s", delivery.id, delivery.channel, error)
            return error
        except Exception as exc:
            log.exception("outbox %s: unexpected send error", delivery.id)
            return DeliveryError(repr(exc))
        return None

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._db.add_commit_hook(self._on_commit)
        try:
            while True:
                # Cleared before the lease: a reply committed from here on is either seen by
                # this round's lease or sets the event again for the next round.
                self.wakeup.clear()
                try:
                    _, marking = await self._round()
                except Exception:
                    log.exception("outbox round failed; retrying")
                else:
                    # The next round does not wait for this one's marks: on SQLite they may
                    # queue for the write lock behind customer turns, and a reply committed
                    # meanwhile would queue with them. Order holds without them: a leased row
                    # not yet marked keeps its customer's later rows out of every lease.
                    if marking is not None:
                        marking.add_done_callback(_log_mark_failure)
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                # cancellation that arrives together with a wake-up, and the app's shutdown
                # would then wait for this loop forever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll):
                        await self.wakeup.wait()
        finally:
            self._db.remove_commit_hook(self._on_commit)
            self._loop = None
            await asyncio.gather(*self._in_flight, return_exceptions=True)
            if self._threads is not None:
                self._threads.shutdown(wait=False)  # idle now: nothing left in flight
                self._threads = None

    def _lease(self) -> tuple[int, list[Delivery]]:
        with self._db.session(urgent=True) as session:
            now = self._clock.now()
            pulled = mark_pulled(session, now, self._pulled)
            if not self._senders:
                return pulled, []
            return pulled, lease_due(session, now, set(self._senders))

    def _record_failure(self, delivery: Delivery, error: DeliveryError,
                        later: list[Delivery]) -> None:
        """The failed row's retry (or death) and its customer's later rows held back behind
        it, in one transaction."""
        with self._db.session(urgent=True) as session:
            mark_failed(session, delivery, error, self._clock.now())
            if later:
                hold_back(session, [d.id for d in later], delivery.id)

    def _record_sent(self, sent: list[Sent]) -> None:
        with self._db.session(urgent=True) as session:
            mark_sent(session, sent)
