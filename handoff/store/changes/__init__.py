"""The change feed: who wrote the floor, told to whoever shows it.

A transaction that writes a case, a case event, a message or a model deployment marks its
session (`marks`); its commit wakes this process's subscribers (`feed`) and, on PostgreSQL, a
``NOTIFY`` queued inside the transaction reaches the other workers, where one LISTEN connection
per process publishes it to that process's feed (`listener`). SQLite (one process) has the
in-process path only. Live console pages and the model follower wait on the feed instead of
polling; a slow poll stays as their safety net.
"""

from handoff.store.changes.feed import ChangeFeed, Topic
from handoff.store.changes.marks import CHANNEL, watch

__all__ = ["CHANNEL", "ChangeFeed", "Topic", "watch"]
