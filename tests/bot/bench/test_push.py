"""The push probe: while the load runs, replies queued on the probe's channel are POSTed by its
own outbox worker to a local HTTP server, and each one's delay is measured."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.bench.push import CHANNEL, probe_during
from handoff.store.db import Database
from handoff.store.models import OutboxMessage, OutboxStatus


async def _load() -> str:
    await asyncio.sleep(0.3)
    return "load done"


async def test_every_probe_reply_reaches_the_local_http_server_and_is_recorded_sent(
    db: Database
) -> None:
    result, delays, queued = await probe_during(_load(), db.url, interval=0.05)
    assert result == "load done"
    assert queued >= 2 and len(delays) == queued
    with db.session() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert {(r.channel, r.status) for r in rows} == {(CHANNEL, OutboxStatus.SENT)}
    assert len(rows) == queued
