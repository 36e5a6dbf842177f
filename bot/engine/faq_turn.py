"""An FAQ entry taking over a turn: "載具怎麼設定" reads as product usage to the intent
model and "do you ship to Macau" as out of scope, but each is asked word for word by an FAQ
entry. When `Faq.take_over` finds such an entry the turn becomes that entry's intent, so the
desk and the router see an FAQ question like any other."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.engine.reading import Reading
from bot.engine.state import Dialogue
from bot.messages import InboundMessage
from bot.runtime import Runtime


def faq_take_over(runtime: Runtime, message: InboundMessage, parse: dict[str, Any],
                  dialogue: Dialogue, locale: str, reading: Reading) -> Reading:
    """The reading of the turn, with its intent replaced when an FAQ entry takes it over
    (``parse`` is updated in place). A pressed button and a holding turn ("稍等") keep
    theirs; inside a flow only an FAQ intent is taken over, since free text there may be
    the answer to the flow's question."""
    faq = runtime.faq
    if message.payload is not None or reading.holding or (
            dialogue.flow and reading.intent not in faq.intents):
        return reading
    entry = faq.take_over(message.text, locale, runtime.settings.default_locale,
                          reading.intent, float(parse["intent"]["confidence"]))
    if entry is None:
        return reading
    parse["faq_take_over"] = {"from": reading.intent, "entry": entry.id}
    parse["intent"] = {"name": entry.intent, "confidence": 1.0}
    return replace(reading, intent=entry.intent, understood=True, chit_chat=False)
