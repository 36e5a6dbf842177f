"""A remote source's answer, checked like an imported row, as an order the bot can show.

The phone is turned into its mask, last 4 digits and keyed digest at once and never kept, so
the identity check works the same on every source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from handoff.store.masking import mask_phone, phone_digest, phone_digits
from handoff.store.order_import import parse_row
from handoff.store.orders import OrderLookupUnavailable, OrderView


@dataclass(frozen=True)
class RemoteOrder:
    view: OrderView
    phone_last4: str
    phone_digest: str


def remote_order(values: Mapping[str, Any], *, timezone: str, key: str) -> RemoteOrder:
    """Check ``values`` (our column names) like an import row; nonsense is unavailable, never
    a guess."""
    try:
        row = parse_row(dict(values), ZoneInfo(timezone))
    except ValueError as exc:
        raise OrderLookupUnavailable(f"the source answered an order we cannot read: {exc}") \
            from exc
    phone = row.pop("phone")
    row.pop("updated_at", None)
    view = OrderView(**row, phone_masked=mask_phone(phone))
    return RemoteOrder(view, phone_digits(phone)[-4:], phone_digest(phone, key))
