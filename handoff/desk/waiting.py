"""While a case waits for a person: the customer always gets a sign of life.

The SOP's promise after a handoff is that nobody talks into a void. In human mode, until an
agent has answered, the desk decides per message (``training_data/handoff/waiting.yml``):

- "不用了 / never mind" → offer to close the case (buttons: close / keep waiting);
- "还要等多久 / how long" → the case's due time, in the customer's words;
- an L1 question (order status, return eligibility, FAQ) → the bot answers it as usual (the
  message and the answer stay on the case); once an agent has answered, the agent owns it;
- anything else → "已补充到工单 …", the first time and then at most once per interval, until
  an agent has answered (then the agent is in the conversation and the desk stays quiet).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from handoff.config.replies import Replies, when_words
from handoff.config.yamlfile import load_yaml
from handoff.desk.cases import add_event, transition
from handoff.ports import TurnFacts
from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation, Message
from handoff.store.models.enums import CaseStatus, ConversationMode
from handoff.store.reply import Button, OutboundMessage, pressed_payload

PAYLOAD = "waiting:"
CLOSE, KEEP = "close", "keep"
STATE_KEY = "waiting"  # this module's corner of Conversation.state


@dataclass(frozen=True)
class WaitingPolicy:
    acknowledge_every: timedelta
    bot_intents: frozenset[str]
    min_confidence: float
    with_order_number: frozenset[str]
    how_long: tuple[str, ...]
    never_mind: tuple[str, ...]
    close: tuple[str, ...]


def load_waiting(path: Path) -> WaitingPolicy:
    data = load_yaml(path) or {}
    answers, words = data.get("bot_answers") or {}, data.get("words") or {}
    return WaitingPolicy(
        acknowledge_every=timedelta(minutes=float(data.get("acknowledge_every_minutes", 10))),
        bot_intents=frozenset(str(i) for i in answers.get("intents") or ()),
        min_confidence=float(answers.get("min_confidence", 0.6)),
        with_order_number=frozenset(str(i) for i in answers.get("with_order_number") or ()),
        how_long=_words(words.get("how_long")), never_mind=_words(words.get("never_mind")),
        close=_words(words.get("close")))


def _words(values: Iterable[object] | None) -> tuple[str, ...]:
    return tuple(_fold(str(v)) for v in values or ())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _says(text: str, words: tuple[str, ...]) -> bool:
    folded = _fold(text)
    return any(word in folded for word in words)


class Waiting:
    """The desk's answer to a customer message while their case is open in human mode."""

    def __init__(self, policy: WaitingPolicy, replies: Replies, timezone: str) -> None:
        self.policy, self._replies, self._timezone = policy, replies, timezone

    def answer(self, session: Session, conversation: Conversation, case: Case, message: Message,
               facts: TurnFacts | None, now: datetime) -> list[OutboundMessage] | None:
        """The replies (possibly none), or None: the bot answers this L1 question itself."""
        choice, corner = _choice(message), conversation.corner(STATE_KEY)
        locale = case.locale
        if choice == CLOSE or (corner.get("offered_close") == case.number
                               and _says(message.text, self.policy.close)):
            return [self._close(session, conversation, case, now)]
        if choice == KEEP:
            conversation.set_corner(STATE_KEY, {**corner, "offered_close": None})
            return [self._replies.reply("waiting_kept", locale, case_number=case.number)]
        if _says(message.text, self.policy.never_mind):
            conversation.set_corner(STATE_KEY, {**corner, "offered_close": case.number})
            return [self._offer_close(case)]
        if _says(message.text, self.policy.how_long):
            due = _due(case)
            return [self._replies.reply(
                "waiting_due", locale, case_number=case.number, overdue=bool(due and due < now),
                when=when_words(max(due or now, now), now, self._timezone))]
        if self._bot_may_answer(case, facts):
            return None
        return self._acknowledge(conversation, case, corner, now)

    def _bot_may_answer(self, case: Case, facts: TurnFacts | None) -> bool:
        if facts is None or case.first_response_at is not None:
            return False  # an agent has answered: the conversation is theirs
        if facts.flow is not None:
            return True  # the bot's own question of this wait (order number, phone) continues
        if facts.intent in self.policy.with_order_number and facts.order_id:
            return True
        return (facts.intent in self.policy.bot_intents
                and facts.confidence >= self.policy.min_confidence)

    def _acknowledge(self, conversation: Conversation, case: Case, corner: dict[str, Any],
                     now: datetime) -> list[OutboundMessage]:
        if case.first_response_at is not None:
            return []  # an agent is in the conversation: they answer, not an automatic line
        last = corner.get("acked_at")
        if last and now - datetime.fromisoformat(last) < self.policy.acknowledge_every:
            return []  # added to the case quietly: one sign of life per interval is enough
        conversation.set_corner(STATE_KEY, {**corner, "acked_at": now.isoformat()})
        due = _due(case)
        when = when_words(due, now, self._timezone) if due and due > now else None
        return [self._replies.reply("waiting_ack", case.locale, case_number=case.number,
                                    when=when)]

    def _offer_close(self, case: Case) -> OutboundMessage:
        render = self._replies.render
        text = render("waiting_offer_close", case.locale, case_number=case.number)
        return OutboundMessage(text, (
            Button(render("waiting_close_button", case.locale), f"{PAYLOAD}{CLOSE}"),
            Button(render("waiting_keep_button", case.locale), f"{PAYLOAD}{KEEP}")))

    def _close(self, session: Session, conversation: Conversation, case: Case,
               now: datetime) -> OutboundMessage:
        # The SOP has no new → resolved step: the customer's withdrawal takes the case through
        # in-progress, each step on the audit trail as the customer's.
        transition(session, case, CaseStatus.IN_PROGRESS, now, "customer")
        transition(session, case, CaseStatus.RESOLVED, now, "customer")
        add_event(session, case, "withdrawn_by_customer", now, "customer")
        conversation.mode = ConversationMode.BOT
        conversation.set_corner(STATE_KEY, {})
        return self._replies.reply("waiting_closed", case.locale, case_number=case.number)


def _due(case: Case) -> datetime | None:
    return case.first_response_due if case.first_response_at is None else case.resolution_due


def _choice(message: Message) -> str | None:
    raw = pressed_payload(message.payload)
    return raw[len(PAYLOAD):] if raw.startswith(PAYLOAD) else None
