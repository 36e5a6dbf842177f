"""The Rasa domain for our actions: intents and entities from the NLU data, every slot an
action reads or sets (with how Rasa fills it), the actions, and rules that call each one."""

from __future__ import annotations

from typing import Any

from bot.engine.router import NOT_UNDERSTOOD
from bot.engine.runner import ACTIONS, SLOTS
from bot.engine.state import ACTION_OF_FLOW, FLOW_OF_INTENT
from bot.rasa.slots import slots_in_actions

HANDOFF_INTENT = "request_human"
# Slots a Rasa assistant fills from the customer's words (the rest only our actions set).
_FROM_ENTITY = ("order_id", "phone")


def _from_intents(slot: str) -> list[dict[str, Any]]:
    """``flow``, ``request_kind`` and ``issue`` as the engine sets them when a flow starts."""
    mappings = []
    for intent, (flow, value_slot, value) in FLOW_OF_INTENT.items():
        set_to = flow if slot == "flow" else value if slot == value_slot and value else None
        if set_to:
            mappings.append({"type": "from_intent", "intent": intent, "value": set_to})
    return mappings


def slot_specs() -> dict[str, dict[str, Any]]:
    specs: dict[str, dict[str, Any]] = {}
    for name in sorted(set(SLOTS) | slots_in_actions()):
        mappings: list[dict[str, Any]] = [{"type": "custom"}]
        if name in _FROM_ENTITY:
            mappings = [{"type": "from_entity", "entity": name}]
        elif name in ("flow", "request_kind", "issue"):
            mappings = [*_from_intents(name), {"type": "custom"}]
        elif name == "handoff_rule":
            mappings = [{"type": "from_intent", "intent": HANDOFF_INTENT,
                         "value": "human_request"}, {"type": "custom"}]
        specs[name] = {"type": "any", "influence_conversation": False, "mappings": mappings}
    specs["flow"] |= {"type": "categorical", "values": sorted(set(ACTION_OF_FLOW)),
                      "influence_conversation": True}
    return specs


def action_names() -> list[str]:
    return [action().name() for action in ACTIONS]


def domain(intents: list[str], entities: list[str]) -> dict[str, Any]:
    return {"version": "3.1", "intents": intents, "entities": entities,
            "slots": slot_specs(), "actions": action_names(), "responses": {},
            "session_config": {"session_expiration_time": 60,
                               "carry_over_slots_to_new_session": True}}


def rules(intents: list[str], faq_intents: frozenset[str]) -> list[dict[str, Any]]:
    """A rule per flow intent, FAQ intent and the handoff request; within a flow, whatever
    the customer answers (the order number, the phone) goes back to the flow's action."""
    found: list[dict[str, Any]] = []
    for intent, (flow, _, _) in FLOW_OF_INTENT.items():
        if intent in intents:
            found.append(_rule(f"{intent} starts {flow}", intent, ACTION_OF_FLOW[flow]))
    for intent in sorted(faq_intents & set(intents)):
        found.append(_rule(f"answer {intent}", intent, "action_faq"))
    if HANDOFF_INTENT in intents:
        found.append(_rule("a person on request", HANDOFF_INTENT, "action_handoff"))
    if "demand_compensation" in intents:
        found.append(_rule("a compensation demand", "demand_compensation", "action_compensation"))
    for flow, action in ACTION_OF_FLOW.items():
        for intent in ("inform", NOT_UNDERSTOOD):
            if intent in intents or intent == NOT_UNDERSTOOD:
                rule = _rule(f"{intent} inside {flow}", intent, action)
                found.append({**rule, "condition": [{"slot_was_set": [{"flow": flow}]}]})
    return found


def _rule(name: str, intent: str, action: str) -> dict[str, Any]:
    return {"rule": name, "steps": [{"intent": intent}, {"action": action}]}
