"""The identifier patterns of training_data/privacy/identifiers.yml, as a masker, and the display
guard (`guard_text`) that masks phone numbers only, in any text shown to people."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from handoff.config.paths import default_training_data_dir
from handoff.config.yamlfile import load_yaml
from handoff.store.masking import CHECKS, IdentifierKind, IdentifierMasker, IdentifierPattern


def load_masker(path: Path) -> IdentifierMasker:
    """Every locale's patterns, cards first, then IDs, then phones (a bad pattern or check
    fails loudly here), with the `never` shapes (dates, times, amounts) they must leave alone."""
    data = load_yaml(path) or {}
    patterns = []
    for locale, entries in (data.get("locales") or {}).items():
        for entry in entries or ():
            check = entry.get("check")
            if check is not None and check not in CHECKS:
                raise ValueError(f"{path}: {locale}: unknown check {check!r}")
            patterns.append(IdentifierPattern(IdentifierKind(entry["kind"]),
                                              re.compile(entry["pattern"]), check))
    # Longest, checked shapes first: a card's first 8 digits must not be taken for a phone.
    patterns.sort(key=lambda pattern: _ORDER.index(pattern.kind))
    exclusions = [re.compile(entry["pattern"]) for entry in data.get("never") or ()]
    return IdentifierMasker(patterns, exclusions)


_ORDER = (IdentifierKind.BANK_CARD, IdentifierKind.NATIONAL_ID, IdentifierKind.PHONE)


@cache
def _phone_guard(path: Path) -> IdentifierMasker:
    return load_masker(path).only(IdentifierKind.PHONE)


def guard_text(text: str, path: Path | None = None) -> str:
    """Phones masked in text about to be shown (transcripts, summaries, topics), in case of rows
    written before masking at entry; dates, times, order / tracking / RMA numbers and amounts
    are never changed."""
    return _phone_guard(path or _default_identifiers()).mask(text)


@cache
def _default_identifiers() -> Path:
    return default_training_data_dir() / "privacy" / "identifiers.yml"
