"""Which action (or plain response) answers a turn, given the intent and the active flow.

Interruptions: a new flow intent switches flows (keeping the order already identified); an FAQ
question is answered inside a flow (the answer reminds the customer where we were); a cancel
phrase leaves the flow; a holding turn ("稍等") is answered "take your time" and the flow waits;
a refusal of the bot's open offer ("我不要换货") goes to the return flow, which offers
the alternative; anything else inside a flow goes to the flow's action, which re-asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.engine.state import ACTION_OF_FLOW, FLOW_OF_INTENT, Dialogue
from bot.policy.dialogue import DialogueConfig

OUT_OF_SCOPE = "out_of_scope"
NOT_UNDERSTOOD = "nlu_fallback"
FALLBACK_INTENTS = frozenset({OUT_OF_SCOPE, NOT_UNDERSTOOD})
REFUSE_OFFER = "refuse_offer"  # set by the reading: the message refuses the open offer
# Photo collection answers "稍等" itself: the SOP wants it to reassure and list what is missing.
_ANSWERS_HOLDING_ITSELF = frozenset({"photos"})
_SMALLTALK = {"greet": "greet", "thanks": "thanks", "goodbye": "goodbye",
              "deny": "anything_else", "affirm": "how_can_i_help"}


@dataclass(frozen=True)
class Step:
    """Run an action (``action``) or say a response template (``template``)."""

    action: str | None = None
    template: str | None = None
    topic_buttons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class TurnInput:
    intent: str
    text: str
    has_photos: bool
    now: datetime
    handoff_rule: str | None = None  # from a "/handoff:<rule>" button
    holding: bool = False  # "稍等，我找一下" (see DialogueConfig.is_holding)
    chit_chat: bool = False  # understood, but nothing the shop answers ("你们招人吗")


def route(dialogue: Dialogue, turn: TurnInput, faq_intents: frozenset[str],
          config: DialogueConfig) -> Step:
    """The one step answering this turn (state changes such as starting a flow happen here)."""
    if dialogue.flow and config.is_cancel(turn.text):
        dialogue.end_flow()
        dialogue.slots["next_request"] = None  # "算了" drops what was queued too
        return Step(template="cancelled")
    if turn.intent == "handoff":
        dialogue.slots["handoff_rule"] = turn.handoff_rule
        return Step(action="action_handoff")
    if turn.intent == REFUSE_OFFER and dialogue.slots.get("offered"):
        # "我不要换货": the return flow answers with what the policy allows instead
        dialogue.slots.update(flow="return", refused=dialogue.slots["offered"], reasks={})
        return Step(action=ACTION_OF_FLOW["return"])
    if turn.holding and dialogue.slots.get("requested_slot") not in _ANSWERS_HOLDING_ITSELF:
        return Step(template="holding")  # the flow waits; its question is not re-asked
    if turn.chit_chat:
        # Said inside a flow too; the flow waits and its question is not counted as re-asked.
        return Step(template="out_of_scope", topic_buttons=config.topics)
    if turn.intent in FLOW_OF_INTENT:
        return Step(action=dialogue.start(turn.intent, turn.now))
    if turn.intent in faq_intents:
        return Step(action="action_faq")
    if dialogue.flow:
        if turn.intent == "goodbye":
            dialogue.end_flow()
            return Step(template="goodbye")
        return Step(action=ACTION_OF_FLOW[dialogue.flow])
    return _outside_flow(dialogue, turn, config)


def _outside_flow(dialogue: Dialogue, turn: TurnInput, config: DialogueConfig) -> Step:
    topics = config.topics
    if turn.has_photos:
        return Step(template="photo_without_context",
                    topic_buttons=("quality_issue", "shipping_damage", "wrong_or_missing_item"))
    if turn.intent == "inform" and dialogue.slots.get("order_id"):
        if dialogue.slots.get("phone"):  # order + phone, no question yet: most want its status
            return Step(action=dialogue.start("order_status", turn.now))
        return Step(template="order_topic", topic_buttons=topics)
    template = _SMALLTALK.get(turn.intent)
    if template:
        buttons = topics if template in ("greet", "how_can_i_help") else ()
        return Step(template=template, topic_buttons=buttons)
    return Step(template="fallback", topic_buttons=topics)
