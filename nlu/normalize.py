"""Text normalisation and language detection.

The normalised text is what features, entities and the sensitive-word matcher see:
full-width → half-width (NFKC), lower case, runs of the same punctuation or emoji
collapsed to one, whitespace runs collapsed, Traditional Chinese folded to Simplified
with OpenCC. Every normalised character remembers the index of the original character
it came from, so offsets found on the normalised text map back to the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import opencc

Language = Literal["zh-Hans", "zh-Hant", "en"]


@dataclass(frozen=True)
class Normalized:
    """A normalised text with its mapping back to the original.

    ``origin[i]`` is the index in ``original`` of the character that produced
    ``text[i]``.
    """

    original: str
    text: str
    origin: tuple[int, ...]
    language: Language

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the matching span of ``original``."""
        if start >= end or not self.origin:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        first = self.origin[start]
        last = self.origin[end - 1]
        # The last normalised char may come from a character that NFKC expanded;
        # the original span ends after that whole character.
        return first, last + 1


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t.json")


def script_neutral(text: str) -> bool:
    """True when the text reads the same in Simplified and Traditional Chinese ("我想找真人客服"):
    it says nothing about which script the customer uses."""
    return _t2s().convert(text) == text == _s2t().convert(text)


def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (the characters OpenCC folds)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FA1F


def _is_collapsible(ch: str) -> bool:
    """Punctuation and symbols (emoji included) whose repetition carries no meaning."""
    cat = unicodedata.category(ch)
    return cat[0] in "PS"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """NFKC + lower case of one character (cached: messages reuse few characters)."""
    return unicodedata.normalize("NFKC", ch).lower()


def _fold_width(text: str) -> tuple[list[str], list[int]]:
    """Per-character NFKC/lower-case folding with whitespace and repeat collapsing."""
    chars: list[str] = []
    origin: list[int] = []
    for index, raw in enumerate(text):
        for ch in _fold_char(raw):
            if ch.isspace() or not ch.isprintable():
                ch = " "
                if not chars or chars[-1] == " ":
                    continue
            elif chars and ch == chars[-1] and _is_collapsible(ch):
                continue
            chars.append(ch)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return chars, origin


def _fold_script(text: str) -> str:
    """Traditional → Simplified, keeping the length so offsets stay valid.

    OpenCC's phrase tables can in rare cases change a segment's length; then the
    text is converted character by character instead.
    """
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


def detect_language(original_han: str, folded_han: str) -> Language:
    """Decide zh-Hant / zh-Hans / en from the Han characters of a message.

    Traditional if more characters change under t2s than under s2t; texts without
    Han characters are English (the only non-Chinese language of the taxonomy).
    """
    if not original_han:
        return "en"
    traditional = sum(1 for a, b in zip(original_han, folded_han, strict=True) if a != b)
    simplified_form = _s2t().convert(original_han)
    simplified = sum(1 for a, b in zip(original_han, simplified_form, strict=False) if a != b)
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching; see the module docstring."""
    chars, origin = _fold_width(text)
    folded = "".join(chars)
    if folded.isascii():
        return Normalized(text, folded, tuple(origin), "en")
    simplified = _fold_script(folded)
    han_positions = [i for i, ch in enumerate(folded) if is_han(ch)]
    original_han = "".join(folded[i] for i in han_positions)
    folded_han = "".join(simplified[i] for i in han_positions)
    language = detect_language(original_han, folded_han)
    return Normalized(text, simplified, tuple(origin), language)
