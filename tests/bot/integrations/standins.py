"""Local stand-ins for the shop's systems (fakes only at the network seam): the shop's own
order API in the shape ``training_data/integrations/orders.yml`` maps, and Shopify's Admin
GraphQL endpoint answering the documented response shapes."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

SHOP_ORDER: dict[str, Any] = {
    "order": {
        "number": "2026120300001", "state": "in_transit", "channel": "web",
        "customer": {"name": "陈静", "phone": "+86 139-1234-5678", "tier": "gold"},
        "shipment": {"carrier": "顺丰速运", "tracking_number": "SF9988776655",
                     "shipped_at": "2026-11-03T09:00:00+08:00", "method": "home_delivery"},
        "items": [{"title": "羊毛围巾", "category": "clothing"}],
        "total": {"amount": "259.00", "currency": "CNY"},
        "paid_at": "2026-11-02T20:00:00+08:00",
    }
}

SHOPIFY_NODE: dict[str, Any] = {
    "name": "#2026120300002", "processedAt": "2026-11-01T08:00:00Z",
    "updatedAt": "2026-11-04T08:00:00Z", "cancelledAt": None,
    "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "FULFILLED",
    "phone": None, "customer": {"displayName": "Jane Lee", "phone": "+14155550123", "tags": []},
    "shippingAddress": {"name": "Jane Lee", "phone": "+14155550123"},
    "totalPriceSet": {"shopMoney": {"amount": "89.90", "currencyCode": "USD"}},
    "lineItems": {"edges": [{"node": {"title": "Travel mug",
                                      "product": {"productType": "Kitchen"}}}]},
    "fulfillments": [{"createdAt": "2026-11-03T01:00:00Z", "deliveredAt": None,
                      "displayStatus": "IN_TRANSIT",
                      "trackingInfo": [{"company": "UPS", "number": "1Z999AA10123456784"}]}],
}


@dataclass
class ShopApi:
    """The shop's order API; ``mode`` makes it misbehave (slow, 404, not JSON, 500)."""

    mode: str = "ok"
    token_seen: list[str] = field(default_factory=list)
    calls: int = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/orders/{order_id}", self.order)
        return app

    async def order(self, request: web.Request) -> web.Response:
        self.calls += 1
        self.token_seen.append(request.headers.get("Authorization", ""))
        if self.mode == "slow":
            await asyncio.sleep(3)
        if self.mode == "404" or request.match_info["order_id"] != "2026120300001":
            return web.json_response({"error": "not found"}, status=404)
        if self.mode == "garbage":
            return web.Response(text="<html>maintenance</html>", content_type="text/html")
        if self.mode == "nonsense":
            return web.json_response({"order": {"number": "2026120300001", "state": "??"}})
        return web.json_response(SHOP_ORDER)


@dataclass
class ShopifyAdmin:
    """``POST /admin/api/{version}/graphql.json`` answering the ``orders(query:)`` shape."""

    version: str = "2024-10"
    token: str = "shpat_test"
    queries: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"/admin/api/{self.version}/graphql.json", self.graphql)
        return app

    async def graphql(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Shopify-Access-Token") != self.token:
            return web.json_response({"errors": "[API] Invalid API key or access token"},
                                     status=401)
        body = json.loads(await request.text())
        self.queries.append(body)
        wanted = body["variables"]["query"].removeprefix("name:")
        edges = [{"node": SHOPIFY_NODE}] if wanted == SHOPIFY_NODE["name"] else []
        return web.json_response({"data": {"orders": {"edges": edges}},
                                  "extensions": {"cost": {"requestedQueryCost": 12}}})


async def serve(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server
