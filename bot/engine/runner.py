"""Running an L1 action in-process exactly as the action server would: rasa-sdk's
`ActionExecutor` builds the `Tracker` and `CollectingDispatcher` from a Rasa-shaped call and
validates the returned events."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

from rasa_sdk.executor import ActionExecutor

from bot.actions.compensation import ActionCompensation
from bot.actions.evidence import ActionCollectEvidence
from bot.actions.faq import ActionFaq
from bot.actions.handoff import ActionHandoff
from bot.actions.order_status import ActionOrderStatus
from bot.actions.returns import ActionCheckReturnEligibility
from bot.messages import Button, OutboundMessage

ACTIONS = (ActionOrderStatus, ActionCheckReturnEligibility, ActionCollectEvidence, ActionFaq,
           ActionHandoff, ActionCompensation)
SLOTS = ("locale", "customer_name", "flow", "requested_slot", "reasks", "order_id", "phone",
         "verified_order", "request_kind", "issue", "evidence", "findings", "handoff_rule",
         "case_number", "faq_topic", "next_request", "photo_kind", "pending_photos",
         "region", "region_basis", "offered", "refused")
DOMAIN: dict[str, Any] = {"slots": {name: {"type": "any"} for name in SLOTS},
                          "actions": [action().name() for action in ACTIONS]}


@dataclass(frozen=True)
class ActionResult:
    slots: dict[str, Any]
    replies: list[OutboundMessage]


class ActionRunner:
    """One executor with the L1 actions registered."""

    def __init__(self) -> None:
        self._executor = ActionExecutor()
        for action in ACTIONS:
            self._executor.register_action(action)

    def run(self, name: str, tracker: dict[str, Any]) -> ActionResult:
        """Run ``name`` on a tracker dump; returns the slots after its events and its replies.

        Called from a worker thread (the channels use ``asyncio.to_thread``), so the coroutine
        runs on that thread's own loop; the turn's context variables travel with its task."""
        call = {"next_action": name, "sender_id": tracker["sender_id"], "tracker": tracker,
                "domain": DOMAIN, "version": "3.0.0"}
        result = _thread_loop().run_until_complete(self._executor.run(call))
        assert result is not None
        slots = dict(tracker["slots"])
        for event in result.events:
            if event.get("event") == "slot":
                slots[str(event["name"])] = event.get("value")
        return ActionResult(slots, [to_outbound(message) for message in result.responses])


class _LoopOfThread:
    """One event loop per worker thread, kept for the thread's life: ``asyncio.run`` would
    build and tear down a loop (selector, self-pipe, executor shutdown) on every action, which
    cost more than most actions themselves. Closed when the thread ends and drops it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


_loops = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    holder = getattr(_loops, "holder", None)
    if holder is None:
        holder = _loops.holder = _LoopOfThread()
    return holder.loop


def to_outbound(message: dict[str, Any]) -> OutboundMessage:
    """A dispatcher message (``utter_message`` dict) as a neutral reply."""
    custom = message.get("custom") or {}
    images = [*custom.get("images", []), *([message["image"]] if message.get("image") else [])]
    buttons = tuple(Button(str(b["title"]), str(b["payload"]))
                    for b in message.get("buttons") or [])
    return OutboundMessage(str(message.get("text") or ""), buttons, tuple(images))


def tracker_dump(sender_id: str, slots: dict[str, Any], parse: dict[str, Any],
                 attachments: list[dict[str, Any]]) -> dict[str, Any]:
    """The Rasa tracker JSON an action server receives."""
    latest = {**parse, "metadata": {"attachments": attachments}}
    return {"sender_id": sender_id, "slots": {name: slots.get(name) for name in SLOTS},
            "latest_message": latest, "events": [], "paused": False, "followup_action": None,
            "active_loop": {}, "latest_action_name": "action_listen"}
