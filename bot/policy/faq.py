"""FAQ answers: the specific entry a question asks for, within the turn's intent, with the
intent's generic answer as fallback (``training_data/faq.yml`` and ``training_data/faq/``).

An entry that matches strongly may also take over a turn the intent model gave to another
intent ("載具怎麼設定" reads as product usage to the model, but it is the invoice carrier
entry); `take_over` says when (thresholds in ``faq.yml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from bot.policy.faq_file import FaqEntry, FaqTables, entries_dir, load_faq_tables
from bot.policy.faq_match import FaqIndex, Match, Words


@dataclass(frozen=True)
class FaqReply:
    intent: str
    entry: str | None  # the entry's id; None: the intent's generic answer
    text: str

    @property
    def note(self) -> str:
        """What the case's findings record: "FAQ: invoice_request/invoice_tax_id"."""
        return f"FAQ: {self.intent}/{self.entry}" if self.entry else f"FAQ: {self.intent}"


class Faq:
    """The FAQ of every locale, indexed once."""

    def __init__(self, tables: FaqTables, words: Words) -> None:
        self.tables = tables
        self._words = words

    @cached_property
    def _indexes(self) -> dict[str, FaqIndex]:
        # Indexed on first use: the segmentation comes from the NLU model, which the
        # standalone action server loads only when an action needs it.
        return {loc: FaqIndex(entries, self._words)
                for loc, entries in self.tables.entries.items()}

    @property
    def intents(self) -> frozenset[str]:
        return frozenset(self.tables.generic)

    def generic(self, intent: str, locale: str, default_locale: str) -> str:
        by_locale = self.tables.generic[intent]
        return by_locale.get(locale) or by_locale[default_locale]

    def reply(self, text: str, locale: str, default_locale: str, intent: str) -> FaqReply:
        """The answer to ``text`` asked as ``intent``: the entry it matches, else generic."""
        match = self._best(text, locale, default_locale, (intent,))
        if match is not None and match.passes(self.tables.match):
            return FaqReply(intent, match.entry.id, match.entry.answer)
        return FaqReply(intent, None, self.generic(intent, locale, default_locale))

    def take_over(self, text: str, locale: str, default_locale: str, intent: str,
                  confidence: float) -> FaqEntry | None:
        """The entry that should answer a turn the model gave to ``intent`` (None: keep the
        model's intent). Only weak or listed intents are taken over, only by a strong match
        of another intent's entry."""
        rule = self.tables.take_over
        if intent not in rule.from_intents and confidence >= rule.below_confidence:
            return None
        match = self._best(text, locale, default_locale, None)
        if match is None or not match.passes(rule.match) or match.entry.intent == intent:
            return None
        return match.entry

    def _best(self, text: str, locale: str, default_locale: str,
              intents: tuple[str, ...] | None) -> Match | None:
        index = self._indexes.get(locale) or self._indexes[default_locale]
        return index.best(text, intents)


def load_faq(path: Path, locales: tuple[str, ...], words: Words) -> Faq:
    """Read the FAQ tables and index every locale's entries (``words``: the NLU's jieba
    segmentation of normalised text). Indexing takes a few hundred milliseconds, so the same
    unchanged files with the same segmentation give the same (immutable) `Faq`."""
    files = (path, *sorted(entries_dir(path).glob("*.yml")))
    stamps = tuple((str(f), f.stat().st_mtime_ns) for f in files if f.exists())
    return _load(path, locales, words, stamps)


@lru_cache(maxsize=4)
def _load(path: Path, locales: tuple[str, ...], words: Words,
          stamps: tuple[tuple[str, int], ...]) -> Faq:
    return Faq(load_faq_tables(path, locales), words)
