"""Parcels collected at a store or a pickup point (Taiwan's 7-ELEVEN / 全家 / 萊爾富 / OK,
Hong Kong's 順豐站 and 智能櫃, the mainland's 菜鸟驿站 / 快递柜 / 代收点).

"到店了嗎 / 可以去取了嗎" is an order-status question: the answer names the store and the
deadline ("已到 7-ELEVEN 信義門市，請於 12/08 前取件"). A parcel left past its deadline goes back
to the shop under the ``unclaimed_pickup`` rule of ``returns.yml`` (never the defect flow). The
pickup code opens a locker, so before the identity check it is only shown masked.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.actions.context import Turn
from handoff.store.models.enums import OrderStatus
from handoff.store.orders import OrderView


class PickupState(StrEnum):
    ON_THE_WAY = "on_the_way"  # shipped, not at the store yet
    WAITING = "waiting"  # at the store, before the deadline
    PICKED_UP = "picked_up"
    UNCLAIMED = "unclaimed"  # the deadline has passed: back to the shop


def pickup_state(order: OrderView, now: datetime) -> PickupState | None:
    """Where a pickup parcel is; None for home delivery and orders not shipped yet."""
    if not order.delivery_method.is_pickup or order.status not in (
            OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        return None
    if order.status is OrderStatus.DELIVERED:
        return PickupState.PICKED_UP
    if order.pickup_deadline is None:  # the store sets the deadline when the parcel arrives
        return PickupState.ON_THE_WAY
    return PickupState.UNCLAIMED if now > order.pickup_deadline else PickupState.WAITING


def mask_code(code: str) -> str:
    """A pickup code as a phone is masked: only its last 2 characters show (``*-*-**51``)."""
    shown = 2
    letters = [i for i, ch in enumerate(code) if ch.isalnum()]
    hidden = set(letters[:-shown]) if len(letters) > shown else set(letters)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(code))


def masked_code(order: OrderView) -> str:
    """What the bot may say of the code before the identity check ("" when there is none)."""
    return mask_code(order.pickup_code) if order.delivery_method.is_pickup else ""


def pickup_context(order: OrderView, turn: Turn) -> dict[str, Any] | None:
    """The ``order_pickup`` template's variables for a verified customer, or None when the
    order is not a pickup parcel on its way or at the store."""
    state = pickup_state(order, turn.now)
    if state is None:
        return None
    rule = turn.runtime.unclaimed
    return {"state": state.value, "method": order.delivery_method.value,
            "store": order.pickup_store, "deadline": order.pickup_deadline,
            "code": order.pickup_code, "back_days": rule.back_at_shop_days,
            "refund_days": rule.refund_days, "deduct_freight": rule.deduct_return_freight}
