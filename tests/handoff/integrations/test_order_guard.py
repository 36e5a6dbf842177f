"""A failing order source is left alone for a while (circuit breaker) and answers are kept a
short time (TTL cache), so a shop's outage costs the customer no waiting on every turn."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handoff.integrations.orders.config import GuardConfig
from handoff.integrations.orders.guard import CircuitBreaker, TtlCache
from handoff.integrations.orders.jsonpath import PathError, pick
from handoff.store.clock import ManualClock
from handoff.store.orders import OrderLookupUnavailable
from tests.conftest import START

GUARD = GuardConfig(ttl_seconds=60, max_entries=2, failures_to_open=2, open_seconds=30)


def failing() -> str:
    raise OrderLookupUnavailable("timeout")


def test_breaker_opens_after_failures_in_a_row_and_tries_again_later() -> None:
    clock = ManualClock(START)
    breaker = CircuitBreaker(GUARD, clock)
    calls: list[str] = []

    def answering() -> str:
        calls.append("called")
        return "order"

    for _ in range(2):
        with pytest.raises(OrderLookupUnavailable):
            breaker.call(failing)
    with pytest.raises(OrderLookupUnavailable, match="circuit open"):
        breaker.call(answering)
    assert calls == []  # the source was not called while open
    clock.advance(timedelta(seconds=31))
    assert breaker.call(answering) == "order" and calls == ["called"]


def test_cache_keeps_answers_for_the_ttl_and_only_the_newest_entries() -> None:
    clock = ManualClock(START)
    cache: TtlCache[str | None] = TtlCache(GUARD, clock)
    cache.put("A", "a")
    cache.put("B", None)  # "no such order" is an answer too
    cache.put("C", "c")
    assert cache.get("A") == (False, None)  # the oldest made room
    assert cache.get("B") == (True, None)
    clock.advance(timedelta(seconds=61))
    assert cache.get("C") == (False, None)


def test_json_paths_pick_keys_and_list_items() -> None:
    body = {"order": {"items": [{"title": "围巾"}], "n": 0}}
    assert pick(body, "$.order.items[0].title") == "围巾"
    assert pick(body, "$.order.items[3].title") is None
    assert pick(body, "$.order.n") == 0
    with pytest.raises(PathError):
        pick(body, "order.items")
