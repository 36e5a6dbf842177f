"""This process's change feed: a version counter per topic, and asyncio waiters woken from any
thread (the thread that committed, or the LISTEN thread)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """What changed; also the whole payload of a NOTIFY (with the sender's origin): no ids, no
    text, so nothing personal ever travels through PostgreSQL's notification queue."""

    FLOOR = "floor"  # cases, case events, messages: what the console's live pages show
    MODEL = "model"  # a model deployment: every worker swaps to it


@dataclass(frozen=True, eq=False)
class _Waiter:
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event
    topic: Topic

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # its loop closed meanwhile: nobody to wake
            self.loop.call_soon_threadsafe(self.event.set)


class ChangeFeed:
    """Versions per topic and the waiters on them; thread-safe."""

    def __init__(self, *, shared: bool) -> None:
        self.shared = shared  # PostgreSQL: other processes write too
        # Tags this process's NOTIFYs, so its own listener skips what its commits already told.
        self.origin = uuid.uuid4().hex[:12]
        self._lock = threading.Lock()
        self._versions = dict.fromkeys(Topic, 0)
        self._waiters: set[_Waiter] = set()
        self._listening = not shared

    @property
    def listening(self) -> bool:
        """Whether every commit reaches this feed: always on SQLite (one process writes); on
        PostgreSQL only while the LISTEN connection is up. Waiters poll faster when it is not."""
        return self._listening

    def set_listening(self, listening: bool) -> None:
        self._listening = listening or not self.shared

    def version(self, topic: Topic) -> int:
        with self._lock:
            return self._versions[topic]

    def publish(self, topics: Iterable[Topic]) -> None:
        """``topics`` changed (a commit here, a NOTIFY from elsewhere): wake their waiters."""
        changed = set(topics)
        with self._lock:
            for topic in changed:
                self._versions[topic] += 1
            waiters = [w for w in self._waiters if w.topic in changed]
        for waiter in waiters:
            waiter.wake()

    async def wait(self, topic: Topic, seen: int, timeout: float,
                   *also: asyncio.Event) -> int:
        """Until ``topic`` moves past version ``seen``, ``timeout`` passes or one of ``also``
        is set; the topic's version then."""
        waiter = _Waiter(asyncio.get_running_loop(), asyncio.Event(), topic)
        with self._lock:
            if self._versions[topic] != seen:
                return self._versions[topic]
            self._waiters.add(waiter)
        try:
            await _first_of(timeout, waiter.event, *also)
        finally:
            with self._lock:
                self._waiters.discard(waiter)
        return self.version(topic)


async def _first_of(timeout: float, *events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
