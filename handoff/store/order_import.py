"""Import orders from a CSV or JSON file, all or nothing.

Every row is checked before anything is written; a file with one bad row imports nothing and
the error names each bad row's line (CSV, counting the header as line 1) or record (JSON).
Re-importing an order updates it, so a nightly export can be loaded again.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handoff.store.masking import mask_phone, phone_digest, phone_digits
from handoff.store.models.enums import DeliveryMethod, OrderStatus
from handoff.store.models.orders import Order

COLUMNS = (
    "order_id", "customer_name", "phone", "channel", "status", "carrier", "tracking_no", "item",
    "category", "amount", "currency", "paid_at", "shipped_at", "delivered_at", "member_level",
    "unused", "updated_at", "delivery_method", "pickup_store", "pickup_deadline", "pickup_code",
)
REQUIRED = (
    "order_id", "customer_name", "phone", "status", "item", "category", "amount", "currency",
)
JSON_FORMAT = ('a JSON file must hold a list of orders [{"order_id": …}, …] or an object '
               '{"orders": [...]} (dates as ISO or, in the demo file, *_days_ago)')
_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否", ""}
# Which timestamp each status needs, so the return-policy clock always has a start.
_STATUS_NEEDS = {OrderStatus.SHIPPED: "shipped_at", OrderStatus.DELIVERED: "delivered_at"}


class OrderImportError(ValueError):
    """The file was rejected; ``problems`` lists ``(where, reason)`` for each bad row."""

    def __init__(self, path: Path, problems: list[tuple[str, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {where}: {reason}" for where, reason in problems)
        super().__init__(f"{path}: {len(problems)} bad row(s), nothing imported\n{lines}")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def read_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, raw row)`` from a ``.csv`` or ``.json`` file."""
    if path.suffix.lower() == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(records, dict) and isinstance(records.get("orders"), list):
            records = records["orders"]  # {"orders": [...]}, as training_data/demo/orders.json
        if not isinstance(records, list):
            raise OrderImportError(path, [("file", JSON_FORMAT)])
        for index, record in enumerate(records, start=1):
            yield f"record {index}", record if isinstance(record, dict) else {"_bad": record}
        return
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise OrderImportError(path, [("line 1", f"missing column(s): {', '.join(missing)}")])
        for row in reader:
            yield f"line {reader.line_num}", row


def import_orders(session: Session, path: Path, *, timezone: str, digest_key: str) -> ImportResult:
    """Validate every row of ``path``, then upsert them all in the caller's transaction."""
    return _upsert(session, parse_file(path, timezone), digest_key)


def parse_file(path: Path, timezone: str) -> list[dict[str, Any]]:
    """Every row of ``path`` checked; raises OrderImportError naming each bad row."""
    parsed: list[dict[str, Any]] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for where, raw in read_rows(path):
        try:
            row = parse_row(raw, ZoneInfo(timezone))
            if row["order_id"] in seen:
                raise ValueError(f"order {row['order_id']} appears twice in the file")
            seen.add(row["order_id"])
            parsed.append(row)
        except ValueError as exc:
            problems.append((where, str(exc)))
    if problems:
        raise OrderImportError(path, problems)
    return parsed


def parse_row(raw: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Check and convert one raw row; raises ValueError with a reason a person can act on."""
    if "_bad" in raw:
        raise ValueError("not an object")
    values = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in COLUMNS}
    empty = [k for k in REQUIRED if not values[k]]
    if empty:
        raise ValueError(f"empty required field(s): {', '.join(empty)}")
    row: dict[str, Any] = {
        "order_id": _order_id(values["order_id"]),
        "customer_name": values["customer_name"],
        "phone": _phone(values["phone"]),
        "channel": values["channel"] or "other",
        "status": _status(values["status"]),
        "carrier": values["carrier"],
        "tracking_no": values["tracking_no"],
        "item": values["item"],
        "category": values["category"].lower(),
        "amount": _amount(values["amount"]),
        "currency": _currency(values["currency"]),
        "member_level": values["member_level"].lower(),
        "unused": _flag(values["unused"] or "true", "unused"),
        "delivery_method": _delivery(values["delivery_method"]),
        "pickup_store": values["pickup_store"],
        "pickup_code": values["pickup_code"],
    }
    for field in ("paid_at", "shipped_at", "delivered_at", "updated_at"):
        row[field] = _instant(values[field], field, tz)
    # A pickup deadline given as a day means the whole day: the store keeps it until closing.
    row["pickup_deadline"] = _deadline(values["pickup_deadline"], tz)
    needed = _STATUS_NEEDS.get(row["status"])
    if needed and row[needed] is None:
        raise ValueError(f"status {row['status'].value} needs {needed}")
    if row["delivery_method"].is_pickup and not row["pickup_store"]:
        raise ValueError(f"delivery_method {row['delivery_method'].value} needs pickup_store")
    return row


def _delivery(value: str) -> DeliveryMethod:
    try:
        return DeliveryMethod(value.lower() or DeliveryMethod.HOME.value)
    except ValueError:
        allowed = "|".join(m.value for m in DeliveryMethod)
        raise ValueError(f"delivery_method {value!r} is not one of {allowed}") from None


def _order_id(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{0,4}\d{6,20}", value):
        raise ValueError(f"order_id {value!r} is not letters+digits like SO2026110512345")
    return value.upper()


def _phone(value: str) -> str:
    if not 7 <= len(phone_digits(value)) <= 15:
        raise ValueError(f"phone {mask_phone(value)!r} must have 7 to 15 digits")
    return value


def _status(value: str) -> OrderStatus:
    try:
        return OrderStatus(value.lower())
    except ValueError:
        allowed = "|".join(s.value for s in OrderStatus)
        raise ValueError(f"status {value!r} is not one of {allowed}") from None


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"amount {value!r} is not a number") from None
    if amount < 0 or not amount.is_finite():
        raise ValueError(f"amount {value!r} must be zero or more")
    return amount.quantize(Decimal("0.01"))


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError(f"currency {value!r} is not a 3-letter ISO code (CNY, TWD, USD…)")
    return value.upper()


def _flag(value: str, field: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{field} {value!r} is not true/false")


def _deadline(value: str, tz: ZoneInfo) -> datetime | None:
    """A pickup deadline: a day alone (2026-12-08) lasts until its end, shop time."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return _instant(value, "pickup_deadline", tz)
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)


def _instant(value: str, field: str, tz: ZoneInfo) -> datetime | None:
    """ISO date or date-time; without a zone it is the shop's local time."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), time(12, 0))
        except ValueError:
            raise ValueError(f"{field} {value!r} is not an ISO date (2026-11-05)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _upsert(session: Session, rows: Iterable[dict[str, Any]], key: str) -> ImportResult:
    created = updated = 0
    for row in rows:
        if upsert_row(session, row, key):
            created += 1
        else:
            updated += 1
    session.flush()
    return ImportResult(created=created, updated=updated)


def upsert_row(session: Session, row: dict[str, Any], key: str) -> bool:
    """Write one parsed row (the phone only masked, last 4 and digest); True when new."""
    row = dict(row)
    phone = row.pop("phone")
    row |= {
        "phone_masked": mask_phone(phone),
        "phone_last4": phone_digits(phone)[-4:],
        "phone_digest": phone_digest(phone, key),
    }
    existing = session.get(Order, row["order_id"])
    if existing is None:
        session.add(Order(**row))
        return True
    for name, value in row.items():
        setattr(existing, name, value)
    return False
