"""Demo data: orders whose dates are placed relative to the day the demo runs."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

_DAY_FIELDS = {"paid_days_ago": "paid_at", "shipped_days_ago": "shipped_at",
               "delivered_days_ago": "delivered_at"}


def render_demo_orders(source: Path, target: Path, today: date, timezone: str) -> int:
    """Turn ``*_days_ago`` offsets into ISO instants (10:00 shop time) and write an import file."""
    spec = json.loads(source.read_text(encoding="utf-8"))
    tz = ZoneInfo(timezone)
    rows = [_absolute(order, today, tz) for order in spec["orders"]]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(rows)


def _absolute(order: dict[str, Any], today: date, tz: ZoneInfo) -> dict[str, Any]:
    row = {k: v for k, v in order.items() if k not in _DAY_FIELDS and k != "branch"}
    for offset_field, field in _DAY_FIELDS.items():
        if offset_field in order:
            day = today - timedelta(days=int(order[offset_field]))
            row[field] = datetime.combine(day, time(10, 0), tzinfo=tz).isoformat()
    return row
