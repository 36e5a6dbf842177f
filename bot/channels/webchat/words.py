"""The widget's words per locale, from ``templates/webchat/words.yml`` (read and checked once:
a locale missing a word fails at start-up, not as a blank button in a customer's browser)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoff.config.replies import LOCALES, locale_of
from handoff.config.yamlfile import ConfigFileError, load_yaml

WORDS_FILE = Path("webchat") / "words.yml"


@dataclass(frozen=True)
class WidgetWords:
    by_locale: dict[str, dict[str, str]]
    default_locale: str

    def locale(self, requested: str | None) -> str:
        """A supported locale for what the page asked for (``zh-TW`` → zh-Hant, …)."""
        return locale_of(requested or self.default_locale, self.default_locale)

    def of(self, locale: str) -> dict[str, str]:
        return self.by_locale[locale]


def load_words(templates_dir: Path, default_locale: str) -> WidgetWords:
    path = templates_dir / WORDS_FILE
    table = load_yaml(path) or {}
    if not isinstance(table, dict):
        raise ConfigFileError(f"{path}: expected a mapping of locale → words")
    keys = set((table.get("en") or {}).keys())
    words: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        entry = table.get(locale)
        if not isinstance(entry, dict) or set(entry) != keys or not keys:
            missing = sorted(keys - set(entry or {})) if isinstance(entry, dict) else "all"
            raise ConfigFileError(f"{path}: {locale} must have the same words as en "
                                  f"(missing: {missing})")
        words[locale] = {str(k): str(v) for k, v in entry.items()}
    return WidgetWords(words, locale_of(default_locale, LOCALES[0]))
