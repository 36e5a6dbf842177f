"""The YAML format of a conversation test, read into frozen values.

A file holds ``conversations:``, a list of::

    name: the phone is given before the order number
    class: identifiers            # which behaviour it covers (see CLASSES)
    locale: zh-Hans               # expected reply locale of every turn (a turn may override)
    at: 2026-11-05T10:00          # optional shop-local time of the first turn
    turns:
      - customer: 我的快递到哪了    # text; or `photo: <name>` (+ optional `caption:`)
        expect:
          contains: [订单号]        # every string appears in the turn's replies
          contains_any: [a, b]     # at least one appears
          not_contains: [...]      # none appears
          mode: human              # the conversation's mode after the turn
          queue: L2                # the open case's queue / priority (`case: false`: none)
          priority: P2
          rule: compensation_above_l1   # the rule the open case was handed off under
          offers: ["credit 10 CNY"]  # every offer in findings.extra.offers ("kind amount cur")
          slots: {phone: "5678"}   # slot values after the turn (null: unset)
          locale: zh-Hant
          fresh: true              # no reply identical to one of the previous turn
          faq: invoice_tax_id      # the FAQ entry that answered (`generic`: the intent's
                                   # generic answer; `none`: no FAQ answer)
      - wait: 20m                  # move the clock (also `wait: 2h`)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import ConfigFileError, load_yaml

CLASSES = ("identifiers", "pending", "two_requests", "photo", "out_of_scope", "exchange",
           "cantonese", "context", "replies", "risk", "regions", "waiting", "faq",
           "compensation", "refusals")
_WAIT = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_EXPECT_KEYS = {"contains", "contains_any", "not_contains", "mode", "queue", "priority", "case",
                "slots", "locale", "fresh", "replies", "faq", "rule", "offers"}


@dataclass(frozen=True)
class Expect:
    contains: tuple[str, ...] = ()
    contains_any: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    mode: str | None = None
    queue: str | None = None
    priority: str | None = None
    case: bool | None = None
    slots: tuple[tuple[str, Any], ...] = ()
    locale: str | None = None
    fresh: bool = False
    replies: int | None = None
    faq: str | None = None
    rule: str | None = None
    offers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Turn:
    """One step: a customer text, a photo (with an optional caption), or a wait."""

    text: str = ""
    photo: str | None = None
    wait: timedelta | None = None
    expect: Expect = field(default_factory=Expect)


@dataclass(frozen=True)
class Conversation:
    name: str
    kind: str
    locale: str
    turns: tuple[Turn, ...]
    source: str
    at: datetime | None = None
    channel: str = "webchat"
    language_hint: str | None = None


def load_conversations(paths: list[Path]) -> list[Conversation]:
    """Every conversation of the given files (folders: their ``*.yml``, recursively)."""
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.yml")))
    return [c for f in files for c in _file(f)]


def _file(path: Path) -> list[Conversation]:
    data = load_yaml(path) or {}
    items = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConfigFileError(f"{path}: expected a mapping with a 'conversations' list")
    return [_conversation(item, f"{path.name}#{n}") for n, item in enumerate(items, 1)]


def _conversation(item: dict[str, Any], where: str) -> Conversation:
    kind = str(item.get("class", ""))
    if kind not in CLASSES:
        raise ConfigFileError(f"{where}: class {kind!r} is not one of {', '.join(CLASSES)}")
    at = item.get("at")
    return Conversation(
        name=str(item.get("name") or where), kind=kind, locale=str(item["locale"]),
        turns=tuple(_turn(t, f"{where} turn {i}") for i, t in enumerate(item["turns"], 1)),
        source=where, at=at if isinstance(at, datetime) else
        (datetime.fromisoformat(str(at)) if at else None),
        channel=str(item.get("channel") or "webchat"), language_hint=item.get("language_hint"))


def _turn(item: dict[str, Any], where: str) -> Turn:
    if "wait" in item:
        match = _WAIT.match(str(item["wait"]).strip())
        if not match:
            raise ConfigFileError(f"{where}: wait must look like 20m, 2h, 30s or 1d")
        return Turn(wait=timedelta(**{_UNITS[match[2]]: int(match[1])}))
    expect = item.get("expect") or {}
    unknown = set(expect) - _EXPECT_KEYS
    if unknown:
        raise ConfigFileError(f"{where}: unknown expectation {sorted(unknown)}")
    text = str(item.get("customer") or item.get("caption") or "")
    photo = item.get("photo")
    if not text and photo is None:
        raise ConfigFileError(f"{where}: a turn needs customer text, a photo or a wait")
    return Turn(text=text, photo=str(photo) if photo is not None else None, expect=Expect(
        contains=_strings(expect.get("contains")),
        contains_any=_strings(expect.get("contains_any")),
        not_contains=_strings(expect.get("not_contains")),
        mode=expect.get("mode"), queue=expect.get("queue"), priority=expect.get("priority"),
        case=expect.get("case"), slots=tuple((expect.get("slots") or {}).items()),
        locale=expect.get("locale"), fresh=bool(expect.get("fresh", False)),
        replies=expect.get("replies"),
        faq=None if expect.get("faq") is None else str(expect["faq"]),
        rule=expect.get("rule"),
        offers=None if expect.get("offers") is None else _strings(expect["offers"])))


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))
