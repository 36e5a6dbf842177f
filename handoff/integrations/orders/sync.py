"""``aftersales orders sync FILE``: incremental re-import for the ``store`` source.

An order whose ``updated_at`` is newer than the stored one (or that has no ``updated_at`` to
compare) is written; an unchanged one is left alone; orders missing from the file are kept, so
a shop can send only what changed since the last export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from handoff.store.models.orders import Order
from handoff.store.order_import import parse_file, upsert_row


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    unchanged: int


def sync_orders(session: Session, path: Path, *, timezone: str, digest_key: str) -> SyncResult:
    """Validate the whole file (all or nothing, like import), then write what changed."""
    created = updated = unchanged = 0
    for row in parse_file(path, timezone):
        existing = session.get(Order, row["order_id"])
        if existing is not None and not _newer(row, existing):
            unchanged += 1
            continue
        upsert_row(session, row, digest_key)
        created, updated = (created + 1, updated) if existing is None else (created, updated + 1)
    session.flush()
    return SyncResult(created, updated, unchanged)


def _newer(row: dict[str, Any], existing: Order) -> bool:
    incoming = row.get("updated_at")
    if incoming is None or existing.updated_at is None:
        return True
    return bool(incoming > existing.updated_at)
