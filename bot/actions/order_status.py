"""``action_order_status``: where is my order — status, carrier, tracking number, dates, ETA."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import end_flow, findings_event, findings_of, noted, say, updated
from bot.actions.context import Turn, TurnAction
from bot.actions.identify import identify
from bot.actions.pickup import pickup_context
from handoff.store.orders import OrderView


def order_context(order: OrderView, turn: Turn) -> dict[str, Any]:
    """The order as template variables (dates in shop time, ISO format)."""
    tz = ZoneInfo(turn.runtime.settings.timezone)
    estimate = turn.runtime.dialogue

    def day(instant: datetime | None) -> str:
        return instant.astimezone(tz).date().isoformat() if instant else ""

    eta = order.shipped_at + timedelta(days=estimate.transit_days) if order.shipped_at else None
    return {"order_id": order.order_id, "item": order.item, "status": order.status.value,
            "carrier": order.carrier, "tracking_no": order.tracking_no,
            "paid_on": day(order.paid_at), "shipped_on": day(order.shipped_at),
            "delivered_on": day(order.delivered_at), "eta": day(eta),
            "ship_within_hours": estimate.ship_within_hours,
            "customer": order.customer_name, "phone": order.phone_masked}


class ActionOrderStatus(TurnAction):
    """Identify the order (with the phone check), then tell its status."""

    def name(self) -> str:
        return "action_order_status"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        found = identify(dispatcher, tracker, turn)
        if found.order is None:
            return found.events
        context = order_context(found.order, turn)
        pickup = pickup_context(found.order, turn)
        if pickup is None:
            say(dispatcher, tracker, turn, "order_status", **context)
        else:  # "到店了嗎": the store, the deadline, the code — or the return-to-sender rule
            say(dispatcher, tracker, turn, "order_pickup", **context, **pickup)
        findings = updated(findings_of(tracker), order_id=found.order.order_id,
                           issue=findings_of(tracker).issue or "order_status")
        findings = noted(findings, f"order status: {found.order.status.value}" + (
            f", pickup {pickup['state']} at {pickup['store']}" if pickup else ""))
        return [*found.events, *end_flow(), findings_event(findings)]
