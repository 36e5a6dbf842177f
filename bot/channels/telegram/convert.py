"""Telegram updates ⇄ neutral messages. Pure functions: no network, no store.

Commands become Rasa-style payloads (``/intent`` or ``/intent{json}``), so the engine treats
``/human`` exactly like pressing a "talk to a person" button.
"""

from __future__ import annotations

import hashlib
import json

from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
)

from bot.messages import Attachment, AttachmentKind, Button, InboundMessage

CHANNEL = "telegram"
CALLBACK_DATA_LIMIT = 64  # bytes, Bot API limit for callback_data
TEXT_LIMIT = 4096  # characters per sendMessage
BUTTONS_PER_ROW = 2

# Telegram command → (payload intent, name of the argument slot or None)
COMMANDS: dict[str, tuple[str, str | None]] = {
    "start": ("/greet", None),
    "help": ("/help", None),
    "human": ("/request_human", None),
    "status": ("/case_status", "case_number"),
}


def update_key(update_id: int) -> str:
    """The idempotency key of a Telegram update (the engine stores messages under it)."""
    return f"{CHANNEL}:{update_id}"


def command_payload(command: str, args: str | None) -> str | None:
    """``/status 2026110001`` → ``/case_status{"case_number": "2026110001"}``; unknown → None."""
    known = COMMANDS.get(command.lower())
    if known is None:
        return None
    intent, slot = known
    if slot and args and args.strip():
        return intent + json.dumps({slot: args.strip()}, ensure_ascii=False)
    return intent


def inbound_from_message(message: Message, update_id: int, *, language_hint: str | None,
                         payload: str | None = None, text: str | None = None,
                         attachments: tuple[Attachment, ...] = ()) -> InboundMessage:
    """A customer's private-chat message as an `InboundMessage` (``text`` overrides the
    message's own text, e.g. for commands)."""
    user = message.from_user
    return InboundMessage(
        channel=CHANNEL,
        external_id=str(message.chat.id),
        text=message.text or message.caption or "" if text is None else text,
        attachments=attachments,
        update_id=str(update_id),
        timestamp=message.date,
        display_name=user.full_name if user else "",
        language_hint=language_hint,
        payload=payload,
    )


def inbound_from_button(query: CallbackQuery, update_id: int, *,
                        language_hint: str | None) -> InboundMessage:
    """A pressed inline button: the text is the button's title, the payload its data."""
    data = query.data or ""
    chat_id = query.message.chat.id if query.message else query.from_user.id
    return InboundMessage(
        channel=CHANNEL,
        external_id=str(chat_id),
        text=button_title(query) or data,
        update_id=str(update_id),
        display_name=query.from_user.full_name,
        language_hint=language_hint,
        payload=None if data.startswith(_HASHED) else data,
    )


def button_title(query: CallbackQuery) -> str:
    """The title of the pressed button, read from the keyboard Telegram sends back."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return ""
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return ""


def passive_attachment(message: Message) -> Attachment | None:
    """Attachments the engine only needs to know about (no download): files, stickers, voice."""
    if message.document is not None:
        doc = message.document
        return Attachment(AttachmentKind.FILE, content_type=doc.mime_type or "",
                          filename=doc.file_name or "", platform_ref=doc.file_id)
    if message.sticker is not None:
        return Attachment(AttachmentKind.STICKER, platform_ref=message.sticker.file_id)
    voice = message.voice or message.audio
    if voice is not None:
        return Attachment(AttachmentKind.VOICE, content_type=voice.mime_type or "",
                          platform_ref=voice.file_id)
    return None


def largest_photo(photos: list[PhotoSize]) -> PhotoSize:
    """Telegram sends several sizes of one photo; evidence wants the biggest."""
    return max(photos, key=lambda p: (p.width * p.height, p.file_size or 0))


_HASHED = "h:"


def callback_data(payload: str) -> str:
    """The payload itself when it fits Telegram's 64 bytes; else a digest (the engine then gets
    the button's title as text, which it understands like a typed answer)."""
    if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return payload
    return _HASHED + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Quick replies as an inline keyboard, two buttons a row."""
    if not buttons:
        return None
    items = [InlineKeyboardButton(text=b.title, callback_data=callback_data(b.payload))
             for b in buttons]
    rows = [items[i:i + BUTTONS_PER_ROW] for i in range(0, len(items), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def text_chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split a long reply at line breaks where possible, never beyond ``limit`` characters."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return chunks
