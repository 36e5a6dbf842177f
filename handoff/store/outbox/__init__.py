"""The outbox: every message to a customer is written here in the same transaction as the
message itself, then delivered by `OutboxWorker` with retries and backoff.

port (what channels hand the worker) → rows (the table's operations) → worker (the rounds).
"""

from handoff.store.outbox.port import Delivery, DeliveryError, PulledByCustomer, Sender
from handoff.store.outbox.rows import (
    LEASE,
    MAX_BACKOFF,
    enqueue,
    hold_back,
    lease_due,
    mark_failed,
    mark_pulled,
    mark_sent,
    note_queued,
    pending_count,
    retry_delay,
    send_to_customer,
)
from handoff.store.outbox.worker import OutboxWorker

__all__ = ["LEASE", "MAX_BACKOFF", "Delivery", "DeliveryError", "OutboxWorker",
           "PulledByCustomer", "Sender", "enqueue", "hold_back", "lease_due", "mark_failed",
           "mark_pulled", "mark_sent", "note_queued", "pending_count", "retry_delay",
           "send_to_customer"]
