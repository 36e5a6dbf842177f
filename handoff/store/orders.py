"""Where the bot looks orders up: the `OrderProvider` port and its database implementation."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store.masking import DIGEST_PREFIX, phone_digest, phone_digits
from handoff.store.models.enums import DeliveryMethod, OrderStatus
from handoff.store.models.orders import Order


@dataclass(frozen=True)
class OrderView:
    """An order as the bot and agents see it (the phone only masked)."""

    order_id: str
    customer_name: str
    phone_masked: str
    channel: str
    status: OrderStatus
    carrier: str
    tracking_no: str
    item: str
    category: str
    amount: Decimal
    currency: str
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    member_level: str
    unused: bool
    delivery_method: DeliveryMethod = DeliveryMethod.HOME
    pickup_store: str = ""
    pickup_deadline: datetime | None = None
    pickup_code: str = ""

    @classmethod
    def of(cls, row: Order) -> OrderView:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__
                      if hasattr(row, name)})


class OrderLookupUnavailable(Exception):
    """The order source cannot answer now (down, timing out, answering nonsense, circuit
    open). The bot says it cannot look the order up right now and offers a person; it never
    guesses and never shows this text."""


class OrderProvider(Protocol):
    """Looks up orders; a shop plugs in its own (an OMS API) behind the same two calls
    (``handoff.integrations.orders`` holds the HTTP and Shopify sources)."""

    def get(self, order_id: str) -> OrderView | None:
        """The order with this number, or None; raises OrderLookupUnavailable when the
        source cannot tell."""

    def verify_phone(self, order_id: str, phone_or_last4: str) -> bool:
        """Whether the phone (full number or its last 4 digits) belongs to the order."""


def phone_matches(phone_or_last4: str, last4: str, digest: str, key: str) -> bool:
    """The identity check every source shares: the engine's ``digest:`` of a typed phone, a
    full number (compared by keyed digest) or its last 4 digits."""
    if phone_or_last4.startswith(DIGEST_PREFIX):
        # The engine keeps a typed phone only as its digest (masking at entry).
        return hmac.compare_digest(phone_or_last4[len(DIGEST_PREFIX):].encode(), digest.encode())
    digits = phone_digits(phone_or_last4)
    if len(digits) < 4:
        return False
    if len(digits) == 4:
        return digits == last4
    return hmac.compare_digest(phone_digest(digits, key).encode(), digest.encode())


_KEPT_ORDERS = "aftersales_kept_orders"


class DbOrderProvider:
    """Orders from the ``orders`` table (filled by ``aftersales orders import``)."""

    def __init__(self, session: Session, digest_key: str) -> None:
        self._session = session
        self._key = digest_key

    def get(self, order_id: str) -> OrderView | None:
        row = self._row(order_id)
        return OrderView.of(row) if row else None

    def verify_phone(self, order_id: str, phone_or_last4: str) -> bool:
        row = self._row(order_id)
        if row is None:
            return False
        return phone_matches(phone_or_last4, row.phone_last4, row.phone_digest, self._key)

    def _row(self, order_id: str) -> Order | None:
        row = self._session.get(Order, order_id.strip().upper())
        if row is not None:
            # The session's identity map holds rows weakly: kept for the session, the turn's
            # next look at this order (phone check, identity link, summary) is not a SELECT.
            self._session.info.setdefault(_KEPT_ORDERS, []).append(row)
        return row

    def find_by_phone(self, phone: str) -> list[OrderView]:
        digest = phone_digest(phone, self._key)
        rows = self._session.scalars(select(Order).where(Order.phone_digest == digest))
        return [OrderView.of(row) for row in rows]
