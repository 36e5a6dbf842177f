"""The outbox's port: what a channel hands the outbox worker (a `Sender`, or `PulledByCustomer`
for a channel whose customers fetch their messages), the failure a sender raises, and one
leased row to deliver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class DeliveryError(Exception):
    """A send failed. ``retry_after`` (seconds) comes from the platform (Telegram 429);
    ``permanent`` means retrying cannot help (the row is parked as dead)."""

    def __init__(self, reason: str, *, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


class Sender(Protocol):
    """A channel's way to push one stored reply to a customer (the port channels implement)."""

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver ``payload`` (``{"text", "buttons", "images"}``) or raise DeliveryError."""


class PulledByCustomer:
    """Registered instead of a `Sender` by a channel whose customers fetch the stored messages
    themselves (the web chat widget polls the messages table, which never looks at the outbox).

    There is nothing to push: a reply is delivered the moment its transaction commits, so it is
    recorded as sent in that same transaction, without a lease, a send or a wake-up (every
    write transaction of the outbox's own would wait for SQLite's one write lock, which
    customer turns wait for too). ``sent_at`` is then the time of that transaction."""


@dataclass(frozen=True)
class Delivery:
    """One leased row: what to send to whom, and which attempt this is."""

    id: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    attempts: int
