"""The customer row of a channel identity and its one conversation, created on first contact.

Used by the engine for every turn and by the rasa-sdk actions under the standalone action
server, so it sits below both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store.models import Conversation, Customer
from handoff.store.persons import lock_persons


def open_conversation(session: Session, channel: str, external_id: str, now: datetime,
                      display_name: str = "") -> tuple[Customer, Conversation]:
    """The customer row of this channel identity and its one conversation, created if new.

    FOR UPDATE of the conversation (PostgreSQL; SQLite's writers queue anyway): two workers
    never run two turns of one conversation at once, the second waits. Then the person's lock:
    the order every turn takes them in."""
    # One statement for the usual turn, when both rows exist.
    known = session.execute(
        select(Customer, Conversation).join(Conversation, Conversation.customer_id == Customer.id)
        .where(Customer.channel == channel, Customer.external_id == external_id)
        .with_for_update(of=Conversation)).first()
    customer, conversation = known if known is not None else _first_contact(
        session, channel, external_id, now, display_name)
    if display_name and not customer.display_name:
        customer.display_name = display_name
    lock_persons(session, customer.person_id)
    return customer, conversation


def _first_contact(session: Session, channel: str, external_id: str, now: datetime,
                   display_name: str) -> tuple[Customer, Conversation]:
    customer = session.scalar(select(Customer).where(Customer.channel == channel,
                                                     Customer.external_id == external_id))
    if customer is None:
        customer = Customer(channel=channel, external_id=external_id,
                            display_name=display_name, created_at=now)
        session.add(customer)
        session.flush()
    conversation = session.scalar(select(Conversation)
                                  .where(Conversation.customer_id == customer.id)
                                  .with_for_update())
    if conversation is None:
        conversation = Conversation(customer_id=customer.id, channel=channel, state={},
                                    created_at=now, updated_at=now)
        session.add(conversation)
        session.flush()
    return customer, conversation
