"""Export, erase and purge what is held about customers, keeping the anonymous figures.

Messages are not deleted but emptied — text, photos, payload and the NLU record go, the intent
name, direction and time stay — so the reports' volume, contact reasons and response times do
not change. Cases keep their numbers, states, times, queues and ratings; their summaries, the
text in their events and notifications, and the order link go. Evidence rows go; the caller
deletes the files (`Erased.files`) once no other row names them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from handoff.store.models import (
    Case,
    CaseEvent,
    ChannelInboxEntry,
    Contact,
    Conversation,
    Customer,
    CustomerLink,
    Direction,
    Evidence,
    Message,
    Notification,
    Order,
    OutboxMessage,
)

ERASED = "[erased]"


@dataclass(frozen=True)
class Erased:
    customers: int
    messages: int
    files: tuple[str, ...]  # evidence URIs no row names any more


def customers_for(session: Session, contact: str) -> list[Customer]:
    """``channel:external_id`` (e.g. ``webchat:abc``, ``line:U123``) or a person id; every
    channel identity of the same person is included."""
    channel, _, external = contact.partition(":")
    first = session.scalar(select(Customer).where(Customer.channel == channel,
                                                  Customer.external_id == external)) \
        if external else None
    person = first.person_id if first is not None else contact
    return list(session.scalars(select(Customer).where(Customer.person_id == person)))


def export_customer(session: Session, contact: str) -> dict[str, Any]:
    """Everything held about the customer, as JSON-ready data."""
    customers = customers_for(session, contact)
    ids = [c.id for c in customers]
    conversations = _conversations(session, ids)
    return {
        "identities": [{"channel": c.channel, "id": c.external_id, "name": c.display_name,
                        "language": c.language, "phone": c.phone_masked,
                        "verified_order": c.verified_order_id,
                        "since": c.created_at.isoformat()} for c in customers],
        "messages": [{"at": m.created_at.isoformat(), "direction": str(m.direction),
                      "author": str(m.author), "text": m.text,
                      "photos": [a.get("uri") for a in m.attachments or ()]}
                     for m in _messages(session, conversations)],
        "cases": [{"number": c.number, "status": str(c.status), "issue": c.issue,
                   "order": c.order_id, "opened": c.created_at.isoformat(),
                   "resolved": c.resolved_at.isoformat() if c.resolved_at else None}
                  for c in session.scalars(select(Case).where(Case.customer_id.in_(ids)))],
        "evidence": [{"kind": str(e.kind), "uri": e.uri, "at": e.created_at.isoformat()}
                     for e in session.scalars(select(Evidence).where(
                         Evidence.conversation_id.in_(conversations)))],
    }


def erase_customer(session: Session, contact: str) -> Erased:
    """Erase one person on every channel; their case statistics stay, anonymised."""
    customers = customers_for(session, contact)
    ids = [c.id for c in customers]
    conversations = _conversations(session, ids)
    messages = _empty_messages(session, select(Message.id).where(
        Message.conversation_id.in_(conversations)))
    files = _drop_evidence(session, Evidence.conversation_id.in_(conversations))
    _anonymise_cases(session, select(Case.id).where(Case.customer_id.in_(ids)))
    _forget_identities(session, customers, conversations)
    return Erased(len(customers), messages, files)


def purge_before(session: Session, before: datetime) -> Erased:
    """Past retention: empty the messages and drop the photos of conversations with no open
    case, older than ``before``; the cases resolved before then lose their summaries."""
    open_cases = select(Case.conversation_id).where(Case.resolved_at.is_(None))
    quiet = ~Message.conversation_id.in_(open_cases)
    messages = _empty_messages(session, select(Message.id).where(
        Message.created_at < before, quiet, or_(Message.text != "", Message.nlu.is_not(None))))
    files = _drop_evidence(session, (Evidence.created_at < before)
                           & ~Evidence.conversation_id.in_(open_cases))
    _anonymise_cases(session, select(Case.id).where(Case.resolved_at < before))
    session.execute(delete(ChannelInboxEntry).where(ChannelInboxEntry.processed_at < before))
    return Erased(0, messages, files)


def _conversations(session: Session, customer_ids: Sequence[int]) -> list[int]:
    return list(session.scalars(select(Conversation.id).where(
        Conversation.customer_id.in_(customer_ids))))


def _messages(session: Session, conversations: Sequence[int]) -> list[Message]:
    return list(session.scalars(select(Message).where(
        Message.conversation_id.in_(conversations)).order_by(Message.id)))


def _empty_messages(session: Session, which: Any) -> int:
    rows = list(session.scalars(select(Message).where(Message.id.in_(which))))
    for message in rows:
        intent = (message.nlu or {}).get("intent")
        message.text, message.attachments, message.payload = "", [], {}
        if message.direction is Direction.INBOUND:
            message.idempotency_key = None  # carries the platform's ids of the customer
        message.nlu = {"intent": {"name": intent.get("name")}} \
            if isinstance(intent, dict) else None
    ids = [m.id for m in rows]
    session.execute(update(OutboxMessage).where(OutboxMessage.message_id.in_(ids))
                    .values(payload={}, recipient=ERASED)
                    .execution_options(synchronize_session=False))
    return len(rows)


def _drop_evidence(session: Session, condition: Any) -> tuple[str, ...]:
    uris = set(session.scalars(select(Evidence.uri).where(condition)))
    session.execute(delete(Evidence).where(condition))
    kept = set(session.scalars(select(Evidence.uri).where(Evidence.uri.in_(uris))))
    return tuple(sorted(uris - kept))


def _anonymise_cases(session: Session, which: Any) -> None:
    case_ids = list(session.scalars(which))
    orders = [o for o in session.scalars(select(Case.order_id).where(Case.id.in_(case_ids))) if o]
    session.execute(update(Case).where(Case.id.in_(case_ids))
                    .values(summary={}, reason="", order_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(update(Notification).where(Notification.case_id.in_(case_ids))
                    .values(text=ERASED).execution_options(synchronize_session=False))
    # The one sanctioned change to the append-only trail (a legal duty): the words go, the
    # events — who did what, when — stay.
    for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))):
        if event.data:
            data = {key: ERASED if isinstance(value, str) else value
                    for key, value in event.data.items()}
            session.execute(update(CaseEvent).where(CaseEvent.id == event.id).values(data=data)
                            .execution_options(synchronize_session=False))
    _forget_orders(session, orders)


def _forget_orders(session: Session, order_ids: Sequence[str]) -> None:
    session.execute(update(Order).where(Order.order_id.in_(order_ids))
                    .values(customer_name="", phone_masked="", phone_digest="", phone_last4="")
                    .execution_options(synchronize_session=False))


def _forget_identities(session: Session, customers: Sequence[Customer],
                       conversations: Sequence[int]) -> None:
    ids = [c.id for c in customers]
    orders = [c.verified_order_id for c in customers if c.verified_order_id]
    orders += [o for o in session.scalars(select(Contact.order_id).where(
        Contact.customer_id.in_(ids))) if o]
    session.execute(delete(CustomerLink).where(CustomerLink.customer_id.in_(ids)))
    session.execute(delete(Contact).where(Contact.customer_id.in_(ids)))
    for customer in customers:
        session.execute(delete(ChannelInboxEntry).where(
            ChannelInboxEntry.channel == customer.channel,
            ChannelInboxEntry.recipient == customer.external_id))
        customer.external_id = f"erased-{customer.id}"
        customer.display_name, customer.phone_masked = "", None
        customer.verified_order_id, customer.person_id = None, uuid.uuid4().hex
    session.execute(update(Conversation).where(Conversation.id.in_(conversations))
                    .values(state={}).execution_options(synchronize_session=False))
    _forget_orders(session, orders)
