"""The handoff sentences the customer reads (templates/replies/<locale>/handoff_*.txt)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handoff.config.templating import environment
from handoff.ports import ButtonPayload, ReplyPayload

LOCALES = ("zh-Hans", "zh-Hant", "en")
CSAT_PAYLOAD = "csat:"
NOT_SOLVED = "not_solved"


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


class HandoffReplies:
    """Renders handoff_<name>.txt in the customer's locale, times in shop time."""

    def __init__(self, templates_dir: Path, timezone: str) -> None:
        self._env = environment(templates_dir)
        self._zone = ZoneInfo(timezone)
        self._timezone = timezone

    def text(self, locale: str, name: str, **context: Any) -> str:
        local = {k: v.astimezone(self._zone) if isinstance(v, datetime) else v
                 for k, v in context.items()}
        template = self._env.get_template(f"replies/{locale}/handoff_{name}.txt")
        return template.render(timezone=self._timezone, **local).strip()

    def reply(self, locale: str, name: str, **context: Any) -> ReplyPayload:
        return ReplyPayload(text=self.text(locale, name, **context), buttons=[], images=[])

    def csat_prompt(self, locale: str, case_number: str) -> ReplyPayload:
        """The rating question with 1–5 buttons and "not solved"."""
        not_solved = self.text(locale, "csat_not_solved")
        buttons = [ButtonPayload(title="★" * n, payload=f"{CSAT_PAYLOAD}{n}") for n in range(1, 6)]
        buttons.append(ButtonPayload(title=not_solved, payload=f"{CSAT_PAYLOAD}{NOT_SOLVED}"))
        text = self.text(locale, "csat", case_number=case_number, not_solved=not_solved)
        return ReplyPayload(text=text, buttons=buttons, images=[])
