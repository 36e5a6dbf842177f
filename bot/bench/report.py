"""The figures: turns/s, latency percentiles, errors, outbox delay (read from the store after
the run: ``sent_at - created_at`` of every agent reply), peak RSS per worker."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.bench.driver import Tally
from handoff.store.db import Database
from handoff.store.models import Author, Message, OutboxMessage


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


def outbox_delays(database_url: str) -> Delays:
    database = Database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(OutboxMessage.created_at, OutboxMessage.sent_at)
                .join(Message, Message.id == OutboxMessage.message_id)
                .where(Message.author == Author.AGENT)).all()
    finally:
        database.dispose()
    return Delays(len(rows), tuple((sent - created).total_seconds()
                                   for created, sent in rows if sent is not None))


def render(*, label: str, tally: Tally, seconds: float, delays: Delays,
           rss_mb: list[float]) -> str:
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
        f"p50 {percentile([d * 1000 for d in delays.delays], 50):.1f} ms  "
        f"p99 {percentile([d * 1000 for d in delays.delays], 99):.1f} ms",
        "peak RSS:       " + ", ".join(f"{mb:.0f} MB" for mb in rss_mb) + " (per worker)",
    ]
    return "\n".join(lines)
