"""The figures: turns/s, latency percentiles, errors, outbox delay (read from the store after
the run, while the servers still run: from the return of each agent reply's API call to its
outbox row's ``sent_at``), the push side of that delay (see `bot.bench.push`), peak RSS per
worker."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.bench.driver import Tally
from handoff.store.db import Database
from handoff.store.models import OutboxMessage


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass(frozen=True)
class Delays:
    """Outbox delivery of the agents' replies: how many were sent, and their delay (s)."""

    queued: int
    delays: tuple[float, ...]


def outbox_delays(database_url: str, replied: dict[int, float], wait: float = 10.0) -> Delays:
    """The delay of every agent reply in ``replied`` (message id → when its API call returned,
    epoch seconds; the server's clock is this machine's). Waits up to ``wait`` seconds for the
    last ones to be sent, so a reply still in flight when the load ends is not counted as
    undelivered (call it before stopping the servers)."""
    database = Database(database_url)
    deadline = time.monotonic() + wait
    try:
        while True:
            sent = _sent_at(database, set(replied))
            if len(sent) == len(replied) or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    finally:
        database.dispose()
    return Delays(len(replied), tuple(at.timestamp() - replied[message_id]
                                      for message_id, at in sent.items()))


def _sent_at(database: Database, message_ids: set[int]) -> dict[int, datetime]:
    if not message_ids:
        return {}
    with database.read_session() as session:  # polled: never queue for the servers' writer
        rows = session.execute(select(OutboxMessage.message_id, OutboxMessage.sent_at)
                               .where(OutboxMessage.message_id.in_(message_ids),
                                      OutboxMessage.sent_at.is_not(None))).all()
    return {int(message_id): at for message_id, at in rows
            if message_id is not None and at is not None}


def render(*, label: str, tally: Tally, seconds: float, delays: Delays,
           rss_mb: list[float], pushed: Delays | None = None) -> str:
    """The printed report, one figure a line."""
    ms = [t * 1000 for t in tally.turns]
    agent_ms = [t * 1000 for t in tally.agent_calls]
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) or "none"
    lines = [
        label,
        f"turns:          {len(ms)} in {seconds:.2f} s = {len(ms) / seconds:.1f} turns/s",
        f"turn latency:   p50 {percentile(ms, 50):.1f} ms  p95 {percentile(ms, 95):.1f} ms  "
        f"p99 {percentile(ms, 99):.1f} ms  max {max(ms, default=0):.1f} ms",
        f"errors:         {sum(tally.errors.values())} ({errors})",
        f"handoffs:       {tally.handoffs}; agent API calls p50 {percentile(agent_ms, 50):.1f} ms"
        f"  p99 {percentile(agent_ms, 99):.1f} ms",
        f"outbox:         {len(delays.delays)}/{delays.queued} agent replies delivered; delay "
        f"after the API call p50 {percentile([d * 1000 for d in delays.delays], 50):.1f} ms  "
        f"p99 {percentile([d * 1000 for d in delays.delays], 99):.1f} ms",
        "peak RSS:       " + ", ".join(f"{mb:.0f} MB" for mb in rss_mb) + " (per worker)",
    ]
    if pushed is not None:
        lines.insert(-1, f"pushed:         {len(pushed.delays)}/{pushed.queued} agent replies "
                         f"reached the webhook (the server's outbox); delay after the API call "
                         f"p50 {percentile([d * 1000 for d in pushed.delays], 50):.1f} ms  "
                         f"p99 {percentile([d * 1000 for d in pushed.delays], 99):.1f} ms")
    return "\n".join(lines)
