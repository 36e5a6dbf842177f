"""The outbox delivers every reply once, through channel failures, honouring retry_after; a
round costs one transaction to lease and one to record what was sent."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Customer, OutboxMessage, OutboxStatus
from handoff.store.outbox import (
    LEASE,
    DeliveryError,
    OutboxWorker,
    PulledByCustomer,
    enqueue,
    lease_due,
    mark_sent,
)
from handoff.store.outbox.rows import take_queued


class FlakyChannel:
    """A channel that fails while ``down`` is set, then records what it delivers."""

    def __init__(self) -> None:
        self.down: DeliveryError | None = None
        self.delivered: list[tuple[str, dict[str, Any]]] = []

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        if self.down is not None:
            raise self.down
        self.delivered.append((recipient, payload))


def _queue_reply(db: Database, clock: ManualClock, text: str = "您好，已为您处理") -> None:
    with db.session() as session:
        enqueue(session, channel="telegram", recipient="42", payload={"text": text},
                now=clock.now())


async def test_reply_queued_while_channel_fails_is_delivered_once_after_recovery(
    db: Database, clock: ManualClock
) -> None:
    channel = FlakyChannel()
    worker = OutboxWorker(db, clock, {"telegram": channel})
    _queue_reply(db, clock)
    channel.down = DeliveryError("connection refused")
    assert await worker.run_once() == 0
    clock.advance(seconds=1)
    assert await worker.run_once() == 0  # backoff: not due yet
    channel.down = None
    clock.advance(minutes=3)
    assert await worker.run_once() == 1
    clock.advance(minutes=10)
    assert await worker.run_once() == 0
    assert channel.delivered == [("42", {"text": "您好，已为您处理"})]


async def test_rate_limit_retry_after_is_honoured(db: Database, clock: ManualClock) -> None:
    channel = FlakyChannel()
    worker = OutboxWorker(db, clock, {"telegram": channel})
    _queue_reply(db, clock)
    channel.down = DeliveryError("429 Too Many Requests", retry_after=30)
    await worker.run_once()
    channel.down = None
    clock.advance(seconds=29)
    assert await worker.run_once() == 0
    clock.advance(seconds=2)
    assert await worker.run_once() == 1


async def test_blocked_bot_parks_the_reply_and_marks_customer_unreachable(
    db: Database, clock: ManualClock
) -> None:
    with db.session() as session:
        session.add(Customer(channel="telegram", external_id="42", created_at=clock.now()))
    channel = FlakyChannel()
    channel.down = DeliveryError("403 Forbidden: bot was blocked by the user", permanent=True)
    worker = OutboxWorker(db, clock, {"telegram": channel})
    _queue_reply(db, clock)
    await worker.run_once()
    clock.advance(hours=1)
    await worker.run_once()
    with db.session() as session:
        row = session.scalars(select(OutboxMessage)).one()
        customer = session.scalars(select(Customer)).one()
        assert row.status is OutboxStatus.DEAD and row.attempts == 1
        assert customer.unreachable


class OrderedChannel:
    """Records deliveries; chat "slow" waits until chat "fast" got its reply, and the first
    reply to chat "flaky" fails once."""

    def __init__(self) -> None:
        self.fast_done = asyncio.Event()
        self.delivered: list[tuple[str, str]] = []
        self.failed_once = False

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        if recipient == "slow":
            await asyncio.wait_for(self.fast_done.wait(), timeout=5)
        if recipient == "flaky" and not self.failed_once:
            self.failed_once = True
            raise DeliveryError("502 Bad Gateway")
        self.delivered.append((recipient, payload["text"]))
        if recipient == "fast":
            self.fast_done.set()


def _queue(db: Database, clock: ManualClock, recipient: str, *texts: str) -> None:
    with db.session() as session:
        for text in texts:
            enqueue(session, channel="telegram", recipient=recipient, payload={"text": text},
                    now=clock.now())


async def test_a_paced_chat_does_not_hold_up_other_customers(
    db: Database, clock: ManualClock
) -> None:
    channel = OrderedChannel()
    _queue(db, clock, "slow", "first in the queue")
    _queue(db, clock, "fast", "queued second")
    assert await OutboxWorker(db, clock, {"telegram": channel}).run_once() == 2
    assert channel.delivered == [("fast", "queued second"), ("slow", "first in the queue")]


async def test_after_a_failure_a_customers_later_replies_wait_and_keep_their_order(
    db: Database, clock: ManualClock
) -> None:
    channel = OrderedChannel()
    worker = OutboxWorker(db, clock, {"telegram": channel})
    _queue(db, clock, "flaky", "one", "two", "three")
    assert await worker.run_once() == 0  # "one" failed: "two" and "three" are held back
    clock.advance(minutes=5)
    assert await worker.run_once() == 3
    assert channel.delivered == [("flaky", "one"), ("flaky", "two"), ("flaky", "three")]
    with db.session() as session:
        attempts = sorted(r.attempts for r in session.scalars(select(OutboxMessage)))
    assert attempts == [1, 1, 2]  # held-back rows were not counted as attempts


class Widget(PulledByCustomer):
    """A channel whose customers fetch their messages (like the web chat widget)."""


class Commits:
    """Counts the transactions that commit on a database (the write lock SQLite takes each)."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        db.add_commit_hook(self)

    def __call__(self, _session: Session) -> None:
        self.count += 1


