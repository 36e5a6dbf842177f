"""``action_handoff``: pass the conversation to a human through the handoff desk."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import findings_of, hand_off
from bot.actions.context import Turn, TurnAction


class ActionHandoff(TurnAction):
    """Hand off under the rule in the ``handoff_rule`` slot (default: the customer asked)."""

    def name(self) -> str:
        return "action_handoff"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        rule = tracker.get_slot("handoff_rule") or "human_request"
        return hand_off(dispatcher, tracker, turn, rule, findings_of(tracker))
