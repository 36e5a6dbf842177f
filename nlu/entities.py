"""Entity extraction: order numbers, phone numbers, last-4 digits, amounts, dates.

Patterns run on the normalised text (half-width, lower case, Simplified) so that
full-width digits, ＮＴ＄ and 號/号 need no extra patterns; offsets are mapped back
to the original text. Every pattern and word list can be overridden from the
``entities`` section of ``nlu_config.yml``; the values below are the domain defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from nlu.dates import find_dates
from nlu.normalize import Normalized, normalize
from nlu.payloads import EntityPayload

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"

DEFAULTS: dict[str, Any] = {
    "order_id": {
        "pattern": r"(?:(?<![a-z])[a-z]{2,4}-?)?(?<![\d.])\d{10,20}(?![\d.])",
        "context": ["订单", "单号", "编号", "order", "no.", "#"],
        "context_window": 8,
    },
    "phone": {
        "patterns": [
            r"(?<![\d.])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d.])",
            r"(?<![\d.])(?:\+?886[- ]?9|09)\d{2}[- ]?\d{3}[- ]?\d{3}(?![\d.])",
            r"(?<![\d.])\(?\d{3}\)?[- .]\d{3}[- .]\d{4}(?![\d.])",
        ],
    },
    "phone_last4": {
        "pattern": r"(?:尾号|尾数|后四位|后4位|末四位|末4位|末四码|末4码|后四码|后4码|"
        r"last ?(?:4|four)(?: digits)?|ending (?:in|with))\s*(?:是|为|:|is|are)?\s*(\d{4})(?!\d)",
    },
    "amount": {
        "prefix": {
            "nt$": "TWD",
            "ntd": "TWD",
            "twd": "TWD",
            "hk$": "HKD",
            "hkd": "HKD",
            "us$": "USD",
            "usd": "USD",
            "rmb": "CNY",
            "cny": "CNY",
            "¥": "CNY",
            "$": None,
            "€": "EUR",
            "eur": "EUR",
        },
        "suffix": {
            "元": None,
            "块钱": None,
            "块": None,
            "人民币": "CNY",
            "新台币": "TWD",
            "台币": "TWD",
            "港币": "HKD",
            "美元": "USD",
            "美金": "USD",
            "rmb": "CNY",
            "usd": "USD",
            "twd": "TWD",
            "ntd": "TWD",
            "hkd": "HKD",
            "dollars": None,
            "dollar": None,
            "bucks": None,
        },
        "default_currency": {"zh-Hans": "CNY", "zh-Hant": "TWD", "en": "USD"},
    },
    "date": {"future_days": 31},
}

# Earlier wins when two candidates overlap.
_PRIORITY = {"phone_last4": 0, "order_id_ctx": 1, "date": 2, "phone": 3, "order_id": 4, "amount": 5}


def merged_config(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults with the ``entities`` section of the config laid over them."""
    merged = {k: dict(v) for k, v in DEFAULTS.items()}
    for key, value in (overrides or {}).items():
        if key in merged and isinstance(value, Mapping):
            merged[key].update(value)
    return merged


def _alternation(words: Mapping[str, Any]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class EntityPatterns:
    """Compiled patterns built from one entity configuration."""

    config: dict[str, Any]
    order: re.Pattern[str]
    phones: tuple[re.Pattern[str], ...]
    last4: re.Pattern[str]
    prefixed: re.Pattern[str]
    suffixed: re.Pattern[str]

    @classmethod
    def build(cls, overrides: Mapping[str, Any] | None = None) -> EntityPatterns:
        """Compile the merged configuration (raises ``re.error`` on a bad pattern)."""
        cfg = merged_config(overrides)
        amount = cfg["amount"]
        return cls(
            config=cfg,
            order=re.compile(cfg["order_id"]["pattern"]),
            phones=tuple(re.compile(p) for p in cfg["phone"]["patterns"]),
            last4=re.compile(cfg["phone_last4"]["pattern"]),
            prefixed=re.compile(rf"({_alternation(amount['prefix'])})\s?({_NUMBER})(?![\d])"),
            suffixed=re.compile(rf"(?<![\d.,])({_NUMBER})\s?({_alternation(amount['suffix'])})"),
        )


@lru_cache(maxsize=8)
def _default_patterns() -> EntityPatterns:
    return EntityPatterns.build()


Candidate = tuple[int, int, str, dict[str, Any]]  # start, end, kind, payload extras


def _orders(text: str, pat: EntityPatterns) -> list[Candidate]:
    cfg = pat.config["order_id"]
    found = []
    for m in pat.order.finditer(text):
        before = text[max(0, m.start() - int(cfg["context_window"])) : m.start()]
        kind = "order_id_ctx" if any(w in before for w in cfg["context"]) else "order_id"
        found.append((m.start(), m.end(), kind, {"value": m.group(0).replace("-", "").upper()}))
    return found


def _phones(text: str, pat: EntityPatterns) -> list[Candidate]:
    found: list[Candidate] = []
    for regex in pat.phones:
        for m in regex.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            found.append((m.start(), m.end(), "phone", {"value": digits}))
    for m in pat.last4.finditer(text):
        found.append((m.start(1), m.end(1), "phone_last4", {"value": m.group(1)}))
    return found


def _amounts(text: str, pat: EntityPatterns, language: str) -> list[Candidate]:
    amount = pat.config["amount"]
    default = amount["default_currency"].get(language, "CNY")
    found: list[Candidate] = []
    for m in pat.prefixed.finditer(text):
        currency = amount["prefix"][m.group(1)] or default
        found.append((m.start(), m.end(), "amount", _money(m.group(2), currency)))
    for m in pat.suffixed.finditer(text):
        currency = amount["suffix"][m.group(2)] or default
        found.append((m.start(), m.end(), "amount", _money(m.group(1), currency)))
    return found


def _money(number: str, currency: str) -> dict[str, Any]:
    return {"value": float(number.replace(",", "")), "currency": currency}


def _select(candidates: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates, best priority then longest first."""
    chosen: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (_PRIORITY[c[2]], c[0] - c[1], c[0])):
        if all(cand[1] <= c[0] or cand[0] >= c[1] for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


def extract_normalized(
    norm: Normalized, today: date | None = None, patterns: EntityPatterns | None = None
) -> list[EntityPayload]:
    """Entities of an already normalised message (offsets in the original text)."""
    pat = patterns or _default_patterns()
    text = norm.text
    today = today or date.today()
    future_days = int(pat.config["date"]["future_days"])
    candidates = _orders(text, pat) + _phones(text, pat) + _amounts(text, pat, norm.language)
    candidates += [
        (s, e, "date", {"value": d.isoformat()}) for s, e, d in find_dates(text, today, future_days)
    ]
    entities: list[EntityPayload] = []
    for start, end, kind, extras in _select(candidates):
        o_start, o_end = norm.span(start, end)
        payload: EntityPayload = {
            "entity": "order_id" if kind == "order_id_ctx" else kind,
            "value": extras["value"],
            "start": o_start,
            "end": o_end,
            "text": norm.original[o_start:o_end],
            "extractor": "nlu.entities",
        }
        if "currency" in extras:
            payload["currency"] = extras["currency"]
        entities.append(payload)
    return entities


def extract(
    text: str, today: date | None = None, config: Mapping[str, Any] | None = None
) -> list[EntityPayload]:
    """Entities of a raw message; ``config`` overrides the default patterns."""
    patterns = EntityPatterns.build(config) if config else None
    return extract_normalized(normalize(text), today, patterns)
