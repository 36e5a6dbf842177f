"""`ChannelHealth`: whether a channel reached its platform, for ``/readyz``.

A channel that must reach its platform at start-up (Telegram: ``deleteWebhook`` before long
polling, ``setWebhook`` in webhook mode) starts ``starting``, is ``retrying`` while the platform
does not answer (with the last error and the retry count) and ``connected`` once it did.
Channels that only receive (the web chat, LINE's webhook) are ``connected`` from the start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class ChannelHealth:
    """Mutable on purpose: the channel's start-up task updates it, ``/readyz`` reads it."""

    name: str
    state: str = "starting"
    detail: str = ""
    retries: int = 0
    since: float = field(default_factory=time.monotonic)

    def connected(self) -> None:
        self.state, self.detail, self.since = "connected", "", time.monotonic()

    def retrying(self, detail: str) -> None:
        if self.state != "retrying":
            self.since = time.monotonic()
        self.state, self.detail, self.retries = "retrying", detail, self.retries + 1

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "detail": self.detail, "retries": self.retries,
                "for_seconds": round(time.monotonic() - self.since, 1)}


CHANNEL_HEALTH = web.AppKey("channel_health", list[ChannelHealth])