def _statuses(db: Database) -> list[tuple[str, OutboxStatus]]:
    with db.session() as session:
        return [(r.channel, r.status)
                for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


async def test_a_reply_the_customer_pulls_is_delivered_when_its_transaction_commits(
    db: Database, clock: ManualClock
) -> None:
    channel = FlakyChannel()
    channel.down = DeliveryError("connection refused")
    worker = OutboxWorker(db, clock, {"telegram": channel, "webchat": Widget()})
    with db.session() as session:
        enqueue(session, channel="webchat", recipient="w-1", payload={"text": "在的"},
                now=clock.now())
        assert not take_queued(session)  # nothing for the worker to wake up for
    _queue_reply(db, clock)
    assert await worker.run_once() == 0  # nothing was due but Telegram's, which is down
    assert _statuses(db) == [("webchat", OutboxStatus.SENT), ("telegram", OutboxStatus.PENDING)]


async def test_a_pulled_reply_another_process_queued_is_recorded_as_sent_by_the_lease(
    db: Database, clock: ManualClock
) -> None:
    worker = OutboxWorker(db, clock, {"webchat": Widget()})
    cron = Database(db.url)  # e.g. `aftersales sweep`: no channel registered there
    try:
        with cron.session() as session:
            enqueue(session, channel="webchat", recipient="w-1", payload={"text": "还在吗"},
                    now=clock.now())
    finally:
        cron.dispose()
    assert _statuses(db) == [("webchat", OutboxStatus.PENDING)]
    assert await worker.run_once() == 1
    assert _statuses(db) == [("webchat", OutboxStatus.SENT)]


async def test_a_round_for_three_customers_commits_once_to_lease_and_once_to_mark_sent(
    db: Database, clock: ManualClock
) -> None:
    channel = FlakyChannel()
    for recipient in ("41", "42", "43"):
        _queue(db, clock, recipient, "first", "second")
    with db.session() as session:  # queued before the web chat registered: the lease records it
        enqueue(session, channel="webchat", recipient="w-1", payload={"text": "hi"},
                now=clock.now())
    commits = Commits(db)
    worker = OutboxWorker(db, clock, {"telegram": channel, "webchat": Widget()})
    assert await worker.run_once() == 7
    assert commits.count == 2
    assert [status for _, status in _statuses(db)] == [OutboxStatus.SENT] * 7
    with db.session() as session:
        sent_at = {r.sent_at for r in session.scalars(select(OutboxMessage))}
    assert sent_at == {clock.now()}


async def test_rows_a_worker_sent_before_dying_go_out_again_when_its_lease_expires(
    db: Database, clock: ManualClock
) -> None:
    _queue(db, clock, "42", "one", "two")
    with db.session() as session:  # the dead worker's lease: it sent them, then crashed
        assert len(lease_due(session, clock.now(), {"telegram"})) == 2
    channel = FlakyChannel()
    worker = OutboxWorker(db, clock, {"telegram": channel})
    assert await worker.run_once() == 0
    clock.advance(LEASE)
    assert await worker.run_once() == 2
    assert channel.delivered == [("42", {"text": "one"}), ("42", {"text": "two"})]


async def test_while_a_reply_is_out_and_not_yet_recorded_the_customers_next_one_waits(
    db: Database, clock: ManualClock
) -> None:
    _queue(db, clock, "42", "one")
    _queue(db, clock, "43", "other customer")
    with db.session() as session:  # a round sent "one"; its mark is not committed yet
        [out] = lease_due(session, clock.now(), {"telegram"}, limit=1)
    _queue(db, clock, "42", "two")
    with db.session() as session:
        leased = lease_due(session, clock.now(), {"telegram"})
    assert [(d.recipient, d.payload["text"]) for d in leased] == [("43", "other customer")]
    with db.session() as session:
        mark_sent(session, [(out.id, clock.now())])
    with db.session() as session:
        assert [d.payload["text"] for d in lease_due(session, clock.now(), {"telegram"})] == [
            "two"]
