"""Reading the FAQ tables: ``training_data/faq.yml`` (thresholds and the generic answer per
intent) and ``training_data/faq/{locale}.yml`` (the question/answer entries of each locale)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import ConfigFileError, load_yaml


@dataclass(frozen=True)
class FaqEntry:
    """One specific answer: the intent it belongs to, how customers ask it, what we answer."""

    id: str
    intent: str
    questions: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Thresholds:
    """An entry is chosen when its similarity reaches ``min_similarity`` and beats the
    runner-up entry by ``margin``."""

    min_similarity: float
    margin: float


@dataclass(frozen=True)
class TakeOver:
    """When an entry may answer a turn the intent model gave to another intent: the model
    chose one of ``from_intents`` or was less sure than ``below_confidence``, and the entry
    matches at least as well as ``match`` says."""

    match: Thresholds
    from_intents: frozenset[str]
    below_confidence: float


@dataclass(frozen=True)
class FaqTables:
    generic: dict[str, dict[str, str]]  # intent → locale → answer
    entries: dict[str, tuple[FaqEntry, ...]]  # locale → entries
    match: Thresholds
    take_over: TakeOver


def load_faq_tables(path: Path, locales: tuple[str, ...]) -> FaqTables:
    """Read ``faq.yml`` and the entries beside it; every intent answers in every locale and
    every entry belongs to one of those intents."""
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("generic"), dict):
        raise ConfigFileError(f"{path}: expected 'generic' answers per intent")
    generic = _generic(path, raw["generic"], locales)
    folder = entries_dir(path)
    entries = {loc: _entries(folder / f"{loc}.yml", frozenset(generic)) for loc in locales}
    take = raw.get("take_over") or {}
    return FaqTables(
        generic=generic, entries=entries, match=_thresholds(path, raw.get("match")),
        take_over=TakeOver(match=_thresholds(path, take),
                           from_intents=frozenset(str(i) for i in take.get("from_intents") or ()),
                           below_confidence=float(take.get("below_confidence", 0.0))))


def entries_dir(path: Path) -> Path:
    """The folder of the entries beside the FAQ file: ``faq.yml`` → ``faq/``."""
    return path.with_suffix("")


def _generic(path: Path, raw: dict[str, Any],
             locales: tuple[str, ...]) -> dict[str, dict[str, str]]:
    answers: dict[str, dict[str, str]] = {}
    for intent, by_locale in raw.items():
        missing = [loc for loc in locales if not (by_locale or {}).get(loc)]
        if missing:
            raise ConfigFileError(f"{path}: {intent} has no answer in {', '.join(missing)}")
        answers[str(intent)] = {str(k): str(v).strip() for k, v in by_locale.items()}
    return answers


def _thresholds(path: Path, raw: Any) -> Thresholds:
    if not isinstance(raw, dict) or "min_similarity" not in raw or "margin" not in raw:
        raise ConfigFileError(f"{path}: thresholds need min_similarity and margin")
    return Thresholds(float(raw["min_similarity"]), float(raw["margin"]))


def _entries(path: Path, intents: frozenset[str]) -> tuple[FaqEntry, ...]:
    raw = load_yaml(path) or {}
    items = raw.get("entries") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ConfigFileError(f"{path}: expected a mapping with an 'entries' list")
    entries = tuple(_entry(path, item) for item in items)
    seen: set[str] = set()
    for entry in entries:
        if entry.intent not in intents:
            raise ConfigFileError(f"{path}: {entry.id}: intent {entry.intent!r} has no "
                                  "generic answer in faq.yml")
        if entry.id in seen:
            raise ConfigFileError(f"{path}: entry id {entry.id!r} is used twice")
        seen.add(entry.id)
    return entries


def _entry(path: Path, item: Any) -> FaqEntry:
    if not isinstance(item, dict) or not all(item.get(k) for k in ("id", "intent", "answer")):
        raise ConfigFileError(f"{path}: every entry needs an id, an intent and an answer")
    questions = tuple(str(q) for q in item.get("questions") or ())
    if not questions:
        raise ConfigFileError(f"{path}: {item['id']}: no example questions")
    return FaqEntry(str(item["id"]), str(item["intent"]), questions, str(item["answer"]).strip())
