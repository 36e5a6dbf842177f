"""The region table (``training_data/policies/regions.yml``): what tells a mainland, Taiwan or
Hong Kong customer apart, and which template overlay a region reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from pathlib import Path

from bot.policy.words import fold
from handoff.config.yamlfile import ConfigFileError, load_yaml


class Region(StrEnum):
    MAINLAND = "mainland"
    TAIWAN = "taiwan"
    HONGKONG = "hongkong"


class Basis(IntEnum):
    """What a region was read from; a weaker basis never overrides a stronger one."""

    SCRIPT = 1
    CHANNEL = 2
    HINT = 3
    TEXT = 4
    PHONE = 5


@dataclass(frozen=True)
class RegionSignals:
    region: Region
    overlays: tuple[tuple[str, str], ...]  # (locale, overlay locale)
    phone_prefixes: tuple[str, ...]
    mobile: re.Pattern[str]
    markers: tuple[str, ...]
    words: tuple[str, ...]
    language_hints: tuple[str, ...]
    channels: tuple[str, ...]

    def says(self, folded: str) -> bool:
        """A region word or (Hong Kong) a written-Cantonese marker in the folded text."""
        return any(w in folded for w in (*self.words, *self.markers))

    def is_cantonese(self, folded: str) -> bool:
        return any(m in folded for m in self.markers)


@dataclass(frozen=True)
class RegionTable:
    signals: tuple[RegionSignals, ...]
    script_regions: tuple[tuple[str, Region], ...]

    def of(self, region: Region) -> RegionSignals:
        return next(s for s in self.signals if s.region is region)

    def overlay(self, region: str | None, locale: str) -> str:
        """The template locale a customer of ``region`` reads for ``locale`` (itself if none)."""
        known = {r.value: r for r in Region}
        if region not in known:
            return locale
        return dict(self.of(known[region]).overlays).get(locale, locale)


def _signals(name: str, raw: dict[str, object]) -> RegionSignals:
    def words(key: str) -> tuple[str, ...]:
        values = raw.get(key) or []
        assert isinstance(values, list), key
        return tuple(sorted({fold(str(v)) for v in values}, key=len, reverse=True))

    overlays = raw.get("overlays") or {}
    assert isinstance(overlays, dict)
    return RegionSignals(Region(name), tuple((str(k), str(v)) for k, v in overlays.items()),
                         words("phone_prefixes"), re.compile(str(raw["mobile"])),
                         words("markers"), words("words"), words("language_hints"),
                         words("channels"))


def load_regions(path: Path) -> RegionTable:
    raw = load_yaml(path) or {}
    try:
        signals = tuple(_signals(name, spec) for name, spec in raw["regions"].items())
        scripts = tuple((str(k), Region(v)) for k, v in raw["script_regions"].items())
    except (KeyError, TypeError, AttributeError, ValueError, AssertionError, re.error) as exc:
        raise ConfigFileError(f"{path}: bad region table ({exc!r})") from exc
    if {s.region for s in signals} != set(Region):
        raise ConfigFileError(f"{path}: every region needs an entry: {[r.value for r in Region]}")
    return RegionTable(signals, scripts)
