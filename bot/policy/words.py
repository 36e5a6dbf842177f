"""How the policy tables compare customer text with their word lists: both sides are NFKC
folded (full-width → half-width) and case-folded, and a word list is tried longest first, so
"尾号是" wins over "尾号" and "and also" over "also"."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def word_list(by_locale: Mapping[str, Iterable[object]]) -> tuple[str, ...]:
    """Every locale's words of a ``{locale: [words]}`` table, folded, once each, longest first."""
    words = {fold(str(w)) for ws in by_locale.values() for w in ws}
    return tuple(sorted(words, key=len, reverse=True))
