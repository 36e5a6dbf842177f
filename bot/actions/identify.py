"""Finding the customer's order and checking who they are before revealing anything.

The order number comes from the message or is asked for; an unknown number is re-asked once,
then a human is offered. Details are shown only after the phone's last 4 digits (or the full
number) match the order; a mismatch is re-asked up to ``max_reasks`` times.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import end_flow, human_button, reask_event, reasks, say
from bot.actions.context import Turn
from bot.actions.pickup import masked_code
from handoff.store.orders import OrderLookupUnavailable, OrderProvider, OrderView

UNKNOWN_ORDER_REASKS = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identified:
    """The verified order, or the events of the question asked instead."""

    order: OrderView | None
    events: list[EventType] = field(default_factory=list)


def identify(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> Identified:
    order_id = tracker.get_slot("order_id")
    if not order_id:
        return Identified(None, _ask(dispatcher, tracker, turn, "order_id", "ask_order_id"))
    provider = turn.runtime.orders(turn.session)
    try:
        order = provider.get(order_id)
        checked = order is not None and _phone_checked(tracker, provider, order.order_id)
    except OrderLookupUnavailable as exc:
        return Identified(None, _unavailable(dispatcher, tracker, turn, order_id, exc))
    if order is None:
        return Identified(None, _unknown_order(dispatcher, tracker, turn, order_id))
    if tracker.get_slot("verified_order") == order.order_id:
        return Identified(order)
    phone = tracker.get_slot("phone")
    if not phone:
        return Identified(None, _ask(dispatcher, tracker, turn, "phone", "ask_phone",
                                     order_id=order.order_id, code_masked=masked_code(order)))
    if not checked:
        return Identified(None, _phone_mismatch(dispatcher, tracker, turn, order.order_id))
    turn.runtime.desk.link_identity(turn.session, turn.customer, order.order_id)
    # Verified: greet by the order's name from now on (this turn's replies too).
    tracker.slots["customer_name"] = tracker.get_slot("customer_name") or order.customer_name
    return Identified(order, [SlotSet("verified_order", order.order_id),
                              SlotSet("requested_slot", None), SlotSet("phone", None),
                              SlotSet("customer_name", tracker.slots["customer_name"])])


def _ask(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, slot: str,
         template: str, **context: Any) -> list[EventType]:
    """Ask for ``slot``; asking again after an answer that did not fill it counts as a re-ask,
    and past ``max_reasks`` a human is offered instead of asking forever."""
    if tracker.get_slot("requested_slot") != slot:
        say(dispatcher, tracker, turn, template, again=False, **context)
        return [SlotSet("requested_slot", slot)]
    if reasks(tracker, slot) >= turn.runtime.settings.max_reasks:
        say(dispatcher, tracker, turn, "slot_not_understood", buttons=[human_button(tracker, turn)])
        return end_flow()
    say(dispatcher, tracker, turn, template, again=True, **context)
    return [reask_event(tracker, slot)]


def _phone_checked(tracker: Tracker, provider: OrderProvider, order_id: str) -> bool:
    phone = tracker.get_slot("phone")
    return bool(phone) and provider.verify_phone(order_id, phone)


def _unavailable(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, order_id: str,
                 error: OrderLookupUnavailable) -> list[EventType]:
    """The order source cannot answer: say so and offer a person; never guess."""
    log.warning("order lookup unavailable for %s: %s", order_id, error)
    say(dispatcher, tracker, turn, "order_lookup_unavailable", order_id=order_id,
        buttons=[human_button(tracker, turn, "order_lookup_unavailable")])
    return end_flow()


def _unknown_order(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn,
                   order_id: str) -> list[EventType]:
    events: list[EventType] = [SlotSet("order_id", None), SlotSet("requested_slot", "order_id")]
    if reasks(tracker, "unknown_order") < UNKNOWN_ORDER_REASKS:
        say(dispatcher, tracker, turn, "order_not_found", order_id=order_id)
        return [*events, reask_event(tracker, "unknown_order")]
    say(dispatcher, tracker, turn, "order_not_found_again", order_id=order_id,
        buttons=[human_button(tracker, turn, "order_not_found")])
    return [*events, *end_flow()]


def _phone_mismatch(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn,
                    order_id: str) -> list[EventType]:
    events: list[EventType] = [SlotSet("phone", None), SlotSet("requested_slot", "phone")]
    if reasks(tracker, "phone") < turn.runtime.settings.max_reasks:
        say(dispatcher, tracker, turn, "phone_mismatch", order_id=order_id)
        return [*events, reask_event(tracker, "phone")]
    say(dispatcher, tracker, turn, "identity_failed", order_id=order_id,
        buttons=[human_button(tracker, turn, "order_not_found")])
    return [*events, *end_flow()]
