"""Sensitive-word detection (legal, media, regulator, safety), independent of the intent.

Terms and allow-listed benign phrases come from a lexicon file
(``training_data/lexicons/sensitive.yml``). Both are normalised like messages
(so one Simplified entry also matches Traditional and full-width input) and put in
one Aho-Corasick automaton: the text is scanned once. Context rules:

* a hit lying inside an allow-listed phrase (曝光补偿, 多媒体, fire tv, court shoe)
  does not fire;
* a term that starts or ends with a Latin letter or a digit only matches as a whole
  word (``sue`` not in ``issue``, ``12315`` not inside an order number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from nlu.config import ConfigError, load_yaml
from nlu.normalize import Normalized, normalize
from nlu.payloads import SensitivePayload

_ALLOW = "__allow__"


@dataclass(frozen=True)
class SensitiveHit:
    """One sensitive word found in a message (offsets in the original text)."""

    word: str
    category: str
    start: int
    end: int
    term: str

    def to_payload(self) -> SensitivePayload:
        """Wire form used in the parse result."""
        return {"word": self.word, "category": self.category, "start": self.start, "end": self.end}


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _terms(raw: Any, category: str) -> list[str]:
    """Accept a flat list or a mapping language → list."""
    if isinstance(raw, Mapping):
        return [t for lang_terms in raw.values() for t in _terms(lang_terms, category)]
    if isinstance(raw, list) and all(isinstance(t, str) for t in raw):
        return list(raw)
    raise ConfigError(f"sensitive lexicon: category '{category}' must list strings")


class SensitiveMatcher:
    """Single-pass matcher built from a lexicon mapping."""

    def __init__(self, lexicon: Mapping[str, Any]) -> None:
        categories = lexicon.get("categories")
        if not isinstance(categories, Mapping):
            raise ConfigError("sensitive lexicon: 'categories' mapping is required")
        self.lexicon = dict(lexicon)
        self._automaton = ahocorasick.Automaton()
        for category, raw in categories.items():
            for term in _terms(raw, str(category)):
                self._add(term, str(category))
        for phrase in _terms(lexicon.get("allow") or [], "allow"):
            self._add(phrase, _ALLOW)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def _add(self, term: str, category: str) -> None:
        key = normalize(term).text.strip()
        if not key:
            return
        existing = self._automaton.get(key, None)
        # An allow phrase equal to a term wins: the lexicon author marked it benign.
        if existing is None or category == _ALLOW:
            self._automaton.add_word(key, (category, key))

    @classmethod
    def from_file(cls, path: Path | str) -> SensitiveMatcher:
        """Load a lexicon YAML file."""
        raw = load_yaml(Path(path))
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{path}: sensitive lexicon must be a mapping")
        try:
            return cls(raw)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc

    def find(self, text: str) -> list[SensitiveHit]:
        """Sensitive hits in a raw message."""
        return self.find_normalized(normalize(text))

    def find_normalized(self, norm: Normalized) -> list[SensitiveHit]:
        """Sensitive hits in an already normalised message."""
        text = norm.text
        if not text or self._empty:
            return []
        hits: list[tuple[int, int, str, str]] = []
        allowed: list[tuple[int, int]] = []
        for end_index, (category, key) in self._automaton.iter(text):
            start, end = end_index - len(key) + 1, end_index + 1
            if not self._whole_word(text, start, end, key):
                continue
            if category == _ALLOW:
                allowed.append((start, end))
            else:
                hits.append((start, end, category, key))
        kept = [h for h in hits if not any(a <= h[0] and h[1] <= b for a, b in allowed)]
        return [self._hit(norm, *h) for h in _longest_first(kept)]

    @staticmethod
    def _whole_word(text: str, start: int, end: int, key: str) -> bool:
        if _is_word_char(key[0]) and start > 0 and _is_word_char(text[start - 1]):
            return False
        return not (_is_word_char(key[-1]) and end < len(text) and _is_word_char(text[end]))

    @staticmethod
    def _hit(norm: Normalized, start: int, end: int, category: str, key: str) -> SensitiveHit:
        o_start, o_end = norm.span(start, end)
        return SensitiveHit(norm.original[o_start:o_end], category, o_start, o_end, key)


def _longest_first(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Drop hits overlapping a longer (or earlier) one: 律师函 wins over 律师."""
    chosen: list[tuple[int, int, str, str]] = []
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(hit[1] <= c[0] or hit[0] >= c[1] for c in chosen):
            chosen.append(hit)
    return sorted(chosen)
