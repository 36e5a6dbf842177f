"""`Bot.handle`: the one transport-free entry point of the dialogue engine.

Per message, in ONE transaction: upsert customer and conversation → store the inbound message
under ``<channel>:<update id>`` (a redelivery returns the replies already produced) → NLU →
desk.intercept → desk.check_turn → route → rasa-sdk action / response → replies stored with
their outbox rows. Any error rolls everything back, so a redelivery starts over cleanly.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.actions.context import Turn, engine_turn
from bot.engine.faq_turn import faq_take_over
from bot.engine.reading import read_turn, second_request
from bot.engine.region import is_cantonese, keep_region, read_region
from bot.engine.router import (
    Step,
    TurnInput,
    route,
)
from bot.engine.runner import ActionRunner, tracker_dump
from bot.engine.state import Dialogue
from bot.engine.store import (
    find_inbound,
    inbound_key,
    record_evidence,
    replies_to,
    store_inbound,
    store_replies,
)
from bot.engine.understanding import (
    Photos,
    handoff_rule,
    masked_parse,
    parse_message,
    seal_phone,
    store_photos,
    turn_facts,
)
from bot.messages import Button, InboundMessage, OutboundMessage
from bot.runtime import Runtime
from handoff.config.replies import choose_locale
from handoff.ports import TurnFacts
from handoff.store.conversations import open_conversation
from handoff.store.models import Conversation, Customer, Message
from nlu.normalize import script_neutral


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
    entities: list[dict[str, Any]]  # unmasked, in memory only: they fill the slots
    facts: TurnFacts | None = None


@dataclass(frozen=True)
class _Parsed:
    full: dict[str, Any]  # unmasked: its entities fill the slots, in this turn's memory only
    masked: dict[str, Any]  # what is stored and shown


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_CAS_ATTEMPTS = 6  # a turn that loses a compare-and-set or a deadlock runs again, this often
_CAS_BACKOFF_SECONDS = 0.02


def _lost_race(exc: Exception) -> bool:
    """A compare-and-set lost, a deadlock broken (40P01) or a serialisation failure (40001)."""
    return isinstance(exc, StaleDataError) or getattr(
        getattr(exc, "orig", None), "sqlstate", None) in ("40P01", "40001")


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
        # Understood before the transaction: the parse needs no store, so no lock waits on it.
        parsed = self._parse(message)
        for attempt in range(_CAS_ATTEMPTS - 1):
            try:
                return self._once(message, parsed)
            except (StaleDataError, OperationalError) as exc:
                # An agent (in another worker) changed this conversation's case while the turn
                # ran, or PostgreSQL broke a deadlock: the whole turn rolled back; run it again
                # on the case as it is now.
                if not _lost_race(exc):
                    raise
                # Apart, so two turns that deadlocked do not meet again at once.
                time.sleep(random.uniform(0, _CAS_BACKOFF_SECONDS * (attempt + 1)))
        return self._once(message, parsed)

    def _parse(self, message: InboundMessage) -> _Parsed:
        full = parse_message(self.runtime, message, self.runtime.clock.now())
        return _Parsed(full, masked_parse(self.runtime, full))

    def _once(self, message: InboundMessage, parsed: _Parsed) -> list[OutboundMessage]:
        try:
            # No autoflush: the turn changes the conversation and its messages step by step,
            # and every query in between would write them again; the store's functions flush
            # where they need ids or counts, and the commit writes the rest once.
            with self.runtime.db.session() as session, session.no_autoflush:
                return self._handle(session, message, parsed)
        except IntegrityError:
            # A concurrent delivery of the same update committed first: answer as a redelivery.
            with self.runtime.db.session() as session:
                existing = find_inbound(session, inbound_key(message))
                if existing is None:
                    raise
                return replies_to(session, existing)

    def _handle(self, session: Session, message: InboundMessage,
                parsed: _Parsed) -> list[OutboundMessage]:
        now = self.runtime.clock.now()
        existing = find_inbound(session, inbound_key(message))
        if existing is not None:
            return replies_to(session, existing)
        customer, conversation = open_conversation(
            session, message.channel, message.external_id, now, message.display_name)
        photos = store_photos(self.runtime, message)
        # Masked before anything is written: the full text lives only in this turn's memory.
        inbound = store_inbound(session, conversation,
                                replace(message, text=self.runtime.masker.mask(message.text)),
                                [blob.to_dict() for blob in photos.stored], now, parsed.masked)
        turn = self._understand(session, customer, conversation, inbound, message, photos,
                                parsed)
        replies = self._respond(turn)
        conversation.state = turn.dialogue.merged_into(conversation.state)
        conversation.updated_at = now
        record_evidence(session, conversation, inbound, photos.stored, now)
        store_replies(session, conversation, inbound, replies, now)
        return replies

    def _understand(self, session: Session, customer: Customer, conversation: Conversation,
                    inbound: Message, message: InboundMessage, photos: Photos,
                    parsed: _Parsed) -> _Turn:
        now = self.runtime.clock.now()
        full, parse = parsed.full, dict(parsed.masked)
        detected = parse["language"] or conversation.locale or message.language_hint or ""
        if not any(ch.isalpha() for ch in message.text):  # a photo alone says nothing
            detected = conversation.locale or message.language_hint or detected
        if self.runtime.dialogue.is_cantonese(message.text) or is_cantonese(
                self.runtime.regions, message.text):
            detected = "zh-Hant"  # Hong Kong customers read Traditional Chinese
        elif conversation.locale and (self.runtime.dialogue.is_gibberish(message.text) or (
                detected.startswith("zh") and conversation.locale.startswith("zh")
                and script_neutral(message.text))):
            # Mashing, or Chinese that reads the same in both scripts, says nothing about
            # which language to answer in: the conversation's stays.
            detected = conversation.locale
        locale = self.runtime.replies.locale(choose_locale(
            detected, conversation.locale, message.text,
            self.runtime.dialogue.sticky_locale_max_chars))
        conversation.locale = customer.language = locale
        conversation.updated_at = now
        dialogue = Dialogue.load(conversation.state)
        keep_region(dialogue.slots, read_region(self.runtime.regions, message.text,
                                                message.channel, message.language_hint, locale))
        return _Turn(session, customer, conversation, inbound, message, parse, photos,
                     dialogue, locale, list(full["entities"]))

    def _respond(self, turn: _Turn) -> list[OutboundMessage]:
        frustrated = self.runtime.frustration.is_frustrated(turn.message.text)
        if frustrated:  # the agent sees it in the summary; the case is one step more urgent
            extra = {**(turn.dialogue.findings.get("extra") or {}), "sentiment": "frustrated"}
            turn.dialogue.findings = {**turn.dialogue.findings, "extra": extra}
        second = second_request(self.runtime, turn.message, turn.parse)
        replies = self._answer(turn)
        if second and turn.conversation.mode.value == "bot":
            replies += self._then(turn, second)
        replies += self._next_request(turn)
        if frustrated and replies:  # LAST: listen and apologise before the solution
            apology = self._utter(turn, Step(template="apology"),
                                  variant=turn.conversation.id % 3)
            replies.insert(0, apology)
        return self._no_repeats(turn, replies)

    def _no_repeats(self, turn: _Turn, replies: list[OutboundMessage]) -> list[OutboundMessage]:
        """The same block twice in a row reads like a broken machine: the second time it is
        one line and a person is offered."""
        seen = set(turn.dialogue.last_replies)
        fresh = [r if _fingerprint(r.text) not in seen else self._repeated(turn) for r in replies]
        turn.dialogue.last_replies = [_fingerprint(r.text) for r in fresh]
        return fresh

    def _repeated(self, turn: _Turn) -> OutboundMessage:
        reply = self._utter(turn, Step(template="repeated"))
        title = self.runtime.replies.render("button_human", turn.locale)
        return OutboundMessage(reply.text, (Button(title, "/request_human"),))

    def _then(self, turn: _Turn, intent: str) -> list[OutboundMessage]:
        """The second request of the message: an FAQ is answered now; a flow waits for the
        first one to finish (the customer is told it comes next)."""
        if intent in self.runtime.faq.intents:
            turn.parse["intent"] = {"name": intent, "confidence": 1.0}
            return self._run(turn, "action_faq")
        turn.dialogue.slots["next_request"] = intent
        if turn.dialogue.flow:
            label = self._label(intent, turn.locale)
            return [self._utter(turn, Step(template="next_request"), topic=label)]
        return []

    def _next_request(self, turn: _Turn) -> list[OutboundMessage]:
        """A request the customer made earlier starts once the flow before it is done."""
        queued = turn.dialogue.slots.get("next_request")
        if not queued or turn.dialogue.flow or turn.conversation.mode.value != "bot":
            return []
        turn.dialogue.slots["next_request"] = None
        turn.parse["intent"] = {"name": queued, "confidence": 1.0}
        return self._run(turn, turn.dialogue.start(queued, self.runtime.clock.now()))

    def _label(self, intent: str, locale: str) -> str:
        name = f"button_{intent}"
        return self.runtime.replies.render(name, locale) \
            if name in self.runtime.replies.names(self.runtime.replies.locale(locale)) else ""

    def _answer(self, turn: _Turn) -> list[OutboundMessage]:
        dialogue = turn.dialogue
        reading = read_turn(self.runtime, turn.message, turn.parse, dialogue,
                            bool(turn.photos.stored))
        seal_phone(self.runtime, dialogue)  # a full number never stays in the slots
        reading = faq_take_over(self.runtime, turn.message, turn.parse, dialogue, turn.locale,
                                reading)
        intent = reading.intent
        if not reading.holding:  # "稍等，我找一下单号": neither counts nor resets the count
            dialogue.fallbacks = 0 if reading.understood else dialogue.fallbacks + 1
        turn.facts = turn_facts(turn.parse, dialogue, turn.locale, self.runtime.clock.now())
        self._sync(turn)
        desk = self.runtime.desk
        intercepted = desk.intercept(turn.session, turn.conversation, turn.inbound, turn.facts)
        if intercepted is not None:
            return list(intercepted)
        request = desk.check_turn(turn.session, turn.conversation, turn.facts)
        if self.runtime.compensation.answers(turn.message.text, request.rule if request else None):
            return self._run(turn, "action_compensation")  # the matrix, never a promise
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
                                         turn.facts.now, handoff_rule(turn.message),
                                         reading.holding, reading.chit_chat),
                     self.runtime.faq.intents, self.runtime.dialogue)
        turn.inbound.nlu = {**turn.parse, "answered_by": step.action or step.template}
        if step.template == "photo_without_context":  # kept until the customer says what happened
            dialogue.slots["pending_photos"] = [
                *(dialogue.slots.get("pending_photos") or []),
                *(blob.to_dict() for blob in turn.photos.stored)]
        if step.action:
            return self._run(turn, step.action)
        # Two phrasings alternate, so two chit-chat turns in a row do not read copy-pasted.
        return [self._utter(turn, step, variant=turn.inbound.id // 2 % 2)]

    def _sync(self, turn: _Turn) -> None:
        """Write the dialogue state before the desk reads it."""
        turn.conversation.state = turn.dialogue.merged_into(turn.conversation.state)

    def _run(self, turn: _Turn, action: str) -> list[OutboundMessage]:
        slots = {**turn.dialogue.slots, "findings": turn.dialogue.findings,
                 "locale": turn.locale,
                 "customer_name": turn.customer.display_name or turn.dialogue.slots.get(
                     "customer_name")}
        photos = [blob.to_dict() for blob in turn.photos.stored]
        if action == "action_collect_evidence":  # photos sent before the flow began count
            photos = [*(turn.dialogue.slots.pop("pending_photos", None) or []), *photos]
            slots.pop("pending_photos", None)
        tracker = tracker_dump(f"{turn.message.channel}:{turn.message.external_id}", slots,
                               turn.parse, photos)
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
        locale = self.runtime.regions.overlay(turn.dialogue.slots.get("region"), turn.locale)
        text = replies.render(step.template or "fallback", locale, name=name, **context)
        buttons = tuple(Button(replies.render(f"button_{topic}", turn.locale), f"/{topic}")
                        for topic in step.topic_buttons)
        return OutboundMessage(text, buttons)
