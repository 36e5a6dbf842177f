"""The dialogue state persisted in ``Conversation.state`` (keys documented in handoff.ports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.policy.identifiers import Identifiers
from handoff.ports import BotFindings

# Intents that start (or switch to) an L1 flow, and the flow's request kind / issue slot.
FLOW_OF_INTENT: dict[str, tuple[str, str, str]] = {
    "order_status": ("order_status", "request_kind", ""),
    "return_request": ("return", "request_kind", "return"),
    "exchange_request": ("return", "request_kind", "exchange_unclear"),  # size or defect?
    "refund_status": ("return", "request_kind", "refund"),
    "quality_issue": ("evidence", "issue", "quality_issue"),
    "wrong_or_missing_item": ("evidence", "issue", "wrong_or_missing_item"),
    "shipping_damage": ("evidence", "issue", "shipping_damage"),
}
ACTION_OF_FLOW = {"order_status": "action_order_status",
                  "return": "action_check_return_eligibility",
                  "evidence": "action_collect_evidence"}


@dataclass
class Dialogue:
    """Slots and counters of one conversation, loaded from and saved to its ``state``."""

    slots: dict[str, Any] = field(default_factory=dict)
    fallbacks: int = 0
    findings: dict[str, Any] = field(default_factory=dict)
    flow_started_at: str | None = None
    last_replies: list[str] = field(default_factory=list)  # fingerprints of the last turn's

    @classmethod
    def load(cls, state: dict[str, Any] | None) -> Dialogue:
        state = dict(state or {})
        slots = dict(state.pop("slots", None) or {})
        slots["flow"] = state.pop("flow", None)
        return cls(slots, int(state.pop("fallbacks", 0) or 0),
                   dict(state.pop("findings", None) or {}), state.pop("flow_started_at", None),
                   list(state.pop("last_replies", None) or []))

    def merged_into(self, state: dict[str, Any] | None) -> dict[str, Any]:
        """``state`` with the engine's keys replaced (keys the desk keeps stay as they are)."""
        slots = {k: v for k, v in self.slots.items() if k not in ("flow", "findings")}
        return {**(state or {}), "flow": self.flow, "flow_started_at": self.flow_started_at,
                "slots": slots, "fallbacks": self.fallbacks, "findings": self.findings,
                "last_replies": self.last_replies}

    def take_slots(self, slots: dict[str, Any], now: datetime) -> None:
        """Adopt the slots an action left (findings live beside the slots)."""
        self.findings = dict(slots.pop("findings", None) or {})
        slots.pop("locale", None)
        was = self.flow
        self.slots = slots
        if self.flow is None:
            self.flow_started_at = None
        elif self.flow != was or self.flow_started_at is None:
            self.flow_started_at = now.isoformat()

    @property
    def flow(self) -> str | None:
        return self.slots.get("flow")

    @property
    def findings_value(self) -> BotFindings:
        return BotFindings.from_state(self.findings)

    def start(self, intent: str, now: datetime) -> str:
        """Start the flow of ``intent`` (or switch to it, keeping the order already given)."""
        flow, slot, value = FLOW_OF_INTENT[intent]
        if flow != self.flow:
            self.slots.update(flow=flow, requested_slot=None, reasks={}, offered=None)
            self.flow_started_at = now.isoformat()
        if value:
            self.slots[slot] = value
        return ACTION_OF_FLOW[flow]

    def end_flow(self) -> None:
        self.slots.update(flow=None, requested_slot=None, reasks={}, offered=None)
        self.flow_started_at = None

    @property
    def expects_phone(self) -> bool:
        """The bot asked for the phone, or a flow holds an order not verified yet."""
        order = self.slots.get("order_id")
        return self.slots.get("requested_slot") == "phone" or bool(
            order and self.slots.get("verified_order") != order)

    def absorb(self, found: Identifiers) -> bool:
        """Keep whatever identifiers the message gave, whenever it gave them (slots); True
        when something was filled. Only the phone's last 4 digits are ever kept."""
        if found.order_id:
            self._set_order(found.order_id)
        if found.phone_last4:
            self.slots["phone"] = found.phone_last4
        return found.found

    def _set_order(self, order_id: str) -> None:
        order_id = order_id.strip().upper()
        if order_id != self.slots.get("order_id"):
            self.slots.update(order_id=order_id, phone=self.slots.get("phone"))
            if self.slots.get("verified_order") != order_id:
                self.slots["verified_order"] = None
