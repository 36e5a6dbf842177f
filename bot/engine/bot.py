"""`Bot.handle`: the one transport-free entry point of the dialogue engine.

Per message, in ONE transaction: upsert customer and conversation → store the inbound message
under ``<channel>:<update id>`` (a redelivery returns the replies already produced) → NLU →
desk.intercept → desk.check_turn → route → rasa-sdk action / response → replies stored with
their outbox rows. Any error rolls everything back, so a redelivery starts over cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.actions.context import Turn, engine_turn
from bot.engine.router import FALLBACK_INTENTS, Step, TurnInput, route
from bot.engine.runner import ActionRunner, tracker_dump
from bot.engine.state import Dialogue
from bot.engine.store import (
    find_inbound,
    inbound_key,
    replies_to,
    store_inbound,
    store_replies,
)
from bot.engine.understanding import (
    Photos,
    handoff_rule,
    parse_message,
    store_photos,
    turn_facts,
)
from bot.messages import Button, InboundMessage, OutboundMessage
from bot.runtime import Runtime
from handoff.config.replies import choose_locale
from handoff.ports import TurnFacts
from handoff.store.conversations import open_conversation
from handoff.store.models import Conversation, Customer, Message


@dataclass
class _Turn:
    session: Session
    customer: Customer
    conversation: Conversation
    inbound: Message
    message: InboundMessage
    parse: dict[str, Any]
    photos: Photos
    dialogue: Dialogue
    locale: str
    facts: TurnFacts | None = None


class Bot:
    """The dialogue engine over a `Runtime`. Synchronous: channels call it in a thread."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._runner = ActionRunner()

    def handle(self, message: InboundMessage) -> list[OutboundMessage]:
        """Answer one customer message (idempotent per ``update_id``)."""
        limit = self.runtime.dialogue.max_text_chars
        if len(message.text) > limit:
            # The web chat refuses longer text (413); a platform cannot be refused, so its text
            # is cut: understanding 100,000 characters would hold the turn for minutes.
            message = replace(message, text=message.text[:limit])
        try:
            with self.runtime.db.session() as session:
                return self._handle(session, message)
        except IntegrityError:
            # A concurrent delivery of the same update committed first: answer as a redelivery.
            with self.runtime.db.session() as session:
                existing = find_inbound(session, inbound_key(message))
                if existing is None:
                    raise
                return replies_to(session, existing)

    def _handle(self, session: Session, message: InboundMessage) -> list[OutboundMessage]:
        now = self.runtime.clock.now()
        existing = find_inbound(session, inbound_key(message))
        if existing is not None:
            return replies_to(session, existing)
        customer, conversation = open_conversation(
            session, message.channel, message.external_id, now, message.display_name)
        photos = store_photos(self.runtime, message)
        inbound = store_inbound(session, conversation, message,
                                [blob.to_dict() for blob in photos.stored], now)
        turn = self._understand(session, customer, conversation, inbound, message, photos)
        replies = self._respond(turn)
        conversation.state = turn.dialogue.merged_into(conversation.state)
        conversation.updated_at = now
        store_replies(session, conversation, inbound, replies, now)
        return replies

    def _understand(self, session: Session, customer: Customer, conversation: Conversation,
                    inbound: Message, message: InboundMessage, photos: Photos) -> _Turn:
        now = self.runtime.clock.now()
        parse = parse_message(self.runtime, message, now)
        inbound.nlu = parse
        detected = parse["language"] or conversation.locale or message.language_hint or ""
        locale = self.runtime.replies.locale(choose_locale(
            detected, conversation.locale, message.text,
            self.runtime.dialogue.sticky_locale_max_chars))
        conversation.locale = customer.language = locale
        conversation.updated_at = now
        return _Turn(session, customer, conversation, inbound, message, parse, photos,
                     Dialogue.load(conversation.state), locale)

    def _respond(self, turn: _Turn) -> list[OutboundMessage]:
        dialogue, intent = turn.dialogue, turn.parse["intent"]["name"]
        absorbed = dialogue.absorb(turn.parse["entities"], turn.message.text)
        fallback = intent in FALLBACK_INTENTS or intent == self.runtime.models.model.fallback_intent
        understood = absorbed or bool(turn.photos.stored) or not fallback
        # "稍等，我找一下单号" is not a misunderstanding: it neither counts nor resets the count.
        holding = not understood and self.runtime.dialogue.is_holding(turn.message.text)
        if not holding:
            dialogue.fallbacks = 0 if understood else dialogue.fallbacks + 1
        turn.facts = turn_facts(turn.parse, dialogue, turn.locale, self.runtime.clock.now())
        self._sync(turn)
        desk = self.runtime.desk
        intercepted = desk.intercept(turn.session, turn.conversation, turn.inbound, turn.facts)
        if intercepted is not None:
            return list(intercepted)
        request = desk.check_turn(turn.session, turn.conversation, turn.facts)
        if request is not None:
            ticket = desk.hand_off(turn.session, turn.conversation, request,
                                   dialogue.findings_value)
            dialogue.end_flow()
            dialogue.fallbacks = 0
            return list(ticket.replies)
        if turn.photos.rejected:
            return [self._utter(turn, Step(template="photo_rejected"),
                                reason=turn.photos.rejected)]
        step = route(dialogue, TurnInput(intent, turn.message.text, bool(turn.photos.stored),
                                         turn.facts.now, handoff_rule(turn.message), holding),
                     self.runtime.faq.intents, self.runtime.dialogue)
        if step.action:
            return self._run(turn, step.action)
        return [self._utter(turn, step)]

    def _sync(self, turn: _Turn) -> None:
        """Write the dialogue state before the desk reads it."""
        turn.conversation.state = turn.dialogue.merged_into(turn.conversation.state)

    def _run(self, turn: _Turn, action: str) -> list[OutboundMessage]:
        slots = {**turn.dialogue.slots, "findings": turn.dialogue.findings,
                 "locale": turn.locale,
                 "customer_name": turn.customer.display_name or turn.dialogue.slots.get(
                     "customer_name")}
        tracker = tracker_dump(f"{turn.message.channel}:{turn.message.external_id}", slots,
                               turn.parse, [blob.to_dict() for blob in turn.photos.stored])
        self._sync(turn)
        context = Turn(self.runtime, turn.session, turn.customer, turn.conversation,
                       turn.inbound, turn.facts, self.runtime.clock.now())
        with engine_turn(context):
            result = self._runner.run(action, tracker)
        turn.dialogue.take_slots(result.slots, context.now)
        return result.replies

    def _utter(self, turn: _Turn, step: Step, **context: Any) -> OutboundMessage:
        replies = self.runtime.replies
        name = turn.customer.display_name or turn.dialogue.slots.get("customer_name") or ""
        text = replies.render(step.template or "fallback", turn.locale, name=name, **context)
        buttons = tuple(Button(replies.render(f"button_{topic}", turn.locale), f"/{topic}")
                        for topic in step.topic_buttons)
        return OutboundMessage(text, buttons)
