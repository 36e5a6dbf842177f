"""The one reply renderer: ``templates/replies/<locale>/<name>.txt``, the one locale list, and
the choice of reply language.

Actions, the engine and the desk all render through `Replies`; instants in the context are
shown in shop time. Templates use StrictUndefined (a missing variable is an error) and only
ever get masked phones; customer text is not echoed into replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handoff.config.settings import Settings
from handoff.config.templating import environment
from handoff.store.reply import OutboundMessage

LOCALES: tuple[str, ...] = ("zh-Hans", "zh-Hant", "en")
# Regional variants: a folder holding only the templates whose wording differs (Hong Kong says
# 末四位, 順豐站, 智能櫃); every other template falls back to the base locale, one by one.
OVERLAYS: dict[str, str] = {"zh-Hant-HK": "zh-Hant"}
_BLANK_LINES = re.compile(r"\n{3,}")
_CODES = re.compile(r"\S*\d\S*")


@dataclass(frozen=True)
class Replies:
    """Renders reply templates for one shop (name, default locale, time zone)."""

    templates_dir: Path
    default_locale: str
    shop_name: str
    timezone: str = "Asia/Shanghai"

    @classmethod
    def from_settings(cls, settings: Settings) -> Replies:
        return cls(settings.templates_dir, settings.default_locale, settings.shop_name,
                   settings.timezone)

    def render(self, template_name: str, locale: str | None, /, **context: Any) -> str:
        """The reply ``template_name`` in ``locale`` (the default locale when unknown)."""
        zone = ZoneInfo(self.timezone)
        local = {k: v.astimezone(zone) if isinstance(v, datetime) else v
                 for k, v in context.items()}
        template = environment(self.templates_dir).get_template(
            self._path(template_name, self.locale(locale)))
        text = template.render(shop_name=self.shop_name, timezone=self.timezone, **local)
        return _BLANK_LINES.sub("\n\n", text.strip())

    def reply(self, template_name: str, locale: str | None, /,
              **context: Any) -> OutboundMessage:
        return OutboundMessage(self.render(template_name, locale, **context))

    def locale(self, locale: str | None) -> str:
        return locale if locale in LOCALES or locale in OVERLAYS else self.default_locale

    def names(self, locale: str) -> set[str]:
        """Template names present for ``locale`` (for the completeness test); an overlay has
        its base locale's too."""
        folder = self.templates_dir / "replies" / locale
        own = {p.stem for p in folder.glob("*.txt")}
        return own | self.names(OVERLAYS[locale]) if locale in OVERLAYS else own

    def _path(self, template_name: str, locale: str) -> str:
        """The overlay's own template when it has one, else its base locale's."""
        base = OVERLAYS.get(locale)
        own = self.templates_dir / "replies" / locale / f"{template_name}.txt"
        if base and not own.is_file():
            locale = base
        return f"replies/{locale}/{template_name}.txt"


def when_words(due: datetime, now: datetime, timezone: str) -> dict[str, Any]:
    """A due time as the customer reads it, in shop time: ``day`` is today / tomorrow / later,
    ``minutes`` is set when it is less than an hour away. Templates turn it into words
    ("今天 15:30 前", "明天 10:00 前", "within 5 minutes"), never a time-zone label."""
    zone = ZoneInfo(timezone)
    local_due, local_now = due.astimezone(zone), now.astimezone(zone)
    days = (local_due.date() - local_now.date()).days
    left = (due - now).total_seconds()
    return {"day": "today" if days <= 0 else "tomorrow" if days == 1 else "later",
            "minutes": max(1, -(-int(left) // 60)) if 0 < left < 3600 else None,
            "at": local_due}


def locale_of(language: str | None, default: str) -> str:
    """Map a detected language (``zh-Hans``, ``zh-TW``, ``en-US`` …) onto a template locale."""
    lang = (language or "").replace("_", "-").casefold()
    if lang.startswith("en"):
        return "en"
    if lang in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
        return "zh-Hant"
    if lang.startswith("zh"):
        return "zh-Hans"
    return default if default in LOCALES else LOCALES[0]


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
