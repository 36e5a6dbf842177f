"""``action_faq``: answers for invoices, product usage, account, payment, delivery and returns
basics: the FAQ entry the question matches within its intent (``training_data/faq/``), else
the intent's generic answer (``training_data/faq.yml``), with a human offered when the answer
does not help."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import (
    button,
    findings_event,
    findings_of,
    locale_of,
    noted,
    say,
    updated,
)
from bot.actions.context import Turn, TurnAction


class ActionFaq(TurnAction):
    """Answer the FAQ intent of the latest message; an active flow is resumed afterwards."""

    def name(self) -> str:
        return "action_faq"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        # The decided intent (a pressed button or the threshold may differ from the ranking).
        intent = str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")
        faq = turn.runtime.faq
        if intent not in faq.intents:
            intent = tracker.get_slot("faq_topic") or ""
        if intent not in faq.intents:
            say(dispatcher, tracker, turn, "fallback", buttons=[])
            return []
        text = str((tracker.latest_message or {}).get("text") or "")
        reply = faq.reply(text, locale_of(tracker, turn), turn.runtime.settings.default_locale,
                          intent)
        if turn.message is not None:  # the trainers' review sees which entry answered
            turn.message.nlu = {**(turn.message.nlu or {}), "faq_entry": reply.entry}
        buttons = [button(tracker, turn, "not_helpful", "/handoff:not_helpful")]
        say(dispatcher, tracker, turn, "faq_answer", buttons=buttons, topic=intent,
            answer=reply.text, flow=tracker.get_slot("flow") or "",
            requested_slot=tracker.get_slot("requested_slot") or "")
        findings = findings_of(tracker)
        findings = noted(updated(findings, issue=findings.issue or intent), reply.note)
        return [findings_event(findings)]
