"""Expectations of one turn checked against what the bot said and the state it left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.conversations.script import Expect


@dataclass(frozen=True)
class TurnView:
    """What a turn left behind: the replies' texts and the conversation's state."""

    replies: tuple[str, ...]
    mode: str
    locale: str | None
    slots: dict[str, Any]
    queue: str | None = None
    priority: str | None = None
    faq: str | None = None  # the FAQ entry that answered the turn ("generic": no entry)
    rule: str | None = None  # the open case's handoff rule
    offers: tuple[str, ...] = ()  # findings.extra.offers as "kind amount currency"


def failures(expect: Expect, view: TurnView, previous: tuple[str, ...],
             default_locale: str) -> list[str]:
    """Every expectation the turn missed, as one sentence each (empty: the turn passed)."""
    said = "\n".join(view.replies)
    missed = [f"expected {s!r} in the reply" for s in expect.contains if s not in said]
    if expect.contains_any and not any(s in said for s in expect.contains_any):
        missed.append(f"expected one of {list(expect.contains_any)} in the reply")
    missed += [f"did not expect {s!r} in the reply" for s in expect.not_contains if s in said]
    missed += _state(expect, view, default_locale)
    if expect.fresh and set(view.replies) & set(previous):
        missed.append("a reply repeats the previous turn's word for word")
    if expect.faq is not None and (view.faq or "none") != expect.faq:
        missed.append(f"FAQ answer was {view.faq or 'none'}, expected {expect.faq}")
    if expect.offers is not None and view.offers != expect.offers:
        missed.append(f"offers are {list(view.offers)}, expected {list(expect.offers)}")
    if expect.replies is not None and len(view.replies) != expect.replies:
        missed.append(f"expected {expect.replies} replies, got {len(view.replies)}")
    return missed


def _state(expect: Expect, view: TurnView, default_locale: str) -> list[str]:
    missed = []
    if expect.mode and view.mode != expect.mode:
        missed.append(f"mode is {view.mode}, expected {expect.mode}")
    if expect.case is not None and (view.queue is not None) != expect.case:
        missed.append("expected an open case" if expect.case else "expected no open case")
    for name, want in (("queue", expect.queue), ("priority", expect.priority),
                       ("rule", expect.rule)):
        got = getattr(view, name)
        if want is not None and got != want:
            missed.append(f"case {name} is {got}, expected {want}")
    for slot, want in expect.slots:
        got = view.slots.get(slot)
        if (None if got is None else str(got)) != (None if want is None else str(want)):
            missed.append(f"slot {slot} is {got!r}, expected {want!r}")
    locale = expect.locale or default_locale
    if view.replies and view.locale != locale:
        missed.append(f"replied in {view.locale}, expected {locale}")
    return missed
