"""`RemoteOrderProvider`: the `OrderProvider` port over a remote source (http, Shopify), with
the TTL cache and the circuit breaker in front of it."""

from __future__ import annotations

from collections.abc import Callable

from handoff.integrations.orders.guard import CircuitBreaker, TtlCache
from handoff.integrations.orders.record import RemoteOrder
from handoff.store.orders import OrderView, phone_matches

Fetch = Callable[[str], RemoteOrder | None]


class RemoteOrderProvider:
    """Looks orders up through ``fetch`` (None: no such order; OrderLookupUnavailable: the
    source cannot tell). One instance serves every conversation, so the cache and breaker are
    shared."""

    def __init__(self, fetch: Fetch, cache: TtlCache[RemoteOrder | None],
                 breaker: CircuitBreaker, digest_key: str) -> None:
        self._fetch = fetch
        self._cache = cache
        self._breaker = breaker
        self._key = digest_key

    def _order(self, order_id: str) -> RemoteOrder | None:
        number = order_id.strip().upper()
        hit, cached = self._cache.get(number)
        if hit:
            return cached
        found = self._breaker.call(lambda: self._fetch(number))
        self._cache.put(number, found)
        return found

    def get(self, order_id: str) -> OrderView | None:
        found = self._order(order_id)
        return found.view if found else None

    def verify_phone(self, order_id: str, phone_or_last4: str) -> bool:
        found = self._order(order_id)
        if found is None:
            return False
        return phone_matches(phone_or_last4, found.phone_last4, found.phone_digest, self._key)
