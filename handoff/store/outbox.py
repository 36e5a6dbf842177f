"""The outbox: every message to a customer is written here in the same transaction as the
message itself, then delivered by `OutboxWorker` with retries and backoff.

Delivery is at-least-once towards the platform and once in practice: a row is leased before
sending and marked sent right after, so a channel failure (network error, 5xx, 429) only delays
it, and a restart resumes from the table. A permanent refusal (Telegram 400/403, e.g. the
customer blocked the bot) ends the row as ``dead`` instead of retrying forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import (
    Author,
    Conversation,
    Customer,
    Direction,
    Message,
    OutboxMessage,
    OutboxStatus,
)
from handoff.store.reply import OutboundMessage

log = logging.getLogger(__name__)
T = TypeVar("T")

_QUEUED = "outbox_queued"  # session.info flag: this transaction queued a reply
LEASE = timedelta(minutes=2)  # a crashed worker's lease expires, and the row is retried
MAX_BACKOFF = timedelta(minutes=30)


class DeliveryError(Exception):
    """A send failed. ``retry_after`` (seconds) comes from the platform (Telegram 429);
    ``permanent`` means retrying cannot help (the row is parked as dead)."""

    def __init__(self, reason: str, *, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


class Sender(Protocol):
    """A channel's way to push one stored reply to a customer (the port channels implement)."""

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver ``payload`` (``{"text", "buttons", "images"}``) or raise DeliveryError."""


@dataclass(frozen=True)
class Delivery:
    id: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    attempts: int


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
    session.info[_QUEUED] = True
    return row


def note_queued(session: Session) -> None:
    """This transaction made a row due (e.g. "send again"): wake the worker on commit."""
    session.info[_QUEUED] = True


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


def mark_sent(session: Session, delivery_id: int, now: datetime) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == delivery_id)
                    .values(status=OutboxStatus.SENT, sent_at=now, last_error=""))


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


class OutboxWorker:
    """Delivers due outbox rows through the registered senders.

    ``run_once`` is what tests call (with a moved clock); ``run`` loops until cancelled.
    """

    def __init__(self, database: Database, clock: Clock,
                 senders: Mapping[str, Sender] | None = None, poll_interval: float = 0.5) -> None:
        self._db = database
        self._clock = clock
        self._senders = dict(senders or {})
        self._poll = poll_interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_flight: set[asyncio.Future[Any]] = set()
        self.wakeup = asyncio.Event()

    async def _in_thread(self, func: Callable[..., T], *args: Any) -> T:
        """Store work off the event loop, tracked so a cancelled worker can wait for it: a
        transaction abandoned mid-way would return its connection to a disposed pool."""
        future = asyncio.ensure_future(asyncio.to_thread(func, *args))
        self._in_flight.add(future)
        future.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(future)

    def register(self, channel: str, sender: Sender) -> None:
        """Deliver ``channel``'s rows through ``sender`` (each channel registers once)."""
        self._senders[channel] = sender

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
        if session.info.pop(_QUEUED, False):
            self.wake()

    async def run_once(self) -> int:
        """Attempt every due delivery once; returns how many were sent.

        Customers are served concurrently (a chat paced by its platform's per-chat limit does
        not hold up the others); each customer's replies go out oldest first.
        """
        if not self._senders:
            return 0
        deliveries = await self._in_thread(self._lease)
        by_recipient: dict[tuple[str, str], list[Delivery]] = {}
        for delivery in deliveries:
            by_recipient.setdefault((delivery.channel, delivery.recipient), []).append(delivery)
        sent = await asyncio.gather(*(self._deliver_in_order(group)
                                      for group in by_recipient.values()))
        return sum(sent)

    async def _deliver_in_order(self, group: list[Delivery]) -> int:
        """One customer's replies in order. After a failure the later ones wait for the failed
        one's retry, so the customer never reads them out of order."""
        for index, delivery in enumerate(group):
            if not await self._deliver(delivery):
                await self._in_thread(self._hold_back, group[index + 1:], delivery.id)
                return index
        return len(group)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._db.add_commit_hook(self._on_commit)
        try:
            while True:
                self.wakeup.clear()
                try:
                    await self.run_once()
                except Exception:
                    log.exception("outbox round failed; retrying")
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

    def _lease(self) -> list[Delivery]:
        with self._db.session() as session:
            return lease_due(session, self._clock.now(), set(self._senders))

    async def _deliver(self, delivery: Delivery) -> int:
        try:
            await self._senders[delivery.channel].send(delivery.recipient, delivery.payload)
        except DeliveryError as error:
            log.warning("outbox %s to %s failed: %s", delivery.id, delivery.channel, error)
            await self._in_thread(self._record_failure, delivery, error)
            return 0
        except Exception as exc:
            log.exception("outbox %s: unexpected send error", delivery.id)
            await self._in_thread(self._record_failure, delivery, DeliveryError(repr(exc)))
            return 0
        await self._in_thread(self._record_sent, delivery.id)
        return 1

    def _record_failure(self, delivery: Delivery, error: DeliveryError) -> None:
        with self._db.session() as session:
            mark_failed(session, delivery, error, self._clock.now())

    def _record_sent(self, delivery_id: int) -> None:
        with self._db.session() as session:
            mark_sent(session, delivery_id, self._clock.now())

    def _hold_back(self, waiting: list[Delivery], failed_id: int) -> None:
        if waiting:
            with self._db.session() as session:
                hold_back(session, [d.id for d in waiting], failed_id)


def pending_count(session: Session, channel: str | None = None) -> int:
    """Rows still waiting for delivery (for health checks and the dashboard)."""
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    return int(session.scalar(query) or 0)
