"""What the three-pane workspace reads beyond a case: search across cases (case number, order
number, phone last 4, message text) and the context pane (customer, their orders, previous
cases, labels)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handoff.store.models.cases import Case
from handoff.store.models.chat import Message
from handoff.store.models.orders import Order
from handoff.store.models.people import Customer

MAX_QUERY = 64


def matching_cases(session: Session, query: str) -> set[str]:
    """Numbers of the cases whose number, order number, customer phone (last 4) or any message
    text contains ``query``."""
    text = query.strip()[:MAX_QUERY]
    if not text:
        return set()
    like = f"%{_escape(text)}%"
    by_text = select(Message.case_id).where(Message.text.ilike(like, escape="\\"))
    by_phone = select(Order.order_id).where(Order.phone_last4 == text)
    rows = session.scalars(select(Case.number).where(or_(
        Case.number.like(like, escape="\\"), Case.order_id.like(like, escape="\\"),
        Case.order_id.in_(by_phone), Case.id.in_(by_text))))
    return set(rows)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def case_context(session: Session, number: str) -> dict[str, Any]:
    """The context pane: the customer, their orders and previous cases (phones masked)."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None:
        return {"customer": {}, "orders": [], "previous": []}
    others = list(session.scalars(select(Case).where(
        Case.person_id == case.person_id, Case.id != case.id).order_by(Case.id.desc())))
    order_ids = [i for i in dict.fromkeys([case.order_id, *(c.order_id for c in others)]) if i]
    orders = [o for o in (session.get(Order, i) for i in order_ids) if o is not None]
    customer = session.scalars(select(Customer).where(
        Customer.person_id == case.person_id).order_by(Customer.id)).first()
    return {
        "customer": _customer(customer, orders[0] if orders else None),
        "orders": [_order(o) for o in orders],
        "previous": [{"number": c.number, "status": str(c.status), "issue": c.issue or "",
                      "created_at": c.created_at.isoformat()} for c in others],
    }


def _customer(customer: Customer | None, order: Order | None) -> dict[str, Any]:
    name = (customer.display_name if customer else "") or (order.customer_name if order else "")
    return {"name": name,
            "phone": (customer.phone_masked if customer else None)
            or (order.phone_masked if order else "") or "",
            "member_level": (customer.member_level if customer else None)
            or (order.member_level if order else "") or "",
            "language": (customer.language if customer else None) or "",
            "channel": customer.channel if customer else ""}


def _order(order: Order) -> dict[str, Any]:
    return {"id": order.order_id, "item": order.item, "status": str(order.status),
            "amount": str(order.amount), "currency": order.currency, "carrier": order.carrier,
            "tracking_no": order.tracking_no}
