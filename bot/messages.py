"""Neutral message types: what every channel turns its platform updates into, and back.

Nothing below the channels knows Telegram, LINE or the web widget; they all speak these. The
reply type (`OutboundMessage`, `Button`) is the store's, so one value goes from the action to
the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from handoff.store.reply import Button, OutboundMessage

__all__ = ["Attachment", "AttachmentKind", "Button", "InboundMessage", "OutboundMessage"]


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
