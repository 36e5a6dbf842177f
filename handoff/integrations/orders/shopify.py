"""The ``shopify`` source: orders by name through the Shopify Admin GraphQL API.

POST ``{SHOPIFY_SHOP_URL}/admin/api/{api_version}/graphql.json`` with the header
``X-Shopify-Access-Token``. The token needs the ``read_orders`` and ``read_fulfillments``
scopes (``read_customers`` for the customer's phone when the order has none; ``read_all_orders``
for orders older than 60 days). Fulfilments give the carrier, tracking number and dates."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from handoff.integrations.orders.config import ShopifyConfig
from handoff.integrations.orders.jsonpath import pick
from handoff.integrations.orders.record import RemoteOrder, remote_order
from handoff.store.orders import OrderLookupUnavailable

QUERY = """
query OrderByName($query: String!) {
  orders(first: 1, query: $query) {
    edges { node {
      name processedAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
      phone customer { displayName phone tags }
      shippingAddress { name phone }
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 1) { edges { node { title product { productType } } } }
      fulfillments(first: 5) {
        createdAt deliveredAt displayStatus
        trackingInfo(first: 1) { company number }
      }
    } }
  }
}
"""


class ShopifyOrderFetch:
    """``fetch(order_id)`` for `RemoteOrderProvider`."""

    def __init__(self, config: ShopifyConfig, shop_url: str, token: str, *, timezone: str,
                 key: str) -> None:
        self._config = config
        self._url = f"{shop_url.rstrip('/')}/admin/api/{config.api_version}/graphql.json"
        self._token = token
        self._timezone = timezone
        self._key = key

    def __call__(self, order_id: str) -> RemoteOrder | None:
        name = f"{self._config.name_prefix}{order_id}"
        body = self._post({"query": QUERY, "variables": {"query": f"name:{name}"}})
        if not isinstance(body, dict) or body.get("errors") or "data" not in body:
            raise OrderLookupUnavailable("Shopify answered errors or no data")
        edges = pick(body, "$.data.orders.edges")
        if not isinstance(edges, list):
            raise OrderLookupUnavailable("Shopify answered an unexpected shape")
        if not edges or not isinstance(edges[0], dict):
            return None
        values = order_values(edges[0].get("node") or {}, self._config)
        if values["order_id"] != order_id.upper():
            return None  # Shopify's search is fuzzy: only the exact name is this order
        return remote_order(values, timezone=self._timezone, key=self._key)

    def _post(self, payload: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self._url, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     "X-Shopify-Access-Token": self._token})
        try:
            with urllib.request.urlopen(request, timeout=self._config.timeout_seconds) as resp:
                return json.loads(resp.read(2 * 1024 * 1024))
        except urllib.error.HTTPError as exc:
            exc.close()
            raise OrderLookupUnavailable(f"Shopify answered HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise OrderLookupUnavailable(f"Shopify unreachable or not JSON: {exc!r}") from exc


def order_values(node: dict[str, Any], config: ShopifyConfig) -> dict[str, Any]:
    """A GraphQL order node as our order columns."""
    fulfilment = _latest_fulfilment(node)
    values: dict[str, Any] = dict(config.defaults)
    found = {
        "order_id": str(node.get("name") or "").removeprefix(config.name_prefix).upper(),
        "customer_name": pick(node, "$.customer.displayName")
        or pick(node, "$.shippingAddress.name"),
        "phone": node.get("phone") or pick(node, "$.customer.phone")
        or pick(node, "$.shippingAddress.phone"),
        "status": _status(node, fulfilment),
        "carrier": pick(fulfilment, "$.trackingInfo[0].company"),
        "tracking_no": pick(fulfilment, "$.trackingInfo[0].number"),
        "item": pick(node, "$.lineItems.edges[0].node.title"),
        "category": str(pick(node, "$.lineItems.edges[0].node.product.productType") or "").lower(),
        "amount": pick(node, "$.totalPriceSet.shopMoney.amount"),
        "currency": pick(node, "$.totalPriceSet.shopMoney.currencyCode"),
        "paid_at": node.get("processedAt"),
        "shipped_at": fulfilment.get("createdAt"),
        "delivered_at": fulfilment.get("deliveredAt"),
    }
    values.update({k: v for k, v in found.items() if v})
    return values


def _latest_fulfilment(node: dict[str, Any]) -> dict[str, Any]:
    fulfilments = [f for f in node.get("fulfillments") or [] if isinstance(f, dict)]
    return max(fulfilments, key=lambda f: str(f.get("createdAt") or ""), default={})


def _status(node: dict[str, Any], fulfilment: dict[str, Any]) -> str:
    if node.get("cancelledAt"):
        return "cancelled"
    if str(node.get("displayFinancialStatus") or "") in {"REFUNDED"}:
        return "returned"
    if fulfilment.get("deliveredAt") or fulfilment.get("displayStatus") == "DELIVERED":
        return "delivered"
    return "shipped" if fulfilment else "paid"
