"""The words agents read, per locale (templates/i18n/{locale}.yml): statuses, priorities,
intents, rules, policy outcomes, the readable summary's sentences and the console's labels.

`Words` looks a key up in the agent's locale, then in English, then shows the code itself, so a
new code never breaks a page; it only reads as the code until someone words it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import load_yaml

LOCALES = ("zh-Hans", "zh-Hant", "en")
FALLBACK = "en"


@dataclass(frozen=True)
class Words:
    locale: str
    table: Mapping[str, Any]
    fallback: Mapping[str, Any]

    def __call__(self, key: str, **values: Any) -> str:
        """``key`` is ``section.code`` (``status.in_progress``); ``{name}`` fields filled in."""
        text = _lookup(self.table, key)
        if text is None:
            text = _lookup(self.fallback, key)
        if text is None:
            return key.split(".", 1)[-1]
        return str(text).format_map(_Blank(values)) if values else str(text)

    def code(self, section: str, code: object) -> str:
        """The words for a code of ``section`` (``code("status", "new")`` → 待分派)."""
        return self(f"{section}.{code}") if code not in (None, "") else ""

    def section(self, name: str) -> dict[str, str]:
        merged = {**dict(self.fallback.get(name) or {}), **dict(self.table.get(name) or {})}
        return {str(key): str(value) for key, value in merged.items()}


class _Blank(dict[str, Any]):
    """A field the caller did not supply reads as empty, not as a KeyError on a live page."""

    def __missing__(self, key: str) -> str:
        return ""


def _lookup(table: Mapping[str, Any], key: str) -> Any:
    node: Any = table
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return None if isinstance(node, Mapping) else node


def supported(locale: str | None) -> str:
    """``locale`` if it is one of ours (``zh-TW`` → zh-Hant, ``zh-CN`` → zh-Hans), else English."""
    if locale in LOCALES:
        return str(locale)
    lowered = (locale or "").lower()
    if lowered.startswith("zh"):
        return "zh-Hant" if any(tag in lowered for tag in ("hant", "tw", "hk", "mo")) else "zh-Hans"
    return FALLBACK


@cache
def words(templates_dir: Path, locale: str) -> Words:
    """The words of ``locale`` (an unknown locale reads English)."""
    chosen = supported(locale)
    fallback = _table(templates_dir, FALLBACK)
    return Words(chosen, _table(templates_dir, chosen), fallback)


@cache
def _table(templates_dir: Path, locale: str) -> Mapping[str, Any]:
    return dict(load_yaml(templates_dir / "i18n" / f"{locale}.yml") or {})
