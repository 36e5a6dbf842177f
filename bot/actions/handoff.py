"""``action_handoff``: pass the conversation to a human through the handoff desk."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.common import findings_of, hand_off
from bot.actions.context import turn_for


class ActionHandoff(Action):
    """Hand off under the rule in the ``handoff_rule`` slot (default: the customer asked)."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        with turn_for(tracker) as turn:
            rule = tracker.get_slot("handoff_rule") or "human_request"
            return hand_off(dispatcher, tracker, turn, rule, findings_of(tracker))
