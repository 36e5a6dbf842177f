"""Runs the `OutboxWorker` for the senders the channels registered, for the app's lifetime."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from bot.runtime import Runtime
from bot.web.keys import RUNTIME, SENDERS
from handoff.store.outbox import OutboxWorker, Sender


async def _worker(app: web.Application) -> AsyncIterator[None]:
    runtime = app[RUNTIME]
    senders: dict[str, Sender] = app[SENDERS]
    worker = OutboxWorker(runtime.db, runtime.clock, senders)
    task = asyncio.create_task(worker.run(), name="outbox")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def setup_outbox(app: web.Application, runtime: Runtime) -> None:
    """Call last: it delivers through every sender registered before it starts."""
    app.cleanup_ctx.append(_worker)
