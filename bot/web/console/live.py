"""Live pages over Server-Sent Events.

``GET /console/live`` streams a ``change`` event whenever the floor changes: a case opened or
updated, a message or case event stored, the retrain job moved. The fingerprint is read from the
store, so changes made by any process (the bot, the REST API, another server) show up. Pages
then re-fetch themselves and swap their ``data-live`` regions (see static/console.js).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot.web.console.common import RETRAINER, runtime_of, viewer_of
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


async def live(request: web.Request) -> web.StreamResponse:
    """The event stream: ``change`` events with the new fingerprint, heartbeats in between."""
    viewer_of(request)
    runtime = runtime_of(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store"})
    await response.prepare(request)
    request.app[STREAMS].add(response)
    stopping = request.app[STOPPING]
    last: Any = None
    idle = 0.0
    poll = runtime.settings.console_live_poll_seconds
    with contextlib.suppress(ConnectionResetError, asyncio.CancelledError):
        while not stopping.is_set():
            current = (await asyncio.to_thread(fingerprint, runtime.db), _job(request))
            if current != last:
                await _send(response, "change", {"fp": repr(current), "first": last is None})
                last, idle = current, 0.0
            elif idle >= HEARTBEAT_SECONDS:
                await response.write(b": ping\n\n")
                idle = 0.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), poll)
            idle += poll
    return response


def _job(request: web.Request) -> tuple[str, int]:
    status = request.app[RETRAINER].status
    return (str(status.state), status.pct)


async def _send(response: web.StreamResponse, event: str, data: dict[str, Any]) -> None:
    await response.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())


async def _stop_streams(app: web.Application) -> None:
    # Open streams would otherwise hold a graceful shutdown until its timeout.
    app[STOPPING].set()


def setup_live(app: web.Application) -> None:
    app[STREAMS] = weakref.WeakSet()
    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(_stop_streams)
    app.router.add_get("/live", live)
