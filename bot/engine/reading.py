"""Reading one inbound message before routing it: the identifiers it carries (slots), what
kind of turn it is, and whether it holds two requests.

Identifiers alone answer the open question ("单号是 2026…" is `inform`, whatever the model
says); a refusal of the bot's open offer ("我不要换货") is `refuse_offer`; a photo while photos
are collected is evidence, never a new question; keyboard mashing is not understood; chit-chat
the shop cannot answer is understood, just out of scope (it does not count toward "two
misunderstandings → a person").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.router import FALLBACK_INTENTS, NOT_UNDERSTOOD, OUT_OF_SCOPE, REFUSE_OFFER
from bot.engine.state import FLOW_OF_INTENT, Dialogue
from bot.messages import InboundMessage
from bot.runtime import Runtime


@dataclass(frozen=True)
class Reading:
    intent: str
    understood: bool
    holding: bool  # "稍等，我找一下单号": neither a misunderstanding nor an answer
    chit_chat: bool


def read_turn(runtime: Runtime, message: InboundMessage, parse: dict[str, Any],
              dialogue: Dialogue, has_photos: bool) -> Reading:
    """Fill the slots from the whole message and decide the turn's intent (``parse`` is
    updated in place when the message answers a question or is noise)."""
    found = runtime.identifiers.read(message.text, phone_expected=dialogue.expects_phone)
    absorbed = dialogue.absorb(found)
    model, text, pressed = runtime.models.model, message.text, message.payload is not None
    collecting = dialogue.flow == "evidence" or dialogue.slots.get("requested_slot") == "photos"
    if (found.only or (has_photos and collecting)) and not pressed:
        parse["intent"] = {"name": "inform", "confidence": 1.0}
    elif not pressed and (question := runtime.dialogue.last_question(text)) != text:
        # A long story ending with its question: the question, without its identifiers, decides.
        alone = runtime.identifiers.read(question, phone_expected=dialogue.expects_phone)
        _read_request_alone(runtime, alone.request if alone.found else question, parse)
        if alone.found and parse["intent"]["name"] not in _requests(runtime):
            parse["intent"] = {"name": "inform", "confidence": 1.0}  # "查訂單 TW2026…，末四碼 …"
    elif found.found and not pressed and len(found.request) >= 2:
        _read_request_alone(runtime, found.request, parse)
    elif not found.found and not has_photos and not pressed and runtime.dialogue.is_gibberish(
            text):
        parse["intent"] = {"name": NOT_UNDERSTOOD, "confidence": 1.0}
    if not pressed and dialogue.slots.get("offered") and runtime.dialogue.refuses(
            text, dialogue.slots["offered"]):
        # "我不要换货", whatever the model reads into it ("I don't want a refund" is not a
        # request for a refund, nor for a person): the open offer is refused.
        parse["intent"] = {"name": REFUSE_OFFER, "confidence": 1.0}
    intent = parse["intent"]["name"]
    unsure = intent in FALLBACK_INTENTS or intent == model.fallback_intent
    holding = unsure and not absorbed and runtime.dialogue.is_holding(text)
    # The classifier's own choice, not the threshold's fallback (which may share the name).
    ranking = parse.get("intent_ranking") or [{"name": intent}]
    chit_chat = intent == OUT_OF_SCOPE == ranking[0]["name"] and not holding
    understood = absorbed or has_photos or chit_chat or not unsure
    return Reading(intent, understood, holding and not understood, chit_chat)


def _read_request_alone(runtime: Runtime, request: str, parse: dict[str, Any]) -> None:
    """"我要退貨，訂單 TW2026…，末四碼 5678" reads as `inform` because the identifiers dominate
    the features; the request without them ("我要退貨") decides, when it is clearly one of the
    bot's requests (never to make a message out of scope)."""
    alone = runtime.models.model.parse(request, runtime.clock.now().date())
    name, confidence = alone["intent"]["name"], float(alone["intent"]["confidence"])
    if name in _requests(runtime) and confidence >= runtime.identifiers.request_confidence \
            and name != parse["intent"]["name"]:
        parse["intent"], parse["intent_ranking"] = alone["intent"], alone["intent_ranking"]


def second_request(runtime: Runtime, message: InboundMessage,
                   parse: dict[str, Any]) -> str | None:
    """Two requests in one message: ``parse`` takes the first part's intent and the second
    part's intent is returned (None when the message holds one request)."""
    parts = runtime.dialogue.split_requests(message.text)
    if parts is None or message.payload is not None:
        return None
    model, today = runtime.models.model, runtime.clock.now().date()
    first, second = (model.parse(part, today) for part in parts)
    intents = first["intent"]["name"], second["intent"]["name"]
    if intents[0] == intents[1] or not set(intents) <= _requests(runtime):
        return None
    parse["intent"], parse["intent_ranking"] = first["intent"], first["intent_ranking"]
    return intents[1]


def _requests(runtime: Runtime) -> set[str]:
    """The intents the bot itself serves: its flows and its FAQ topics."""
    return set(FLOW_OF_INTENT) | runtime.faq.intents
