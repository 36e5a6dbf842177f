"""Webhook deliveries as supervisors see them (status, attempts, last error), and "send
again", which puts one delivery back in the outbox to go out now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.integrations.webhooks.emitter import CHANNEL
from handoff.store.models import OutboxMessage, OutboxStatus
from handoff.store.outbox import note_queued


@dataclass(frozen=True)
class DeliveryView:
    id: int
    endpoint: str
    event: str
    case_number: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def recent_deliveries(session: Session, limit: int = 100) -> list[DeliveryView]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == CHANNEL)
                           .order_by(OutboxMessage.id.desc()).limit(limit))
    return [DeliveryView(r.id, r.recipient, str(r.payload.get("type", "")),
                         str((r.payload.get("case") or {}).get("number", "")), str(r.status),
                         r.attempts, r.last_error, r.created_at, r.sent_at) for r in rows]


def send_again(session: Session, delivery_id: int, now: datetime) -> bool:
    """Queue the delivery again (same body and event id, so a receiver can tell it is a
    repeat); False when there is no such webhook delivery."""
    row = session.get(OutboxMessage, delivery_id)
    if row is None or row.channel != CHANNEL:
        return False
    row.status = OutboxStatus.PENDING
    row.next_attempt_at = now
    row.last_error = ""
    note_queued(session)
    return True
