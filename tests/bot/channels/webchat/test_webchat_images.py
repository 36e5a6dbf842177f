"""Photos are decoded, not trusted: what does not decode is a 415 (a polite reply on the
platforms), and what is kept is the re-encoded image, without its metadata."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image

from bot.engine.bot import Bot
from bot.messages import Attachment, AttachmentKind, InboundMessage
from handoff.store.db import Database
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
POLYGLOT = PNG_MAGIC + b"<html><body><script>alert(document.cookie)</script></body></html>"
GARBAGE_PNG = PNG_MAGIC + bytes(range(256)) * 16


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only."""
    return sqlite_store


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 0.0)
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def stored_files(chat: Chat) -> list[bytes]:
    return [p.read_bytes() for p in chat.runtime.settings.evidence_dir.rglob("*") if p.is_file()]


@pytest.mark.parametrize("upload", [POLYGLOT, GARBAGE_PNG], ids=["polyglot", "garbage_png"])
async def test_an_upload_that_does_not_decode_is_a_415_and_nothing_is_kept(
        chat: Chat, upload: bytes) -> None:
    await chat.send_photo(upload, text="外箱破损")
    assert chat.status == 415
    assert "JPEG, PNG, GIF or WebP" in chat.body["error"]
    assert stored_files(chat) == []


async def test_a_jpeg_with_a_gps_tag_is_stored_without_it(chat: Chat) -> None:
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    await chat.send_photo(original, filename="box.jpg", content_type="image/jpeg")
    assert chat.status == 200
    [kept] = stored_files(chat)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in kept


async def test_bytes_after_a_real_png_are_not_kept(chat: Chat) -> None:
    await chat.send_photo(image_bytes("PNG") + b"<html><script>x</script></html>")
    assert chat.status == 200
    [kept] = stored_files(chat)
    assert b"<html>" not in kept and Image.open(io.BytesIO(kept)).format == "PNG"


async def test_a_platform_customer_who_sends_garbage_is_told_which_photos_are_accepted(
        chat: Chat) -> None:
    message = InboundMessage("telegram", "4242", attachments=(
        Attachment(AttachmentKind.IMAGE, "image/png", GARBAGE_PNG),), update_id="u1")
    replies = Bot(chat.runtime).handle(message)
    assert any("JPG、PNG、GIF 或 WebP" in reply.text for reply in replies)
    assert stored_files(chat) == []
