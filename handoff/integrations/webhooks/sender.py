"""The outbox `Sender` for the ``webhook`` channel: POST the event, signed at send time.

A 2xx is delivered; anything else (timeout, refused connection, 4xx, 5xx) is a DeliveryError
and the outbox retries with backoff, holding the endpoint's later events back so they arrive in
order. 410 Gone is permanent: the receiver says it will never take events again."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from handoff.integrations.webhooks.config import WebhooksConfig
from handoff.integrations.webhooks.signature import HEADER, signature
from handoff.store.clock import Clock
from handoff.store.outbox import DeliveryError


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed (stable key order, UTF-8)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


_THREADS = 2  # deliveries at once; the outbox sends one endpoint's events in order anyway


class WebhookSender:
    def __init__(self, config: WebhooksConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        # Threads of its own: in asyncio's default pool a delivery would queue behind every
        # customer turn the channels run there (seconds under load, for a reply already sent).
        self._threads = ThreadPoolExecutor(_THREADS, thread_name_prefix="webhook")

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        endpoint = self._config.named(recipient)
        if endpoint is None:
            raise DeliveryError(f"no webhook endpoint named {recipient!r} is configured")
        body = body_bytes(payload)
        headers = {"Content-Type": "application/json",
                   HEADER: signature(endpoint.secret, body, int(self._clock.now().timestamp())),
                   "X-Aftersales-Event": str(payload.get("type", ""))}
        request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")
        # urllib in a worker thread: the handoff side stays free of any web framework.
        status = await asyncio.get_running_loop().run_in_executor(self._threads, self._post,
                                                                  request)
        if not 200 <= status < 300:
            raise DeliveryError(f"{endpoint.url} answered HTTP {status}", permanent=status == 410)

    def _post(self, request: urllib.request.Request) -> int:
        try:
            with urllib.request.urlopen(request, timeout=self._config.timeout_seconds) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            return int(exc.code)
        except (OSError, ValueError) as exc:  # refused, reset, timeout, bad URL
            raise DeliveryError(f"{request.full_url}: {exc!r}"[:500]) from exc
