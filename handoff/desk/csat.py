"""Customer satisfaction: the 1–5 rating after resolution, or "not solved" (which reopens)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.config.replies import CSAT_PAYLOAD, NOT_SOLVED
from handoff.config.yamlfile import load_yaml
from handoff.store.models.chat import Conversation

STATE_KEY = "handoff"  # the desk's own corner of Conversation.state
_RATING = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|分|星|stars?))?\s*$", re.IGNORECASE)


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
    # The engine stores a pressed button as {"button": payload}; the wire form is {"payload"}.
    raw = str((payload or {}).get("button") or (payload or {}).get("payload") or "")
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
    corner = (conversation.state or {}).get(STATE_KEY) or {}
    number = corner.get("csat_case")
    return str(number) if number else None


def set_awaiting(conversation: Conversation, case_number: str | None) -> None:
    # A new dict, so SQLAlchemy sees the JSON column change.
    state = dict(conversation.state or {})
    corner = dict(state.get(STATE_KEY) or {})
    if case_number:
        corner["csat_case"] = case_number
    else:
        corner.pop("csat_case", None)
    state[STATE_KEY] = corner
    conversation.state = state
