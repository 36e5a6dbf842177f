"""Word lists and bounds of the dialogue (``training_data/policies/dialogue.yml``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from handoff.yamlfile import ConfigFileError, load_yaml

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def squash(text: str) -> str:
    """Lower case, full-width folded, punctuation and spaces removed (for phrase matching)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class DialogueConfig:
    cancel_phrases: frozenset[str]
    sticky_locale_max_chars: int
    topics: tuple[str, ...]
    ship_within_hours: int
    transit_days: int
    max_text_chars: int
    webchat_poll_seconds: float

    def is_cancel(self, text: str) -> bool:
        """The message is a cancel phrase, give or take one trailing character ("算了吧").

        Longer messages are not cancels: "取消订单" asks for something, "stopped working"
        reports a defect."""
        squashed = squash(text)
        return any(squashed.startswith(p) and len(squashed) - len(p) <= 1
                   for p in self.cancel_phrases)


def load_dialogue(path: Path) -> DialogueConfig:
    raw = load_yaml(path) or {}
    try:
        phrases = {squash(p) for by_locale in raw["cancel_phrases"].values() for p in by_locale}
        estimate = raw["delivery_estimate"]
        return DialogueConfig(frozenset(p for p in phrases if p),
                              int(raw["sticky_locale_max_chars"]), tuple(raw["topics"]),
                              int(estimate["ship_within_hours"]), int(estimate["transit_days"]),
                              int(raw["max_text_chars"]), float(raw["webchat_poll_seconds"]))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad dialogue config ({exc!r})") from exc
