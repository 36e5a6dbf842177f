"""Frustration detection (``training_data/lexicons/frustration.yml``): a phrase list per locale
plus punctuation and capitals, so "三天了都没人理我", "太离谱了", "WHERE IS MY ORDER" and "???" are
met with an apology first (the SOP's LAST: Listen, Apologize, Solve, Thank)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.policy.words import fold, word_list
from handoff.config.yamlfile import ConfigFileError, load_yaml


@dataclass(frozen=True)
class FrustrationDetector:
    phrases: tuple[str, ...]
    repeated_marks: int
    shouted_words: int

    def is_frustrated(self, text: str) -> bool:
        folded = unicodedata.normalize("NFKC", text)  # capitals still tell shouting
        lowered = fold(text)
        if any(p in lowered for p in self.phrases):
            return True
        if re.search(rf"([!?])\1{{{self.repeated_marks - 1},}}", folded):
            return True
        shouted = [w for w in re.findall(r"[A-Za-z]{3,}", folded) if w.isupper()]
        return len(shouted) >= self.shouted_words


def load_frustration(path: Path) -> FrustrationDetector:
    raw = load_yaml(path) or {}
    try:
        signals = raw["signals"]
        return FrustrationDetector(word_list(raw["phrases"]),
                                   int(signals["repeated_marks"]), int(signals["shouted_words"]))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad frustration lexicon ({exc!r})") from exc
