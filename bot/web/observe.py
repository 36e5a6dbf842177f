"""What operators watch: the one-line access log and the Prometheus metrics.

The access log has one line per request — method, path (never the query string: web chat
tokens may travel there), status, duration — under the ``aftersales.access`` logger; aiohttp's
own access log (which prints the query) is switched off by ``aftersales serve``. Metrics live in
a registry per app (tests build many apps); the database-backed ones (outbox backlog, cases) are
read at scrape time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.channels.health import CHANNEL_HEALTH
from bot.http.errors import Handler
from bot.messages import InboundMessage, OutboundMessage
from bot.runtime import Runtime
from handoff.store.models import Case, OutboxMessage
from handoff.store.models.enums import OutboxStatus

access_log = logging.getLogger("aftersales.access")
WEBHOOKS = ("/line/webhook", "/telegram/")


class Metrics:
    """The app's metrics and their registry."""

    def __init__(self, runtime: Runtime, app: web.Application) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter("aftersales_turns", "customer turns handled", ["channel"],
                             registry=self.registry)
        self.turn_seconds = Histogram("aftersales_turn_seconds", "time to handle one turn",
                                      registry=self.registry)
        self.requests = Histogram("aftersales_http_request_seconds",
                                  "request duration by route (/model/parse is the parse latency)",
                                  ["route", "status"], registry=self.registry)
        self.rejections = Counter("aftersales_webhook_rejections",
                                  "webhook calls answered 4xx", ["path"], registry=self.registry)
        self.registry.register(_StoreCollector(runtime, app))

    def count_turn(self, message: InboundMessage, started: float) -> None:
        self.turns.labels(message.channel).inc()
        self.turn_seconds.observe(time.monotonic() - started)


class _StoreCollector(Collector):
    """Read at scrape time: outbox backlog and its oldest pending age, cases opened, and each
    channel's retry count."""

    def __init__(self, runtime: Runtime, app: web.Application) -> None:
        self._runtime, self._app = runtime, app

    def collect(self) -> Iterator[Any]:
        backlog, oldest = outbox_backlog(self._runtime)
        yield GaugeMetricFamily("aftersales_outbox_backlog", "replies not yet delivered",
                                value=backlog)
        yield GaugeMetricFamily("aftersales_outbox_oldest_pending_seconds",
                                "age of the oldest undelivered reply (delivery delay)",
                                value=oldest)
        with self._runtime.db.read_session() as session:
            cases = session.scalar(select(func.count()).select_from(Case)) or 0
        yield CounterMetricFamily("aftersales_handoffs", "cases opened by hand-offs",
                                  value=cases)
        retries = CounterMetricFamily("aftersales_channel_errors",
                                      "failed attempts to reach a platform", labels=["channel"])
        for health in self._app.get(CHANNEL_HEALTH, []):
            retries.add_metric([health.name], health.retries)
        yield retries


def outbox_backlog(runtime: Runtime) -> tuple[int, float]:
    """Pending outbox rows and the age in seconds of the oldest one (0 when none)."""
    with runtime.db.read_session() as session:
        count, oldest = session.execute(
            select(func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status == OutboxStatus.PENDING)).one()
    return int(count or 0), _age(runtime, oldest)


def _age(runtime: Runtime, since: datetime | None) -> float:
    if since is None:
        return 0.0
    return max(0.0, round((runtime.clock.now() - since).total_seconds(), 1))


def observed(metrics: Metrics) -> Any:
    """The outermost middleware: one access-log line and the request metrics."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started, status = time.monotonic(), 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            _record(metrics, request, status, time.monotonic() - started)

    return middleware


def _record(metrics: Metrics, request: web.Request, status: int, seconds: float) -> None:
    resource = request.match_info.route.resource if request.match_info else None
    route = resource.canonical if resource is not None else "unmatched"
    metrics.requests.labels(route, str(status)).observe(seconds)
    if 400 <= status < 500 and request.path.startswith(WEBHOOKS):
        metrics.rejections.labels(request.path).inc()
    access_log.info("%s %s %d %.1fms", request.method, request.path, status, seconds * 1000)


def metered(handle: Any, metrics: Metrics) -> Any:
    """The engine's ``handle``, counting turns and their duration."""

    def run(message: InboundMessage) -> list[OutboundMessage]:
        started = time.monotonic()
        replies: list[OutboundMessage] = handle(message)
        metrics.count_turn(message, started)
        return replies

    return run
