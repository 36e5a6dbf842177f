"""The bench's outbox figure: an agent reply's delay runs from its API call's return to the
moment the outbox recorded it as sent, and a reply not sent yet is queued, not delivered."""

from __future__ import annotations

from datetime import timedelta

from bot.bench.report import outbox_delays
from handoff.store.clock import ManualClock
from handoff.store.conversations import open_conversation
from handoff.store.db import Database
from handoff.store.models import Author
from handoff.store.outbox import OutboxWorker, PulledByCustomer, send_to_customer
from handoff.store.reply import OutboundMessage


def _agent_replies(db: Database, clock: ManualClock, *texts: str) -> list[int]:
    with db.session() as session:
        _, conversation = open_conversation(session, "webchat", "bench-1", clock.now())
        return [send_to_customer(session, conversation, OutboundMessage(text),
                                 author=Author.AGENT, now=clock.now()).id for text in texts]


async def test_an_agent_reply_sent_after_its_api_call_returned_is_delayed_by_the_gap(
    db: Database, clock: ManualClock
) -> None:
    first, second = _agent_replies(db, clock, "Hello, this is Sam", "I'm on it")
    returned = clock.now().timestamp()
    clock.advance(timedelta(milliseconds=40))
    worker = OutboxWorker(db, clock, {"webchat": PulledByCustomer()})
    assert await worker.run_once() == 2
    delays = outbox_delays(db.url, {first: returned, second: returned + 0.01}, wait=0)
    assert delays.queued == 2
    assert [round(d, 3) for d in sorted(delays.delays)] == [0.03, 0.04]


def test_a_reply_still_queued_when_the_wait_is_over_is_not_delivered(
    db: Database, clock: ManualClock
) -> None:
    [reply] = _agent_replies(db, clock, "Hello, this is Sam")
    delays = outbox_delays(db.url, {reply: clock.now().timestamp()}, wait=0.1)
    assert (delays.queued, delays.delays) == (1, ())
