"""Pickup parcels: where the parcel is, and the code shown masked before the identity check."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.actions.pickup import PickupState, mask_code, masked_code, pickup_state
from handoff.store.models import DeliveryMethod, OrderStatus
from handoff.store.orders import OrderView

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
ORDER = OrderView("2026110500018", "黄磊", "136****8888", "webchat", OrderStatus.SHIPPED,
                  "中通快递", "ZT1", "加湿器", "appliances", Decimal("139"), "CNY", NOW, NOW,
                  None, "regular", True, DeliveryMethod.PICKUP_POINT, "菜鸟驿站（学院路店）",
                  NOW + timedelta(days=2), "6-3-2051")


@pytest.mark.parametrize(("code", "masked"), [
    ("6-3-2051", "*-*-**51"), ("552731", "****31"), ("A1", "**"), ("", "")])
def test_a_pickup_code_is_masked_like_a_phone(code: str, masked: str) -> None:
    assert mask_code(code) == masked


def test_a_parcel_at_the_store_waits_until_its_deadline_then_goes_back() -> None:
    assert pickup_state(ORDER, NOW) is PickupState.WAITING
    assert pickup_state(ORDER, NOW + timedelta(days=3)) is PickupState.UNCLAIMED


def test_on_the_way_picked_up_and_home_delivery() -> None:
    assert pickup_state(replace(ORDER, pickup_deadline=None), NOW) is PickupState.ON_THE_WAY
    assert pickup_state(replace(ORDER, status=OrderStatus.DELIVERED), NOW) \
        is PickupState.PICKED_UP
    assert pickup_state(replace(ORDER, status=OrderStatus.PAID), NOW) is None
    home = replace(ORDER, delivery_method=DeliveryMethod.HOME)
    assert pickup_state(home, NOW) is None
    assert masked_code(home) == ""
