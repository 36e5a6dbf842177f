"""``--push-probe``: a push sender's delay under the bench's load. The web chat's replies are
pulled by the widget, so the bench's own agent replies never cross a network; this probe does.

The bench process runs its own `OutboxWorker` on the servers' database, for a channel of its
own, with a sender that POSTs each reply to a local HTTP server (the platform's side of the
seam). Every ``interval`` the probe commits one reply; its delay runs from that commit's return
to the HTTP server receiving it, while the customers' turns hold the same database."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from bot.bench.servers import free_port
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.outbox import DeliveryError, OutboxWorker, enqueue

CHANNEL = "bench-push"  # no server registers it: only the probe's worker delivers these rows
T = TypeVar("T")


class Platform:
    """The local HTTP server standing in for a chat platform: notes when each probe arrived."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self.url = ""

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.arrived.setdefault(int(body["probe"]), time.time())
        return web.json_response({"ok": True})


class HttpSender:
    """The probe channel's `Sender`: one POST per reply, like a platform's send API."""

    def __init__(self, client: aiohttp.ClientSession, url: str) -> None:
        self._client, self._url = client, url

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        try:
            async with self._client.post(self._url, json=payload) as answer:
                if answer.status != 200:
                    raise DeliveryError(f"HTTP {answer.status}")
        except aiohttp.ClientError as exc:
            raise DeliveryError(repr(exc)) from exc


def _queue(database: Database, probe: int) -> float:
    """Commit one probe reply (as a turn would); when the commit returned."""
    with database.session() as session:
        enqueue(session, channel=CHANNEL, recipient=f"probe-{probe % 4}",
                payload={"text": f"probe {probe}", "probe": probe}, now=SystemClock().now())
    return time.time()


async def probe_during(load: Awaitable[T], database_url: str,
                       interval: float = 0.1) -> tuple[T, list[float], int]:
    """Run ``load`` while probing; its result, the delays (s) of the probes that arrived, and
    how many were queued (the last ones get 5 s to arrive once the load is over)."""
    platform = Platform()
    runner: web.AppRunner | None = None
    database = Database(database_url)
    try:
        runner, url = await _start(platform)
        async with aiohttp.ClientSession() as client:
            worker = OutboxWorker(database, SystemClock(), {CHANNEL: HttpSender(client, url)})
            delivering = asyncio.create_task(worker.run())
            try:
                result, queued = await _probe(load, database, interval)
                await _settle(platform, len(queued))
            finally:
                delivering.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await delivering
    finally:
        if runner is not None:
            await runner.cleanup()
        database.dispose()
    delays = [platform.arrived[n] - at for n, at in queued.items() if n in platform.arrived]
    return result, delays, len(queued)


async def _probe(load: Awaitable[T], database: Database,
                 interval: float) -> tuple[T, dict[int, float]]:
    queued: dict[int, float] = {}
    running = asyncio.ensure_future(load)
    while not running.done():
        probe = len(queued)
        queued[probe] = await asyncio.to_thread(_queue, database, probe)
        await asyncio.wait({running}, timeout=interval)
    return running.result(), queued


async def _settle(platform: Platform, queued: int, wait: float = 5.0) -> None:
    deadline = time.monotonic() + wait
    while len(platform.arrived) < queued and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def _start(platform: Platform) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/send", platform.receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/send"
