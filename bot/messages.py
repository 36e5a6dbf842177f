"""Neutral message types: what every channel turns its platform updates into, and back.

Nothing below the channels knows Telegram, LINE or the web widget; they all speak these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class AttachmentKind(StrEnum):
    IMAGE = "image"
    FILE = "file"  # documents: politely refused
    STICKER = "sticker"
    VOICE = "voice"


@dataclass(frozen=True)
class Attachment:
    """Something the customer sent besides text. ``data`` holds the bytes once downloaded."""

    kind: AttachmentKind
    content_type: str = ""
    data: bytes | None = None
    filename: str = ""
    platform_ref: str = ""  # e.g. Telegram file_id or LINE message id, for the record


@dataclass(frozen=True)
class InboundMessage:
    """One customer turn, as the channel received it.

    ``update_id`` is the platform's delivery id (Telegram ``update_id``, LINE ``webhookEventId``,
    web chat ``message_id``); the engine stores it as the idempotency key, so a redelivery is a
    no-op. ``payload`` carries a pressed button's payload (the text is its title).
    """

    channel: str
    external_id: str
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    update_id: str | None = None
    timestamp: datetime | None = None
    display_name: str = ""
    language_hint: str | None = None  # e.g. Telegram's language_code
    payload: str | None = None


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

    def to_payload(self) -> dict[str, object]:
        """The JSON shape stored in the outbox and returned by the web chat API."""
        return {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
            "images": list(self.images),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> OutboundMessage:
        buttons = payload.get("buttons") or []
        images = payload.get("images") or []
        assert isinstance(buttons, list) and isinstance(images, list)
        return cls(
            text=str(payload.get("text", "")),
            buttons=tuple(Button(str(b["title"]), str(b["payload"])) for b in buttons),
            images=tuple(str(i) for i in images),
        )
