"""Customer satisfaction, all of it: the rating prompt sent at resolution, reading the answer
(a 1–5 rating, or "not solved", which reopens the case), and recording it on the case."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.config.replies import Replies
from handoff.config.yamlfile import load_yaml
from handoff.desk import cases
from handoff.routing.sla import SlaClock
from handoff.store.models import Case, Conversation, ConversationMode
from handoff.store.reply import Button, OutboundMessage, pressed_payload

CSAT_PAYLOAD = "csat:"
NOT_SOLVED = "not_solved"
STATE_KEY = "handoff"  # the desk's own corner of Conversation.state
_RATING = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|分|星|stars?))?\s*$", re.IGNORECASE)

CSAT_ANSWER = "csat"  # Message.nlu["answered_by"] of a rating the desk recorded


@dataclass(frozen=True)
class CsatAnswer:
    rating: int | None = None
    not_solved: bool = False


def load_not_solved_words(path: Path) -> tuple[str, ...]:
    data = load_yaml(path) or {}
    return tuple(str(w).casefold() for w in data.get("not_solved") or ())


def parse_answer(text: str, payload: Mapping[str, Any] | None,
                 not_solved_words: tuple[str, ...]) -> CsatAnswer | None:
    """A rating (button payload ``csat:N``, "4", "４分", "★★★★") or "not solved"; else None."""
    raw = pressed_payload(payload)
    if not raw.startswith(CSAT_PAYLOAD) and text.strip().startswith(CSAT_PAYLOAD):
        raw = text.strip()
    if raw.startswith(CSAT_PAYLOAD):
        value = raw[len(CSAT_PAYLOAD):]
        return CsatAnswer(not_solved=True) if value == NOT_SOLVED else _rating(value)
    folded = unicodedata.normalize("NFKC", text).strip()
    if folded and set(folded) == {"★"} and len(folded) <= 5:
        return CsatAnswer(rating=len(folded))
    match = _RATING.match(folded)
    if match:
        return CsatAnswer(rating=int(match.group(1)))
    lowered = folded.casefold()
    return CsatAnswer(not_solved=True) if any(w in lowered for w in not_solved_words) else None


def _rating(value: str) -> CsatAnswer | None:
    return CsatAnswer(rating=int(value)) if value in {"1", "2", "3", "4", "5"} else None


def awaiting_case(conversation: Conversation) -> str | None:
    """The number of the case whose rating the conversation waits for, if any."""
    number = conversation.corner(STATE_KEY).get("csat_case")
    return str(number) if number else None


def set_awaiting(conversation: Conversation, case_number: str | None) -> None:
    corner = conversation.corner(STATE_KEY)
    if case_number:
        corner["csat_case"] = case_number
    else:
        corner.pop("csat_case", None)
    conversation.set_corner(STATE_KEY, corner)


def csat_prompt(replies: Replies, locale: str, case_number: str) -> OutboundMessage:
    """The rating question with 1–5 buttons and "not solved"."""
    not_solved = replies.render("handoff_csat_not_solved", locale)
    buttons = [Button("★" * n, f"{CSAT_PAYLOAD}{n}") for n in range(1, 6)]
    buttons.append(Button(not_solved, f"{CSAT_PAYLOAD}{NOT_SOLVED}"))
    text = replies.render("handoff_csat", locale, case_number=case_number, not_solved=not_solved)
    return OutboundMessage(text, tuple(buttons))


def record_answer(session: Session, conversation: Conversation, number: str,
                  answer: CsatAnswer, replies: Replies, sla: SlaClock,
                  now: datetime) -> list[OutboundMessage]:
    """Store the rating on case ``number`` and thank the customer, or reopen the case to the
    same agent when the customer says it is not solved."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    set_awaiting(conversation, None)
    if case is None:
        return []
    if answer.rating is not None:
        case.csat = answer.rating
        cases.add_event(session, case, "csat", now, "customer", rating=answer.rating)
        return [replies.reply("handoff_csat_thanks", case.locale, rating=answer.rating)]
    due = sla.due(case.queue, case.priority, now)
    if not case.status.is_open:
        cases.reopen(session, case, conversation_id=conversation.id,
                     channel=conversation.channel, due=due, now=now, actor="customer",
                     reason="customer said not solved")
    conversation.mode, conversation.case_id = ConversationMode.HUMAN, case.id
    return [replies.reply("handoff_reopened", case.locale, case_number=case.number,
                          due=due.first_response)]
