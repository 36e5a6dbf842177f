"""Helpers the L1 actions share: speaking templates, findings, reasks, and handing off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import Turn
from handoff.ports import BotFindings, TurnFacts

Buttons = list[dict[str, str]]


def locale_of(tracker: Tracker, turn: Turn) -> str:
    return turn.runtime.replies.locale(tracker.get_slot("locale") or turn.conversation.locale)


def reply_locale(tracker: Tracker, turn: Turn) -> str:
    """The template locale of the customer's region: a Hong Kong customer writing Traditional
    Chinese reads the zh-Hant-HK overlay (末四位, 順豐站), everyone else their locale."""
    return turn.runtime.regions.overlay(tracker.get_slot("region"), locale_of(tracker, turn))


def say(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, template: str,
        buttons: Buttons | None = None, **context: Any) -> None:
    """Render ``template`` in the conversation's language, personalised with the name."""
    name = tracker.get_slot("customer_name") or turn.customer.display_name or ""
    text = turn.runtime.replies.render(template, reply_locale(tracker, turn), name=name,
                                       **context)
    dispatcher.utter_message(text=text, buttons=buttons or [], template_name=template)


def button(tracker: Tracker, turn: Turn, key: str, payload: str) -> dict[str, str]:
    """A quick-reply button titled from the ``buttons`` template (one line per key)."""
    title = turn.runtime.replies.render("button_" + key, reply_locale(tracker, turn))
    return {"title": title, "payload": payload}


def human_button(tracker: Tracker, turn: Turn, rule: str | None = None) -> dict[str, str]:
    """"Talk to a person": a plain request for a human, or a handoff under ``rule`` (so the
    case says why, e.g. ``return_not_eligible``)."""
    return button(tracker, turn, "human", f"/handoff:{rule}" if rule else "/request_human")


def findings_of(tracker: Tracker) -> BotFindings:
    return BotFindings.from_state(tracker.get_slot("findings"))


def findings_event(findings: BotFindings) -> EventType:
    return SlotSet("findings", findings.to_state())


def updated(findings: BotFindings, **changes: Any) -> BotFindings:
    data = findings.to_state() | changes
    return BotFindings.from_state(data)


def noted(findings: BotFindings, note: str) -> BotFindings:
    return updated(findings, answered=[*findings.answered, note])


def reasks(tracker: Tracker, slot: str) -> int:
    counts: Mapping[str, int] = tracker.get_slot("reasks") or {}
    return int(counts.get(slot, 0))


def reask_event(tracker: Tracker, slot: str) -> EventType:
    counts = dict(tracker.get_slot("reasks") or {})
    counts[slot] = int(counts.get(slot, 0)) + 1
    return SlotSet("reasks", counts)


def end_flow() -> list[EventType]:
    return [SlotSet("flow", None), SlotSet("requested_slot", None), SlotSet("reasks", {})]


def facts_for(tracker: Tracker, turn: Turn) -> TurnFacts:
    """The engine's facts of this turn, or facts rebuilt from the tracker (action server)."""
    if turn.facts is not None:
        return turn.facts
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return TurnFacts(text=str(latest.get("text") or ""), intent=str(intent.get("name") or ""),
                     confidence=float(intent.get("confidence") or 0.0),
                     language=locale_of(tracker, turn), now=turn.now,
                     order_id=tracker.get_slot("order_id"), flow=tracker.get_slot("flow"))


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, rule: str,
             findings: BotFindings) -> list[EventType]:
    """Ask the desk for the configured handoff of ``rule`` and pass the conversation on."""
    desk = turn.runtime.desk
    request = desk.request_for(rule, facts_for(tracker, turn))
    ticket = desk.hand_off(turn.session, turn.conversation, request, findings)
    for reply in ticket.replies:
        payload = reply.to_payload()
        dispatcher.utter_message(text=payload["text"], buttons=list(payload["buttons"]),
                                 json_message={"images": payload["images"]})
    return [*end_flow(), findings_event(findings), SlotSet("case_number", ticket.case_number),
            SlotSet("handoff_rule", rule)]
