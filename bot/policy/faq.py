"""FAQ answers per intent and locale (``training_data/faq.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoff.config.yamlfile import ConfigFileError, load_yaml


@dataclass(frozen=True)
class Faq:
    answers: dict[str, dict[str, str]]

    @property
    def intents(self) -> frozenset[str]:
        return frozenset(self.answers)

    def answer(self, intent: str, locale: str, fallback_locale: str) -> str:
        by_locale = self.answers[intent]
        return by_locale.get(locale) or by_locale[fallback_locale]


def load_faq(path: Path, locales: tuple[str, ...]) -> Faq:
    """Read the FAQ file; every intent must answer in every locale."""
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigFileError(f"{path}: top level must map intents to answers")
    answers: dict[str, dict[str, str]] = {}
    for intent, by_locale in raw.items():
        missing = [loc for loc in locales if not (by_locale or {}).get(loc)]
        if missing:
            raise ConfigFileError(f"{path}: {intent} has no answer in {', '.join(missing)}")
        answers[str(intent)] = {str(k): str(v) for k, v in by_locale.items()}
    return Faq(answers)
