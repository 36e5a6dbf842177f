"""Singleton jobs: background work (sweeper, Telegram polling and the agent group) that
exactly one worker runs, under a lease (`handoff.store.leases`). Every worker asks for the lease
every ``AFTERSALES_LEASE_RETRY_SECONDS``; the holder runs the job and checks it still holds the
lease as often; when the holder dies another worker takes the job over within that interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from handoff.store.leases import Leases

log = logging.getLogger(__name__)
Lifespan = Callable[[web.Application], AsyncIterator[None]]


def singleton(leases: Leases, name: str, retry_seconds: float,
              lifespans: tuple[Lifespan, ...]) -> Lifespan:
    """One cleanup context that runs ``lifespans`` only while this worker holds ``name``."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_lead(app, leases, name, retry_seconds, lifespans),
                                   name=f"lease-{name}")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return ctx


async def _lead(app: web.Application, leases: Leases, name: str, retry: float,
                lifespans: tuple[Lifespan, ...]) -> None:
    while True:
        if await asyncio.to_thread(leases.hold, name):
            log.info("lease %s taken: this worker runs it", name)
            await _run_while_held(app, leases, name, retry, lifespans)
            log.warning("lease %s lost: another worker takes it over", name)
        await asyncio.sleep(retry)


async def _run_while_held(app: web.Application, leases: Leases, name: str, retry: float,
                          lifespans: tuple[Lifespan, ...]) -> None:
    running: list[AsyncIterator[None]] = []
    try:
        for lifespan in lifespans:
            generator = lifespan(app)
            await generator.__anext__()
            running.append(generator)
        while await asyncio.to_thread(leases.hold, name):
            await asyncio.sleep(retry)
    finally:
        for generator in reversed(running):
            with contextlib.suppress(StopAsyncIteration):
                await generator.__anext__()
