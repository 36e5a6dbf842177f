"""E-mail alerts to supervisors: a new P1 case, an overdue (红头) step.

Queued in the outbox in the same transaction as the event that causes them (the case opening,
the sweeper's notification), so an alert is never lost to a crash and never sent twice: the
outbox's dedupe key is one per (event, address), and its worker retries with backoff until the
SMTP server takes the mail. The payload holds facts, not prose: the e-mail channel words the
mail in ``AFTERSALES_ALERT_LOCALE`` from its templates.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handoff.config.settings import Settings
from handoff.store.models.cases import Case
from handoff.store.models.chat import OutboxMessage
from handoff.store.outbox import enqueue

EMAIL_CHANNEL = "email"


class AlertKind(StrEnum):
    NEW_P1 = "new_p1"
    OVERDUE_FIRST = "overdue_first"
    OVERDUE_RESOLVE = "overdue_resolve"


def queue_alert(session: Session, settings: Settings, case: Case, kind: AlertKind, step: int,
                now: datetime) -> int:
    """One outbox row per supervisor address (none when e-mail alerts are not configured);
    returns how many were queued. ``step`` tells repeats apart (reopen count, overdue step)."""
    if not settings.email_alerts:
        return 0
    payload = alert_payload(case, kind, step, settings)
    queued = 0
    for address in settings.supervisor_emails:
        key = f"alert:{kind}:{case.id}:{step}:{_digest(address)}"
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue  # this event was already mailed (a case escalated twice while P1)
        try:
            with session.begin_nested():  # the unique key is the real guard (two sweepers)
                enqueue(session, channel=EMAIL_CHANNEL, recipient=address,
                        payload=dict(payload), now=now, dedupe_key=key)
        except IntegrityError:
            continue
        queued += 1
    return queued


def alert_payload(case: Case, kind: AlertKind, step: int, settings: Settings) -> dict[str, Any]:
    """The facts the mail is worded from (strings only: the payload is stored as JSON)."""
    due = case.first_response_due if kind is AlertKind.OVERDUE_FIRST else case.resolution_due
    return {"kind": kind.value, "step": step, "case_number": case.number,
            "priority": str(case.priority), "queue": case.queue, "reason": case.reason or "",
            "order_id": case.order_id or "", "due": due.isoformat() if due else "",
            "locale": settings.alert_locale or settings.default_locale}


def _digest(address: str) -> str:
    # Addresses can be 254 characters; the dedupe key column holds 160.
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]
