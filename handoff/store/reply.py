"""The one reply type: what an action says, the desk says, an agent types, the outbox stores and
every channel sends.

`OutboundMessage` is the value everyone passes around; `ReplyPayload` is only its JSON wire
form (the outbox row, the stored message, the web chat answer). It lives in the store because
the outbox persists it and the store imports nothing above itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict


class ButtonPayload(TypedDict):
    title: str
    payload: str


class ReplyPayload(TypedDict):
    """A reply as JSON: what the outbox stores and the web chat API returns."""

    text: str
    buttons: list[ButtonPayload]
    images: list[str]


@dataclass(frozen=True)
class Button:
    """A quick-reply button: ``title`` is shown, ``payload`` comes back when pressed."""

    title: str
    payload: str


@dataclass(frozen=True)
class OutboundMessage:
    """One reply to the customer: text, optional quick-reply buttons and image URLs."""

    text: str
    buttons: tuple[Button, ...] = ()
    images: tuple[str, ...] = field(default=())

    def to_payload(self) -> ReplyPayload:
        """The JSON shape stored in the outbox and returned by the web chat API."""
        return ReplyPayload(
            text=self.text,
            buttons=[ButtonPayload(title=b.title, payload=b.payload) for b in self.buttons],
            images=list(self.images))

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> OutboundMessage:
        buttons = payload.get("buttons") or []
        images = payload.get("images") or []
        assert isinstance(buttons, list) and isinstance(images, list)
        return cls(
            text=str(payload.get("text", "")),
            buttons=tuple(Button(str(b["title"]), str(b["payload"])) for b in buttons),
            images=tuple(str(i) for i in images),
        )


def pressed_payload(payload: Mapping[str, Any] | None) -> str:
    """The payload of the button a message pressed, or "". The engine stores a pressed button
    as {"button": payload}; the wire form is {"payload": payload}."""
    return str((payload or {}).get("button") or (payload or {}).get("payload") or "")
