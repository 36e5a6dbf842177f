"""A stand-in for the dialogue engine's contract, for adapter tests that are not about dialogue.

Like the engine it stores each inbound turn under the idempotency key ``<channel>:<update_id>``
(a redelivery stores nothing and gets no reply) and writes its replies to the outbox; what it
says comes from a script given by the test.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.messages import InboundMessage, OutboundMessage
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import Author, Conversation, Customer, Direction, Message
from handoff.store.outbox import enqueue

Script = Callable[[InboundMessage], list[OutboundMessage]]


class ScriptedEngine:
    def __init__(self, database: Database, clock: Clock, script: Script) -> None:
        self.database = database
        self.clock = clock
        self.script = script
        self.turns: list[InboundMessage] = []

    def handle(self, message: InboundMessage) -> list[OutboundMessage]:
        try:
            with self.database.session() as session:
                self._store(session, message)
                replies = self.script(message)
                for reply in replies:
                    enqueue(session, channel=message.channel, recipient=message.external_id,
                            payload=reply.to_payload(), now=self.clock.now())
        except IntegrityError:
            return []  # the same update again
        self.turns.append(message)
        return replies

    def _store(self, session: Session, message: InboundMessage) -> None:
        now = self.clock.now()
        customer = session.scalars(select(Customer).where(
            Customer.channel == message.channel,
            Customer.external_id == message.external_id)).one_or_none()
        if customer is None:
            customer = Customer(channel=message.channel, external_id=message.external_id,
                                display_name=message.display_name, created_at=now)
            session.add(customer)
            session.flush()
        conversation = session.scalars(select(Conversation).where(
            Conversation.customer_id == customer.id)).one_or_none()
        if conversation is None:
            conversation = Conversation(customer_id=customer.id, channel=message.channel,
                                        created_at=now, updated_at=now)
            session.add(conversation)
            session.flush()
        session.add(Message(
            conversation_id=conversation.id, direction=Direction.INBOUND,
            author=Author.CUSTOMER, channel=message.channel, text=message.text,
            idempotency_key=f"{message.channel}:{message.update_id}", created_at=now))
        session.flush()
