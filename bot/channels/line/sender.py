"""Delivers stored replies to LINE: the outbox `Sender` for the ``line`` channel.

A reply token (free, but single-use and short-lived) is used when the customer's latest event
left one that is still fresh; otherwise, or when LINE refuses the token, the push API is used.
Failures are translated for the outbox worker: 429 and 5xx and network errors retry (429 after
``Retry-After`` when LINE sends it); other 4xx are permanent (the row is parked and the
customer marked unreachable).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import ClientError
from linebot.v3.messaging import (
    AsyncMessagingApi,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from bot.channels.line.convert import batches, line_messages
from bot.messages import OutboundMessage
from handoff.store.clock import Clock
from handoff.store.outbox import DeliveryError

log = logging.getLogger(__name__)

REPLY_TOKEN_TTL = timedelta(seconds=50)  # LINE: use a reply token within about a minute
PRUNE_ABOVE = 1024  # recipients remembered before the expired tokens are forgotten


@dataclass(frozen=True)
class _Token:
    value: str
    received_at: datetime


class ReplyTokens:
    """The freshest unused reply token per recipient (in memory: after a restart, push)."""

    def __init__(self, clock: Clock, ttl: timedelta = REPLY_TOKEN_TTL) -> None:
        self._clock = clock
        self._ttl = ttl
        self._tokens: dict[str, _Token] = {}

    def __len__(self) -> int:
        return len(self._tokens)

    def remember(self, recipient: str, token: str, received_at: datetime) -> None:
        self._tokens[recipient] = _Token(token, received_at)
        if len(self._tokens) > PRUNE_ABOVE:  # a token nobody took must not stay per customer
            oldest = self._clock.now() - self._ttl
            for stale in [r for r, t in self._tokens.items() if t.received_at < oldest]:
                del self._tokens[stale]

    def take(self, recipient: str) -> str | None:
        """A token still valid for ``recipient``, used up by taking it."""
        token = self._tokens.pop(recipient, None)
        if token is None or self._clock.now() - token.received_at > self._ttl:
            return None
        return token.value


def delivery_error(exc: Exception) -> DeliveryError:
    if isinstance(exc, ApiException):
        status = int(exc.status or 0)
        reason = f"LINE {status}: {exc.body or exc.reason}"
        if status == 429 or status >= 500 or status in (0, 401):
            return DeliveryError(reason, retry_after=_retry_after(exc))
        return DeliveryError(reason, permanent=True)
    return DeliveryError(f"{type(exc).__name__}: {exc}")


def _retry_after(exc: ApiException) -> float | None:
    headers = exc.headers or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class LineSender:
    """Sends one outbox payload to a LINE user (reply API when possible, else push)."""

    def __init__(self, api: AsyncMessagingApi, tokens: ReplyTokens) -> None:
        self._api = api
        self._tokens = tokens

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver ``payload`` to ``recipient`` or raise `DeliveryError`."""
        groups = batches(line_messages(OutboundMessage.from_payload(payload)))
        try:
            for index, group in enumerate(groups):
                if index == 0 and await self._reply(recipient, group):
                    continue
                await self._api.push_message(PushMessageRequest(to=recipient, messages=group))
        except (ApiException, ClientError, TimeoutError) as exc:
            raise delivery_error(exc) from exc

    async def _reply(self, recipient: str, group: list[Message]) -> bool:
        token = self._tokens.take(recipient)
        if token is None:
            return False
        try:
            await self._api.reply_message(ReplyMessageRequest(replyToken=token, messages=group))
        except ApiException as exc:
            if exc.status != 400:
                raise
            log.info("LINE refused the reply token for %s (%s); pushing", recipient, exc.body)
            return False
        return True
