"""Pacing of outgoing Telegram messages.

Telegram asks bots to stay under about one message per second in a chat and 30 per second
overall, and answers 429 beyond that. Waiting here is cheaper than being told to wait.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat (Bot API FAQ)
GLOBAL_PER_SECOND = 30  # messages per second across all chats (Bot API FAQ)
PRUNE_ABOVE = 1024  # chats remembered before idle ones are forgotten


class SendLimiter:
    """Waits until a message to ``chat`` may go out; one instance per bot."""

    def __init__(self, per_chat_interval: float = PER_CHAT_INTERVAL,
                 global_per_second: int = GLOBAL_PER_SECOND,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._interval = per_chat_interval
        self._global = global_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait_turn(self, chat: str) -> None:
        """Sleep as long as needed, then count this message as sent now."""
        async with self._lock:  # one reservation at a time keeps the window exact
            delay = self._delay(chat, self._monotonic())
            if delay > 0:
                await self._sleep(delay)
            now = self._monotonic()
            self._last[chat] = now
            self._recent.append(now)
            if len(self._last) > PRUNE_ABOVE:
                self._forget_idle_chats(now)

    def _forget_idle_chats(self, now: float) -> None:
        idle = [c for c, at in self._last.items() if at <= now - self._interval]
        for chat in idle:
            del self._last[chat]

    def _delay(self, chat: str, now: float) -> float:
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        chat_ready = self._last.get(chat, -math.inf) + self._interval
        global_ready = self._recent[0] + 1.0 if len(self._recent) >= self._global else now
        return max(chat_ready, global_ready, now) - now
