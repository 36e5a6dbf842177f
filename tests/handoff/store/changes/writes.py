"""Writes a test makes through the store, as the bot would: a customer's message (the floor), a
model deployment, and a new customer record (neither)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from handoff.store.db import Database
from handoff.store.models import Author, Conversation, Customer, Direction, Message
from handoff.store.models.deployments import ModelDeployment

NOW = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


def customer_says(session: Session, text: str = "where is my parcel?") -> Message:
    """A new customer's first message (a customer, a conversation, a message)."""
    customer = Customer(channel="webchat", external_id=uuid.uuid4().hex, created_at=NOW)
    session.add(customer)
    session.flush()
    conversation = Conversation(customer_id=customer.id, channel="webchat", created_at=NOW,
                                updated_at=NOW)
    session.add(conversation)
    session.flush()
    message = Message(conversation_id=conversation.id, direction=Direction.INBOUND,
                      author=Author.CUSTOMER, channel="webchat", text=text, created_at=NOW)
    session.add(message)
    session.flush()
    return message


def a_customer_writes(db: Database) -> None:
    with db.session() as session:
        customer_says(session)


def a_model_is_deployed(db: Database) -> None:
    with db.session() as session:
        session.add(ModelDeployment(version=uuid.uuid4().hex, path="models/m.npz",
                                    deployed_at=NOW))


def a_customer_signs_up(db: Database) -> None:
    """A customer record alone: no case, no message (nothing a live page shows)."""
    with db.session() as session:
        session.add(Customer(channel="webchat", external_id=uuid.uuid4().hex, created_at=NOW))
