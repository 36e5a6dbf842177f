"""Orders, as imported from the shop (CSV/JSON) or kept in sync by an OrderProvider."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base, enum_column
from handoff.store.models.enums import DeliveryMethod, OrderStatus


class Order(Base):
    """One shop order. The phone is stored masked (``138****5678``) plus a keyed digest, so the
    identity check (last 4 digits, or the full number) works without keeping the number."""

    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_name: Mapped[str] = mapped_column(String(128))
    phone_masked: Mapped[str] = mapped_column(String(32))
    phone_last4: Mapped[str] = mapped_column(String(4))
    phone_digest: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[OrderStatus] = enum_column(OrderStatus)
    carrier: Mapped[str] = mapped_column(String(64), default="")
    tracking_no: Mapped[str] = mapped_column(String(64), default="")
    item: Mapped[str] = mapped_column(String(256))
    category: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    paid_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    member_level: Mapped[str] = mapped_column(String(32), default="")
    unused: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime | None]  # the shop's last change (`aftersales orders sync`)
    # How the parcel reaches the customer: home delivery, a convenience store (Taiwan) or a
    # pickup point / locker (菜鸟驿站, 順豐站). The code opens the locker, so it is shown only
    # after the identity check.
    delivery_method: Mapped[DeliveryMethod] = enum_column(DeliveryMethod,
                                                          default=DeliveryMethod.HOME)
    pickup_store: Mapped[str] = mapped_column(String(128), default="")
    pickup_deadline: Mapped[datetime | None]
    pickup_code: Mapped[str] = mapped_column(String(32), default="")
