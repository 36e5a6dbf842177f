"""Photos, documents, stickers and voice notes from a customer (against a local Bot API server,
since the emulator has no getFile)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import SendLimiter
from bot.messages import AttachmentKind, InboundMessage, OutboundMessage
from handoff.store.clock import SystemClock
from handoff.store.db import Database
from handoff.store.outbox import OutboxWorker
from tests.bot.channels.conftest import FAST_PACING, telegram_settings
from tests.bot.channels.local_bot_api import LocalBotApi
from tests.bot.channels.loopback import delivering, eventually, serving
from tests.bot.channels.scripted_engine import ScriptedEngine

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
USER = {"id": 3030, "is_bot": False, "first_name": "Mei", "language_code": "en"}
CHAT = {"id": 3030, "type": "private", "first_name": "Mei"}


def thanks(message: InboundMessage) -> list[OutboundMessage]:
    return [OutboundMessage("thanks")]


def update(update_id: int, **content: Any) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "from": USER, "chat": CHAT, **content}}


def photo_sizes(file_size: int) -> list[dict[str, Any]]:
    """Telegram lists a photo's sizes smallest first; only the last is the original."""
    return [{"file_id": "thumb", "file_unique_id": "t1", "width": 90, "height": 90,
             "file_size": 900},
            {"file_id": "big", "file_unique_id": "b1", "width": 1280, "height": 960,
             "file_size": file_size}]


@pytest.fixture
async def channel_on_local_api(tmp_path: Path, sqlite_db: Database,
                               bot_token: str) -> AsyncIterator[tuple[LocalBotApi, Any]]:
    api = LocalBotApi(files={"big": JPEG, "thumb": b"small"})
    async with serving(api.app()) as url:
        engine = ScriptedEngine(sqlite_db, SystemClock(), thanks)
        settings = telegram_settings(tmp_path, sqlite_db, bot_token, url)
        outbox = OutboxWorker(sqlite_db, SystemClock())
        channel = TelegramChannel(settings, sqlite_db, SystemClock(), engine.handle, outbox,
                                  limiter=SendLimiter(per_chat_interval=FAST_PACING),
                                  polling_timeout=1)
        await channel.start()
        try:
            async with delivering(outbox):
                yield api, engine
        finally:
            await channel.stop()


async def turns(engine: ScriptedEngine, count: int) -> list[InboundMessage]:
    await eventually(lambda: len(engine.turns) >= count)
    return engine.turns


async def test_photo_evidence_is_downloaded_in_its_largest_size(
        channel_on_local_api: tuple[LocalBotApi, ScriptedEngine]) -> None:
    api, engine = channel_on_local_api
    api.updates.append(update(1, photo=photo_sizes(len(JPEG)), caption="外箱破损"))

    [turn] = await turns(engine, 1)

    [attachment] = turn.attachments
    assert attachment.kind is AttachmentKind.IMAGE and attachment.data == JPEG
    assert attachment.content_type == "image/jpeg" and attachment.platform_ref == "big"
    assert turn.text == "外箱破损"
    assert [c["file_id"] for c in api.sent("getFile")] == ["big"]


async def test_document_sticker_and_voice_reach_the_engine_as_their_kinds(
        channel_on_local_api: tuple[LocalBotApi, ScriptedEngine]) -> None:
    api, engine = channel_on_local_api
    api.updates.extend([
        update(3, document={"file_id": "d", "file_unique_id": "d1", "file_name": "invoice.pdf",
                            "mime_type": "application/pdf"}),
        update(4, sticker={"file_id": "s", "file_unique_id": "s1", "type": "regular",
                           "width": 512, "height": 512, "is_animated": False,
                           "is_video": False}),
        update(5, voice={"file_id": "v", "file_unique_id": "v1", "duration": 3,
                         "mime_type": "audio/ogg"})])

    found = await turns(engine, 3)

    assert [t.attachments[0].kind for t in found] == [
        AttachmentKind.FILE, AttachmentKind.STICKER, AttachmentKind.VOICE]
    assert found[0].attachments[0].filename == "invoice.pdf"
    await eventually(lambda: len(api.sent("sendMessage")) == 3)
