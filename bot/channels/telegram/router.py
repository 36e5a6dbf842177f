"""The customers' side of the Telegram bot: an aiogram `Router` that only converts.

Every handler turns its update into an `InboundMessage` and hands it to the `ChannelIntake`
(from the dispatcher's workflow data); replies leave through the outbox, never from here.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, PhotoSize, Update
from aiohttp import ClientError

from bot.channels.intake import ChannelIntake
from bot.channels.telegram.convert import (
    COMMANDS,
    command_payload,
    inbound_from_button,
    inbound_from_message,
    largest_photo,
    passive_attachment,
)
from bot.channels.telegram.middleware import LanguageHint
from bot.messages import Attachment, AttachmentKind

log = logging.getLogger(__name__)

PHOTO_TYPE = "image/jpeg"  # Telegram re-encodes every photo as JPEG


def build_customer_router() -> Router:
    """Handlers for private chats: commands, photos, everything else, button presses."""
    router = Router(name="telegram-customers")
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
    router.message.middleware(LanguageHint())
    router.callback_query.middleware(LanguageHint())
    router.message.register(on_command, Command(*COMMANDS, ignore_case=True))
    router.message.register(on_photo, F.photo)
    router.message.register(on_message)
    router.callback_query.register(on_button)
    return router


async def on_command(message: Message, command: CommandObject, event_update: Update,
                     intake: ChannelIntake, language_hint: str | None) -> None:
    """``/start``, ``/help``, ``/human``, ``/status <case>``: an intent payload, and only the
    arguments as text (``/start`` says nothing about the customer's language; their Telegram
    language does)."""
    payload = command_payload(command.command, command.args)
    await intake.accept(inbound_from_message(
        message, event_update.update_id, language_hint=language_hint, payload=payload,
        text=(command.args or "").strip()))


async def on_photo(message: Message, event_update: Update, intake: ChannelIntake,
                   language_hint: str | None, bot: Bot) -> None:
    """A photo (evidence): the largest size is downloaded and handed over with its bytes
    (the engine checks type and size, and says why when it refuses one)."""
    assert message.photo
    attachment = await fetch_photo(bot, largest_photo(message.photo))
    await intake.accept(inbound_from_message(
        message, event_update.update_id, language_hint=language_hint,
        attachments=(attachment,)))


async def on_message(message: Message, event_update: Update, intake: ChannelIntake,
                     language_hint: str | None) -> None:
    """Text, or a document / sticker / voice note the engine answers with a hint."""
    extra = passive_attachment(message)
    if extra is None and not (message.text or message.caption):
        return  # service messages (pins, joins …) are not customer turns
    await intake.accept(inbound_from_message(
        message, event_update.update_id, language_hint=language_hint,
        attachments=(extra,) if extra else ()))


async def on_button(query: CallbackQuery, event_update: Update, intake: ChannelIntake,
                    language_hint: str | None) -> None:
    """An inline button: answered first so the client's spinner stops, then a normal turn."""
    try:
        await query.answer()
    except TelegramAPIError as exc:  # e.g. "query is too old" on a redelivery
        log.info("could not answer callback query %s: %s", query.id, exc)
    await intake.accept(inbound_from_button(
        query, event_update.update_id, language_hint=language_hint))


async def fetch_photo(bot: Bot, photo: PhotoSize) -> Attachment:
    """Download one photo size via getFile (Telegram serves bots files up to 20 MB); when that
    fails the attachment has no bytes and the engine asks for the photo again."""
    bare = Attachment(AttachmentKind.IMAGE, content_type=PHOTO_TYPE, platform_ref=photo.file_id)
    try:
        buffer = await bot.download(photo.file_id)
    except (TelegramAPIError, ClientError, TimeoutError) as exc:
        log.warning("could not download photo %s: %s", photo.file_id, exc)
        return bare
    data = buffer.read() if buffer is not None else b""
    if not data:
        return bare
    return Attachment(AttachmentKind.IMAGE, content_type=PHOTO_TYPE, data=data,
                      filename=f"{photo.file_unique_id}.jpg", platform_ref=photo.file_id)
