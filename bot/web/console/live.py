"""Live pages over Server-Sent Events.

``GET /console/live`` streams a ``change`` event whenever the floor changes: a case opened or
updated, a message or case event stored, the retrain job moved. Streams wait on the store's
change feed (`handoff.store.changes`): a commit in this process wakes them at once, and on
PostgreSQL so does a commit in any other worker (its NOTIFY reaches this worker's one LISTEN
connection). One fingerprint read per change serves every stream of the worker; the read also
runs every ``change_feed_check_seconds`` as a safety net, and every
``console_live_poll_seconds`` while the feed cannot hear the other workers. A stream sends at
most one event per ``console_live_gap_seconds``. Pages then re-fetch themselves and swap their
``data-live`` regions (see static/console.js).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import weakref
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot.web.console.common import RETRAINER, RUNTIME, viewer_of
from handoff.store.changes import Topic
from handoff.store.db import Database
from handoff.store.models import Case, CaseEvent, Message

HEARTBEAT_SECONDS = 15.0  # a comment line keeps proxies from closing an idle stream
STREAMS = web.AppKey("console_streams", weakref.WeakSet[web.StreamResponse])
STOPPING = web.AppKey("console_stopping", asyncio.Event)


def fingerprint(db: Database) -> tuple[Any, ...]:
    """A cheap summary that changes whenever a case, message or case event is written."""
    with db.session() as session:
        cases = session.execute(select(func.count(Case.id), func.max(Case.updated_at))).one()
        message = session.scalar(select(func.max(Message.id)))
        event = session.scalar(select(func.max(CaseEvent.id)))
    return (cases[0], str(cases[1]), message, event)


class Floor:
    """The floor's fingerprint for every stream of this worker: read again only when the feed
    moved, or when the last read is older than the fallback interval."""

    def __init__(self, db: Database, *, poll: float, check: float, gap: float = 0.0) -> None:
        self.feed, self._db, self._poll, self._check = db.changes, db, poll, check
        self.gap = gap  # the shortest time between two change events of one stream
        self._lock = asyncio.Lock()  # streams woken together share one read
        self._version, self._read_at, self._value = -1, 0.0, ()

    @property
    def interval(self) -> float:
        """How long a stream may sleep without a wake-up from the feed."""
        return min(self._poll, self._check)

    async def fingerprint(self) -> tuple[Any, ...]:
        async with self._lock:
            version = self.feed.version(Topic.FLOOR)  # before the read: a later change re-reads
            max_age = self._check if self.feed.listening else self._poll
            if version != self._version or time.monotonic() - self._read_at >= max_age:
                self._value = await asyncio.to_thread(fingerprint, self._db)
                self._version, self._read_at = version, time.monotonic()
            return self._value


FLOOR = web.AppKey("console_floor", Floor)


async def live(request: web.Request) -> web.StreamResponse:
    """The event stream: ``change`` events with the new fingerprint, heartbeats in between."""
    viewer_of(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store"})
    await response.prepare(request)
    request.app[STREAMS].add(response)
    with contextlib.suppress(ConnectionResetError, asyncio.CancelledError):
        await _stream(request, response)
    return response


async def _stream(request: web.Request, response: web.StreamResponse) -> None:
    floor, stopping = request.app[FLOOR], request.app[STOPPING]
    last: Any = None
    quiet_since = time.monotonic()
    while not stopping.is_set():
        seen = floor.feed.version(Topic.FLOOR)
        current = (await floor.fingerprint(), _job(request))
        if current != last:
            await _send(response, "change", {"fp": repr(current), "first": last is None})
            last, quiet_since = current, time.monotonic()
            # A turn commits several times: the page re-fetches once per gap, not per commit
            # (changes meanwhile moved the version past ``seen``: the wait below returns).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(floor.gap):
                    await stopping.wait()
        elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
            await response.write(b": ping\n\n")
            quiet_since = time.monotonic()
        # The retrain job lives in this process and tells no feed: checked every interval.
        await floor.feed.wait(Topic.FLOOR, seen, min(floor.interval, HEARTBEAT_SECONDS),
                              stopping)


def _job(request: web.Request) -> tuple[str, int]:
    status = request.app[RETRAINER].status
    return (str(status.state), status.pct)


async def _send(response: web.StreamResponse, event: str, data: dict[str, Any]) -> None:
    await response.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())


async def _stop_streams(app: web.Application) -> None:
    # Open streams would otherwise hold a graceful shutdown until its timeout.
    app[STOPPING].set()


def setup_live(app: web.Application) -> None:
    runtime = app[RUNTIME]
    settings = runtime.settings
    app[FLOOR] = Floor(runtime.db, poll=settings.console_live_poll_seconds,
                       check=settings.change_feed_check_seconds,
                       gap=settings.console_live_gap_seconds)
    app[STREAMS] = weakref.WeakSet()
    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(_stop_streams)
    app.router.add_get("/live", live)
