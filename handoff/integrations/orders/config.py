"""``training_data/integrations/orders.yml``: cache, circuit breaker, the http source's URL,
token header, timeouts and field mapping, and Shopify's pinned API version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import ConfigFileError, load_yaml


class On404(Enum):
    """What an HTTP 404 from the shop's API means."""

    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class GuardConfig:
    ttl_seconds: float = 60.0
    max_entries: int = 1000
    failures_to_open: int = 3
    open_seconds: float = 30.0


@dataclass(frozen=True)
class HttpSourceConfig:
    url_template: str
    token_header: str
    token_prefix: str
    timeout_seconds: float
    on_404: On404
    fields: Mapping[str, str]
    statuses: Mapping[str, str]
    defaults: Mapping[str, str]
    delivery_methods: Mapping[str, str]


@dataclass(frozen=True)
class ShopifyConfig:
    api_version: str
    timeout_seconds: float
    name_prefix: str
    defaults: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OrdersIntegration:
    guard: GuardConfig
    http: HttpSourceConfig | None
    shopify: ShopifyConfig | None


def load_orders_integration(path: Path) -> OrdersIntegration:
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path}: expected a mapping")
    cache, breaker = data.get("cache") or {}, data.get("breaker") or {}
    guard = GuardConfig(ttl_seconds=float(cache.get("ttl_seconds", 60)),
                        max_entries=int(cache.get("max_entries", 1000)),
                        failures_to_open=int(breaker.get("failures_to_open", 3)),
                        open_seconds=float(breaker.get("open_seconds", 30)))
    try:
        http = _http(data["http"]) if data.get("http") else None
        shopify = _shopify(data["shopify"]) if data.get("shopify") else None
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigFileError(f"{path}: {exc!r}") from exc
    return OrdersIntegration(guard=guard, http=http, shopify=shopify)


def _strings(data: Any) -> dict[str, str]:
    return {str(k): "" if v is None else str(v) for k, v in (data or {}).items()}


def _http(data: Mapping[str, Any]) -> HttpSourceConfig:
    return HttpSourceConfig(
        url_template=str(data["url_template"]), token_header=str(data.get("token_header", "")),
        token_prefix=str(data.get("token_prefix", "")),
        timeout_seconds=float(data.get("timeout_seconds", 3)),
        on_404=On404(data.get("on_404", "not_found")), fields=_strings(data["fields"]),
        statuses=_strings(data.get("statuses")), defaults=_strings(data.get("defaults")),
        delivery_methods=_strings(data.get("delivery_methods")))


def _shopify(data: Mapping[str, Any]) -> ShopifyConfig:
    return ShopifyConfig(api_version=str(data["api_version"]),
                         timeout_seconds=float(data.get("timeout_seconds", 5)),
                         name_prefix=str(data.get("name_prefix", "#")),
                         defaults=_strings(data.get("defaults")))
