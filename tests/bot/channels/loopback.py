"""Serve an aiohttp application on a loopback port for the duration of a test."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from handoff.store.outbox import OutboxWorker
from tests.bot.channels.tg_emulator import free_port


@asynccontextmanager
async def serving(app: web.Application, port: int | None = None) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1 and yield its base URL."""
    port = port or free_port()
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` holds (work happens in other tasks); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def delivering(worker: OutboxWorker) -> AsyncIterator[OutboxWorker]:
    """Run the outbox worker a channel under test registered its sender with (in the product
    the app runs the one worker)."""
    task = asyncio.create_task(worker.run(), name="test-outbox")
    try:
        yield worker
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
