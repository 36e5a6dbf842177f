"""The app's background jobs, started and stopped with it: the one outbox worker (woken when a
transaction queues a reply, else polling) and the sweeper (overdue alerts, L1-flow timeouts,
open-case escalation) every ``AFTERSALES_SWEEP_INTERVAL_SECONDS``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from aiohttp import web

from bot.runtime import Runtime

log = logging.getLogger(__name__)
CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def background_jobs(runtime: Runtime) -> list[CleanupContext]:
    """Cleanup contexts for the app: the outbox worker, and the sweeper unless disabled."""
    jobs = [_task(runtime.outbox.run, "outbox")]
    interval = runtime.settings.sweep_interval_seconds
    if interval > 0:
        jobs.append(_task(lambda: _sweep_forever(runtime, interval), "sweeper"))
    return jobs


def _task(run: Callable[[], Coroutine[Any, Any, None]], name: str) -> CleanupContext:
    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run(), name=name)
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return ctx


async def _sweep_forever(runtime: Runtime, interval: float) -> None:
    def once() -> None:
        with runtime.db.session() as session:
            runtime.sweeper.sweep(session)

    while True:
        await asyncio.sleep(interval)  # first round after one interval, not during start-up
        try:
            await asyncio.to_thread(once)
        except Exception:
            log.exception("sweep failed; retrying next round")
