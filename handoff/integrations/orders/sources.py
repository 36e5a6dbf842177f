"""Which order source the product uses (``AFTERSALES_ORDER_SOURCE``), built once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from handoff.config.settings import Settings
from handoff.config.yamlfile import ConfigFileError
from handoff.integrations.orders.config import OrdersIntegration, load_orders_integration
from handoff.integrations.orders.guard import CircuitBreaker, TtlCache
from handoff.integrations.orders.http_source import HttpOrderFetch
from handoff.integrations.orders.record import RemoteOrder
from handoff.integrations.orders.remote import Fetch, RemoteOrderProvider
from handoff.integrations.orders.shopify import ShopifyOrderFetch
from handoff.store.clock import Clock
from handoff.store.orders import DbOrderProvider, OrderProvider

OrderProviderFactory = Callable[[Session], OrderProvider]


def order_source(settings: Settings, clock: Clock) -> OrderProviderFactory:
    """The provider for each turn's session: the store's table, or one shared remote provider
    (its cache and breaker outlive the turn)."""
    key = settings.secret_key.get_secret_value()
    if settings.order_source == "store":
        return lambda session: DbOrderProvider(session, key)
    assert settings.orders_integration_file is not None
    integration = load_orders_integration(settings.orders_integration_file)
    provider = RemoteOrderProvider(_fetch(settings, integration, key),
                                   TtlCache[RemoteOrder | None](integration.guard, clock),
                                   CircuitBreaker(integration.guard, clock), key)
    return lambda session: provider


def _fetch(settings: Settings, integration: OrdersIntegration, key: str) -> Fetch:
    where = settings.orders_integration_file
    if settings.order_source == "http":
        if integration.http is None:
            raise ConfigFileError(f"{where}: AFTERSALES_ORDER_SOURCE=http needs an http section")
        token = settings.order_api_token.get_secret_value() if settings.order_api_token else ""
        return HttpOrderFetch(integration.http, token, timezone=settings.timezone, key=key)
    if integration.shopify is None or not settings.shopify_shop_url \
            or settings.shopify_access_token is None:
        raise ConfigFileError(f"{where}: AFTERSALES_ORDER_SOURCE=shopify needs a shopify "
                              "section, SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN")
    return ShopifyOrderFetch(integration.shopify, settings.shopify_shop_url,
                             settings.shopify_access_token.get_secret_value(),
                             timezone=settings.timezone, key=key)
