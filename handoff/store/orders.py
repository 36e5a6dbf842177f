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
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


class OrderProvider(Protocol):
    """Looks up orders; a shop plugs in its own (an OMS API) behind the same two calls."""

    def get(self, order_id: str) -> OrderView | None:
        """The order with this number, or None."""

    def verify_phone(self, order_id: str, phone_or_last4: str) -> bool:
        """Whether the phone (full number or its last 4 digits) belongs to the order."""


class DbOrderProvider:
    """Orders from the ``orders`` table (filled by ``aftersales orders import``)."""

    def __init__(self, session: Session, digest_key: str) -> None:
        self._session = session
        self._key = digest_key

    def get(self, order_id: str) -> OrderView | None:
        row = self._session.get(Order, order_id.strip().upper())
        return OrderView.of(row) if row else None

    def verify_phone(self, order_id: str, phone_or_last4: str) -> bool:
        row = self._session.get(Order, order_id.strip().upper())
        if row is not None and phone_or_last4.startswith(DIGEST_PREFIX):
            # The engine keeps a typed phone only as its digest (masking at entry).
            return hmac.compare_digest(phone_or_last4[len(DIGEST_PREFIX):].encode(),
                                       row.phone_digest.encode())
        digits = phone_digits(phone_or_last4)
        if row is None or len(digits) < 4:
            return False
        if len(digits) == 4:
            return digits == row.phone_last4
        return phone_digest(digits, self._key) == row.phone_digest

    def find_by_phone(self, phone: str) -> list[OrderView]:
        digest = phone_digest(phone, self._key)
        rows = self._session.scalars(select(Order).where(Order.phone_digest == digest))
        return [OrderView.of(row) for row in rows]
