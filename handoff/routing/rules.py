"""The escalation rules of training_data/handoff/rules.yml as typed, declarative values.

A rule says *when* a human takes over (its trigger), *where* the case goes (queue, or a queue
per issue category for department routing), how urgent it is, its tags, who is notified and the
reason recorded with the decision. Matching a turn is pure: the desk computes the signals
(repeat-contact count, fallbacks, flow age) and asks the book which rule fires first.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.ports import SensitiveFlag

ISSUE_PRIORITY = "issue"  # a rule whose priority comes from the issue category
_KINDS = ("turn", "action", "timer")


@dataclass(frozen=True)
class Trigger:
    """When a turn rule fires; unset fields do not constrain."""

    sensitive: str | None = None
    intents: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    repeat_contact: bool = False
    fallbacks: bool = False
    flow_timeout: bool = False


@dataclass(frozen=True)
class Rule:
    """One escalation rule."""

    name: str
    on: str
    queue: str
    priority: str  # P1..P4 or "issue"
    trigger: Trigger = Trigger()
    tags: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    investigation: bool = False
    reason: str = ""
    next_step: Mapping[str, str] = field(default_factory=dict)
    queue_by_issue: Mapping[str, str] = field(default_factory=dict)
    # The SOP sets some first responses tighter than the priority's (a request for a person or
    # a supervisor: 5 minutes); None keeps the priority's target from sla.yml.
    first_response_minutes: float | None = None

    def queue_for(self, issue: str | None) -> str:
        """The target queue, routed by issue category when the rule says so."""
        return self.queue_by_issue.get(issue or "", self.queue)

    def render_reason(self, values: Mapping[str, Any]) -> str:
        """The reason text with its placeholders filled (unknown ones are left empty)."""
        return string.Formatter().vformat(self.reason, (), _Lenient(values))


@dataclass(frozen=True)
class TurnSignals:
    """What the rules look at on one inbound message."""

    intent: str
    text: str
    sensitive: tuple[SensitiveFlag, ...] = ()
    repeat_count: int = 0
    fallbacks: int = 0
    flow: str | None = None
    flow_minutes: float | None = None
    issue: str | None = None


@dataclass(frozen=True)
class Thresholds:
    """The numeric limits the triggers compare with (from the settings)."""

    repeat_contact: int
    fallbacks: int
    flow_timeout_minutes: float


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def match(rule: Rule, signals: TurnSignals, limits: Thresholds) -> dict[str, Any] | None:
    """The values describing why ``rule`` fires on ``signals``, or None when it does not."""
    trig = rule.trigger
    if trig.sensitive is not None:
        hit = next((s for s in signals.sensitive if s.category == trig.sensitive), None)
        return {"word": hit.word, "category": hit.category} if hit else None
    if trig.intents:
        return _match_intent(trig, signals)
    if trig.repeat_contact and signals.repeat_count >= limits.repeat_contact:
        return {"count": signals.repeat_count, "issue": signals.issue or ""}
    if trig.fallbacks and signals.fallbacks >= limits.fallbacks:
        return {"fallbacks": signals.fallbacks}
    if trig.flow_timeout and _flow_expired(signals, limits):
        return {"flow": signals.flow, "minutes": int(limits.flow_timeout_minutes)}
    return None


def _match_intent(trig: Trigger, signals: TurnSignals) -> dict[str, Any] | None:
    if signals.intent not in trig.intents:
        return None
    text = signals.text.casefold()
    if trig.words and not any(w.casefold() in text for w in trig.words):
        return None
    return {"intent": signals.intent}


def _flow_expired(signals: TurnSignals, limits: Thresholds) -> bool:
    age = signals.flow_minutes
    return signals.flow is not None and age is not None and age >= limits.flow_timeout_minutes


def load_rules(path: Path, priorities: tuple[str, ...]) -> tuple[Rule, ...]:
    """Read and validate the rules list of rules.yml."""
    data = load_yaml(path) or {}
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ConfigFileError(f"{path}: 'rules' must be a non-empty list")
    rules = tuple(_rule(path, raw) for raw in raw_rules)
    _check(path, rules, priorities)
    return rules


def _rule(path: Path, raw: Any) -> Rule:
    try:
        when = dict(raw.get("when") or {})
        trigger = Trigger(
            sensitive=when.get("sensitive"),
            intents=tuple(when.get("intents") or ()),
            words=tuple(str(w) for w in when.get("words") or ()),
            repeat_contact=bool(when.get("repeat_contact", False)),
            fallbacks=bool(when.get("fallbacks", False)),
            flow_timeout=bool(when.get("flow_timeout", False)),
        )
        return Rule(
            name=str(raw["name"]), on=str(raw.get("on", "turn")), queue=str(raw["queue"]),
            priority=str(raw["priority"]), trigger=trigger,
            tags=tuple(str(t) for t in raw.get("tags") or ()),
            notify=tuple(str(n) for n in raw.get("notify") or ()),
            investigation=bool(raw.get("investigation", False)),
            reason=str(raw.get("reason", "")),
            next_step={str(k): str(v) for k, v in (raw.get("next_step") or {}).items()},
            queue_by_issue={str(k): str(v) for k, v in (raw.get("queue_by_issue") or {}).items()},
            first_response_minutes=_minutes(raw.get("first_response_minutes")),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad rule {raw!r} ({exc})") from exc


def _minutes(value: Any) -> float | None:
    if value is None:
        return None
    minutes = float(value)
    if minutes <= 0:
        raise ValueError("first_response_minutes must be positive")
    return minutes


def _check(path: Path, rules: tuple[Rule, ...], priorities: tuple[str, ...]) -> None:
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ConfigFileError(f"{path}: rule names must be unique")
    for rule in rules:
        if rule.on not in _KINDS:
            raise ConfigFileError(f"{path}: rule {rule.name}: 'on' must be one of {_KINDS}")
        if rule.priority not in (*priorities, ISSUE_PRIORITY):
            raise ConfigFileError(f"{path}: rule {rule.name}: unknown priority {rule.priority}")
        if rule.on == "turn" and rule.trigger == Trigger():
            raise ConfigFileError(f"{path}: turn rule {rule.name} has no 'when'")
        if any(len(n) > 24 for n in rule.notify):
            raise ConfigFileError(f"{path}: rule {rule.name}: recipient names ≤ 24 characters")
