"""The app's background jobs, started and stopped with it: the one outbox worker (woken when a
transaction queues a reply, else polling) and the sweeper (overdue alerts, L1-flow timeouts,
open-case escalation) every ``AFTERSALES_SWEEP_INTERVAL_SECONDS``, in one worker at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from aiohttp import web

from bot.runtime import Runtime
from bot.workers.models import ModelFollower
from bot.workers.singleton import singleton

log = logging.getLogger(__name__)
CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def background_jobs(runtime: Runtime) -> list[CleanupContext]:
    """Cleanup contexts for the app: the outbox worker (every worker: rows are leased with
    SKIP LOCKED), and the sweeper unless disabled (one worker: under the "sweeper" lease)."""
    jobs = [_task(runtime.outbox.run, "outbox")]
    follow = runtime.settings.model_follow_seconds
    if follow > 0:  # every worker: each holds its own copy of the model
        follower = ModelFollower(runtime.db, runtime.models, runtime.settings.nlu_model_path)
        jobs.append(_task(lambda: follower.run(follow), "model-follower"))
    interval = runtime.settings.sweep_interval_seconds
    if interval > 0:
        sweeper = _task(lambda: _sweep_forever(runtime, interval), "sweeper")
        jobs.append(singleton(runtime.leases, "sweeper", runtime.settings.lease_retry_seconds,
                              (sweeper,)))
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
