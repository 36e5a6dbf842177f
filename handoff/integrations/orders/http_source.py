"""The ``http`` source: the shop's own order API, one GET per order number.

``url_template`` names the order (``{order_id}``, URL-quoted); the token goes in the configured
header; the answer's fields are found by the JSON paths of ``orders.yml``. A timeout, a refused
connection, a 5xx, a body that is not JSON or an order that does not check out is
`OrderLookupUnavailable`; a 404 is "no such order" or unavailable, as configured."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from handoff.integrations.orders.config import HttpSourceConfig, On404
from handoff.integrations.orders.jsonpath import pick
from handoff.integrations.orders.record import RemoteOrder, remote_order
from handoff.store.orders import OrderLookupUnavailable


class HttpOrderFetch:
    """``fetch(order_id)`` for `RemoteOrderProvider`."""

    def __init__(self, config: HttpSourceConfig, token: str, *, timezone: str, key: str) -> None:
        self._config = config
        self._token = token
        self._timezone = timezone
        self._key = key

    def __call__(self, order_id: str) -> RemoteOrder | None:
        body = self._get(order_id)
        if body is None:
            return None
        values = self._values(body)
        if not values.get("order_id"):
            return None
        return remote_order(values, timezone=self._timezone, key=self._key)

    def _request(self, order_id: str) -> urllib.request.Request:
        url = self._config.url_template.format(order_id=urllib.parse.quote(order_id, safe=""))
        headers = {"Accept": "application/json"}
        if self._config.token_header and self._token:
            headers[self._config.token_header] = self._config.token_prefix + self._token
        return urllib.request.Request(url, headers=headers, method="GET")

    def _get(self, order_id: str) -> Any:
        try:
            with urllib.request.urlopen(self._request(order_id),
                                        timeout=self._config.timeout_seconds) as response:
                raw = response.read(2 * 1024 * 1024)
        except urllib.error.HTTPError as exc:
            exc.close()  # its body is never read; close the connection now
            if exc.code == 404 and self._config.on_404 is On404.NOT_FOUND:
                return None
            raise OrderLookupUnavailable(f"order API answered HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:  # refused, reset, timeout, bad URL
            raise OrderLookupUnavailable(f"order API unreachable: {exc!r}") from exc
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise OrderLookupUnavailable("order API answered something that is not JSON") \
                from exc

    def _values(self, body: Any) -> dict[str, Any]:
        values: dict[str, Any] = dict(self._config.defaults)
        for name, path in self._config.fields.items():
            value = pick(body, path)
            if value is not None and value != "":
                values[name] = value
        status = str(values.get("status", "")).lower()
        values["status"] = self._config.statuses.get(status, status)
        method = str(values.get("delivery_method", "")).lower()
        values["delivery_method"] = self._config.delivery_methods.get(method, method)
        return values
