"""A delivery is handled once: the ledger on both engines, and Telegram's send pacing."""

from __future__ import annotations

import pytest

from bot.channels.intake import StoreUnavailable
from bot.channels.ledger import DeliveryLedger
from bot.channels.telegram.limits import SendLimiter
from handoff.store.clock import ManualClock
from handoff.store.conversations import open_conversation
from handoff.store.db import Database
from handoff.store.models import Direction, Message
from handoff.store.models.enums import Author


async def test_update_is_new_until_marked_and_marking_twice_is_harmless(
        db: Database, clock: ManualClock) -> None:
    ledger = DeliveryLedger(db, clock)
    assert not await ledger.seen("telegram:501")
    await ledger.mark("telegram:501")
    await ledger.mark("telegram:501")
    assert await ledger.seen("telegram:501")
    assert not await ledger.seen("telegram:502")


async def test_message_the_engine_stored_counts_as_seen(db: Database, clock: ManualClock) -> None:
    with db.session() as session:
        _, conversation = open_conversation(session, "line", "U1", clock.now())
        session.add(Message(conversation_id=conversation.id, direction=Direction.INBOUND,
                            author=Author.CUSTOMER, channel="line", text="hi",
                            idempotency_key="line:01HEVENT", created_at=clock.now()))
    assert await DeliveryLedger(db, clock).seen("line:01HEVENT")


async def test_unreachable_store_is_reported_as_unavailable(clock: ManualClock) -> None:
    down = Database("postgresql+psycopg://nobody@127.0.0.1:9/none")
    with pytest.raises(StoreUnavailable):
        await DeliveryLedger(down, clock).seen("telegram:1")
    down.dispose()


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


async def test_second_message_to_the_same_chat_waits_a_second() -> None:
    time = FakeTime()
    limiter = SendLimiter(monotonic=time.monotonic, sleep=time.sleep)
    await limiter.wait_turn("42")
    await limiter.wait_turn("43")
    await limiter.wait_turn("42")
    assert time.slept == [1.0]


async def test_thirty_first_message_in_a_second_waits_for_the_window() -> None:
    time = FakeTime()
    limiter = SendLimiter(monotonic=time.monotonic, sleep=time.sleep)
    for chat in range(30):
        await limiter.wait_turn(str(chat))
        time.now += 0.01
    await limiter.wait_turn("another")
    assert time.slept == [0.7]
