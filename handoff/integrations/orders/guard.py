"""What keeps a remote order source from slowing the bot down: a TTL cache of answers and a
circuit breaker that stops calling a source that keeps failing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from handoff.integrations.orders.config import GuardConfig
from handoff.store.clock import Clock
from handoff.store.orders import OrderLookupUnavailable

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry(Generic[T]):
    value: T
    expires: datetime


class TtlCache(Generic[T]):
    """Answers kept ``ttl_seconds`` (the oldest dropped beyond ``max_entries``)."""

    def __init__(self, config: GuardConfig, clock: Clock) -> None:
        self._ttl = timedelta(seconds=config.ttl_seconds)
        self._max = config.max_entries
        self._clock = clock
        self._entries: OrderedDict[str, _Entry[T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, T | None]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires <= self._clock.now():
                self._entries.pop(key, None)
                return False, None
            return True, entry.value

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self._entries[key] = _Entry(value, self._clock.now() + self._ttl)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


class CircuitBreaker:
    """Closed while the source answers; open for ``open_seconds`` after
    ``failures_to_open`` failures in a row (calls fail at once); then one trial call."""

    def __init__(self, config: GuardConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._failures = 0
        self._open_until: datetime | None = None
        self._lock = threading.Lock()

    def call(self, func: Callable[[], T]) -> T:
        with self._lock:
            if self._open_until is not None and self._clock.now() < self._open_until:
                raise OrderLookupUnavailable("circuit open")
        try:
            result = func()
        except OrderLookupUnavailable:
            self._record(failed=True)
            raise
        self._record(failed=False)
        return result

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            self._failures = self._failures + 1 if failed else 0
            if self._failures >= self._config.failures_to_open:
                seconds = timedelta(seconds=self._config.open_seconds)
                self._open_until = self._clock.now() + seconds
            elif not failed:
                self._open_until = None
