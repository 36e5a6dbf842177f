"""The identifier patterns of training_data/privacy/identifiers.yml, as a masker."""

from __future__ import annotations

import re
from pathlib import Path

from handoff.config.yamlfile import load_yaml
from handoff.store.masking import CHECKS, IdentifierKind, IdentifierMasker, IdentifierPattern


def load_masker(path: Path) -> IdentifierMasker:
    """Every locale's patterns, cards first, then IDs, then phones (a bad pattern or check
    fails loudly here)."""
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
    return IdentifierMasker(patterns)


_ORDER = (IdentifierKind.BANK_CARD, IdentifierKind.NATIONAL_ID, IdentifierKind.PHONE)
