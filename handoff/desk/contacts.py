"""One customer across channels: repeat contacts and identity linking.

A *contact* is a burst of messages about one (order, issue) on one conversation; a new message
after ``gap`` starts a new contact. Contacts are counted per person, so once the identity check
links a customer's Telegram, LINE and web chat rows, contacts on any of them add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation
from handoff.store.models.contacts import Contact
from handoff.store.models.orders import Order
from handoff.store.models.people import Customer, CustomerLink
from handoff.store.persons import lock_persons


@dataclass(frozen=True)
class ContactWindow:
    gap: timedelta  # messages closer than this on one conversation are the same contact
    window: timedelta  # contacts older than this no longer count


def record_contact(session: Session, conversation: Conversation, customer: Customer,
                   order_id: str, issue: str, now: datetime, limits: ContactWindow) -> int:
    """Note that the customer wrote about (order, issue); returns the contact's number
    (1 = first) among this person's contacts about it within the window."""
    latest = session.scalars(
        select(Contact).where(Contact.conversation_id == conversation.id,
                              Contact.order_id == order_id, Contact.issue == issue)
        .order_by(Contact.last_at.desc()).limit(1)).first()
    if latest is not None and now - latest.last_at < limits.gap:
        latest.last_at = now
    else:
        session.add(Contact(person_id=customer.person_id, customer_id=customer.id,
                            conversation_id=conversation.id, channel=conversation.channel,
                            order_id=order_id, issue=issue, first_at=now, last_at=now))
    session.flush()
    return count_contacts(session, customer.person_id, order_id, issue, now - limits.window)


def count_contacts(session: Session, person_id: str, order_id: str, issue: str,
                   since: datetime) -> int:
    query = select(func.count()).select_from(Contact).where(
        Contact.person_id == person_id, Contact.order_id == order_id, Contact.issue == issue,
        Contact.last_at >= since)
    return int(session.scalar(query) or 0)


def link_identity(session: Session, customer: Customer, order_id: str, now: datetime) -> str:
    """Join ``customer`` with every identity already verified on ``order_id`` into one person.

    The oldest person id wins; the customer's rows, contacts and cases follow it. Returns the
    person id. The order's masked phone and member level are copied onto the customer.
    """
    order_id = order_id.strip().upper()
    target = _person_of_order(session, order_id) or customer.person_id
    old = customer.person_id
    lock_persons(session, old, target)  # the rows of both move: no other turn of either runs
    if old != target:
        for model in (Customer, Contact, Case):
            session.execute(update(model).where(model.person_id == old)
                            .values(person_id=target))
        customer.person_id = target
    customer.verified_order_id = order_id
    _copy_order_details(session, customer, order_id)
    session.add(CustomerLink(customer_id=customer.id, person_id=target, order_id=order_id,
                             linked_at=now))
    session.flush()
    return target


def _person_of_order(session: Session, order_id: str) -> str | None:
    # The linked customer's current person id: an audit row keeps the id of its time.
    return session.scalars(
        select(Customer.person_id).join(CustomerLink, CustomerLink.customer_id == Customer.id)
        .where(CustomerLink.order_id == order_id).order_by(CustomerLink.id).limit(1)).first()


def _copy_order_details(session: Session, customer: Customer, order_id: str) -> None:
    order = session.get(Order, order_id)
    if order is None:
        return
    customer.phone_masked = order.phone_masked
    if order.member_level:
        customer.member_level = order.member_level
