"""Word lists and bounds of the dialogue (``training_data/policies/dialogue.yml``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.policy.words import fold, word_list
from handoff.config.yamlfile import ConfigFileError, load_yaml

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z0-9]")


def squash(text: str) -> str:
    """Lower case, full-width folded, punctuation and spaces removed (for phrase matching)."""
    return _PUNCT.sub("", fold(text))


def spaced(text: str) -> str:
    """Lower case, full-width folded, every run of punctuation and spaces one space."""
    return _PUNCT.sub(" ", fold(text)).strip()


def opens_with(text: str, phrase: str, max_lead: int) -> bool:
    """``phrase`` (both ``spaced``) starts within the first ``max_lead`` characters of ``text``,
    as whole words where it begins or ends with a Latin letter or digit ("wait" ≠ "waited")."""
    start = text.find(phrase)
    while 0 <= start <= max_lead:
        end = start + len(phrase)
        before_ok = start == 0 or not (_LATIN.match(phrase[0]) and _LATIN.match(text[start - 1]))
        after_ok = end == len(text) or not (_LATIN.match(phrase[-1]) and _LATIN.match(text[end]))
        if before_ok and after_ok:
            return True
        start = text.find(phrase, start + 1)
    return False


@dataclass(frozen=True)
class Gibberish:
    """Keyboard mashing and punctuation-only messages (see ``gibberish`` in dialogue.yml)."""

    rows: tuple[str, ...]
    keyboard_run: int
    consonant_run: int

    def matches(self, text: str) -> bool:
        folded = fold(text)
        if any("\u3400" <= ch <= "\u9fff" for ch in folded):
            return False
        words = re.findall(r"[a-z]+", folded)
        if not words:  # "？？？" is noise; "👍" or "5566" is not
            return bool(folded.strip()) and all(
                unicodedata.category(ch)[0] == "P" or ch.isspace() for ch in folded)
        mashed = [w for w in words if len(w) >= 3 and self._mashed(w)]
        return len(mashed) * 2 >= len(words)

    def _mashed(self, word: str) -> bool:
        consonants = re.findall(r"[b-df-hj-np-tv-z]+", word)
        if not re.search(r"[aeiouy]", word) or max(map(len, consonants), default=0) >= \
                self.consonant_run:
            return True
        run = self.keyboard_run
        return any(word[i:i + run] in row or word[i:i + run] in row[::-1]
                   for row in self.rows for i in range(len(word) - run + 1))


@dataclass(frozen=True)
class DialogueConfig:
    cancel_phrases: frozenset[str]
    sticky_locale_max_chars: int
    topics: tuple[str, ...]
    ship_within_hours: int
    transit_days: int
    max_text_chars: int
    webchat_poll_seconds: float
    holding_phrases: frozenset[str] = frozenset()
    holding_max_lead_chars: int = 0
    gibberish: Gibberish | None = None
    cantonese_markers: tuple[str, ...] = ()
    request_joiners: tuple[str, ...] = ()
    long_message_chars: int = 0  # 0: every message is read as one request
    refusals: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (offer kind, phrases spaced)

    def last_question(self, text: str) -> str:
        """A long message's last sentence (a complaint that ends with its question: the
        question decides the turn); a short message whole."""
        if not self.long_message_chars or len(text) < self.long_message_chars:
            return text
        sentences = [s for s in _SENTENCE_END.split(text) if len(squash(s)) >= 2]
        return sentences[-1] if sentences else text

    def refuses(self, text: str, offered: str) -> bool:
        """The message refuses the ``offered`` kind ("我不要换货", "no, I want my money back"),
        anywhere in it; Latin phrases as whole words."""
        message = spaced(text)
        phrases = next((words for kind, words in self.refusals if kind == offered), ())
        return any(opens_with(message, p, len(message)) for p in phrases)

    def split_requests(self, text: str) -> tuple[str, str] | None:
        """The message cut at its first request joiner into two non-trivial parts, or None."""
        folded = fold(text)
        for joiner in self.request_joiners:
            start = folded.find(joiner)
            while start > 0:
                first, second = text[:start], text[start + len(joiner):]
                latin = joiner[0].isascii()
                bounded = not latin or (not folded[start - 1].isalnum() and (
                    start + len(joiner) >= len(folded)
                    or not folded[start + len(joiner)].isalnum()))
                if latin and joiner.startswith("and ") and joiner != "and also":
                    second = text[start + 4:]  # "and can I …": the question keeps its words
                if bounded and len(squash(first)) >= 2 and len(squash(second)) >= 2:
                    return first, second
                start = folded.find(joiner, start + 1)
        return None

    def is_cantonese(self, text: str) -> bool:
        return any(marker in text for marker in self.cantonese_markers)

    def is_gibberish(self, text: str) -> bool:
        return self.gibberish is not None and self.gibberish.matches(text)

    def is_cancel(self, text: str) -> bool:
        """The message is a cancel phrase, give or take one trailing character ("算了吧").

        Longer messages are not cancels: "取消订单" asks for something, "stopped working"
        reports a defect."""
        squashed = squash(text)
        return any(squashed.startswith(p) and len(squashed) - len(p) <= 1
                   for p in self.cancel_phrases)

    def is_holding(self, text: str) -> bool:
        """The message asks the bot to wait ("稍等，我找一下单号", "ok hang on"): it opens with
        a holding phrase, after at most ``holding_max_lead_chars`` characters ("好的 稍等")."""
        message = spaced(text)
        return any(opens_with(message, p, self.holding_max_lead_chars)
                   for p in self.holding_phrases)


# Where a sentence ends: Chinese full stops and marks, or Latin ones before a space.
_SENTENCE_END = re.compile(r"[。！？!?\n]+|(?<=[.;])\s+")


def _phrases(raw: dict[str, list[str]], form: Callable[[str], str]) -> frozenset[str]:
    return frozenset(p for by_locale in raw.values() for p in map(form, by_locale) if p)


def _gibberish(raw: dict[str, object]) -> Gibberish:
    rows = raw["keyboard_rows"]
    assert isinstance(rows, list)
    return Gibberish(tuple(str(r) for r in rows), int(str(raw["keyboard_run"])),
                     int(str(raw["consonant_run"])))


def _refusals(raw: dict[str, dict[str, list[str]]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(kind), tuple(sorted(_phrases(by_locale, spaced), key=len, reverse=True)))
                 for kind, by_locale in raw.items())


def load_dialogue(path: Path) -> DialogueConfig:
    raw = load_yaml(path) or {}
    try:
        estimate = raw["delivery_estimate"]
        return DialogueConfig(_phrases(raw["cancel_phrases"], squash),
                              int(raw["sticky_locale_max_chars"]), tuple(raw["topics"]),
                              int(estimate["ship_within_hours"]), int(estimate["transit_days"]),
                              int(raw["max_text_chars"]), float(raw["webchat_poll_seconds"]),
                              _phrases(raw["holding_phrases"], spaced),
                              int(raw["holding_max_lead_chars"]), _gibberish(raw["gibberish"]),
                              tuple(str(m) for m in raw["cantonese_markers"]),
                              word_list(raw["request_joiners"]),
                              int(raw.get("long_message_chars", 0)),
                              _refusals(raw["refusals"]))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad dialogue config ({exc!r})") from exc
