"""Customer replies rendered from ``templates/replies/<locale>/<name>.txt`` and the choice of
reply language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.config.templating import environment

LOCALES: tuple[str, ...] = ("zh-Hans", "zh-Hant", "en")
_BLANK_LINES = re.compile(r"\n{3,}")
_CODES = re.compile(r"\S*\d\S*")


@dataclass(frozen=True)
class Replies:
    """Renders reply templates with StrictUndefined (a missing variable is an error)."""

    templates_dir: Path
    default_locale: str
    shop_name: str

    def render(self, template_name: str, locale: str, /, **context: Any) -> str:
        """The reply ``template_name`` in ``locale``. Templates only ever get masked phones
        (``OrderView.phone_masked``); customer text is not echoed into replies."""
        template = environment(self.templates_dir).get_template(
            f"replies/{self.locale(locale)}/{template_name}.txt")
        text = template.render(shop_name=self.shop_name, **context).strip()
        return _BLANK_LINES.sub("\n\n", text)

    def locale(self, locale: str | None) -> str:
        return locale if locale in LOCALES else self.default_locale

    def names(self, locale: str) -> set[str]:
        """Template names present for ``locale`` (for the completeness test)."""
        folder = self.templates_dir / "replies" / locale
        return {p.stem for p in folder.glob("*.txt")}


def choose_locale(detected: str, current: str | None, text: str, sticky_max_chars: int) -> str:
    """Answer in the language the customer writes, but keep the conversation's language for
    messages too short to tell: "好的" is both zh-Hans and zh-Hant, "ok" or "5678" in a Chinese
    conversation says nothing about switching. Chinese characters in an English conversation do
    switch it."""
    detected = detected if detected in LOCALES else (current or LOCALES[0])
    if current is None or current == detected:
        return detected
    text = _CODES.sub("", text)  # order numbers and phones ("TW2026…") are not language
    short = len(text.strip()) <= sticky_max_chars
    has_cjk = any("\u3400" <= ch <= "\u9fff" for ch in text)
    if current.startswith("zh") and detected.startswith("zh"):
        return current if short else detected
    if current.startswith("zh"):
        return current if short or not any(ch.isalpha() for ch in text) else detected
    return detected if has_cjk and not short else current
