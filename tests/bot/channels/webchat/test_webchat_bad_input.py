"""Bad input to the web chat API: a clear 4xx JSON error (or a polite reply), never a 500."""

from __future__ import annotations

import json

import aiohttp
import pytest

from handoff.store.db import Database
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store


async def test_empty_text_is_refused_with_a_clear_message(chat: Chat) -> None:
    assert await chat.post_raw(json.dumps({"user_id": "u1", "text": "   "})) == 400
    assert "text" in chat.body["error"]


async def test_hundred_thousand_characters_are_refused(chat: Chat) -> None:
    assert await chat.post_raw(json.dumps({"user_id": "u1", "text": "好" * 100_000})) == 413
    assert "longer than" in chat.body["error"]


@pytest.mark.parametrize("body", ['{"user_id": "u1", "text": ', "[1, 2]", "\xff\xfe"])
async def test_malformed_json_is_a_400(chat: Chat, body: str) -> None:
    assert await chat.post_raw(body.encode("utf-8", "surrogateescape")) == 400
    assert chat.body["error"]


async def test_missing_user_id_is_a_400(chat: Chat) -> None:
    assert await chat.post_raw(json.dumps({"text": "你好"})) == 400
    assert "user_id" in chat.body["error"]


async def test_wrong_content_type_is_a_415(chat: Chat) -> None:
    assert await chat.post_raw("user_id=u1&text=hi", "application/x-www-form-urlencoded") == 415


async def test_a_non_image_upload_is_refused(chat: Chat) -> None:
    await chat.send_photo(b"%PDF-1.4 not a photo", filename="x.pdf",
                          content_type="application/pdf")
    assert chat.status == 415 and "JPEG" in chat.body["error"]


async def test_an_image_over_the_size_limit_is_refused(chat: Chat) -> None:
    limit = chat.runtime.settings.evidence_max_bytes
    big = image_bytes("PNG") + b"\0" * limit
    await chat.send_photo(big)
    assert chat.status == 413 and str(limit) in chat.body["error"]


async def test_odd_but_valid_text_gets_a_polite_reply(chat: Chat) -> None:
    await chat.say("🙂🙂🙂 ？？？ <script>alert(1)</script>")
    assert chat.status == 200 and chat.replies
    assert "<script>" not in chat.text


async def test_model_parse_is_rasa_compatible(chat: Chat) -> None:
    async with chat.http.post(chat.url("/model/parse"), json={"text": "我要退货"}) as r:
        body = await r.json()
    assert r.status == 200
    assert body["intent"]["name"] == "return_request" and body["language"] == "zh-Hans"
    assert {"text", "intent_ranking", "entities"} <= set(body)
    async with chat.http.post(chat.url("/model/parse"), data=b"{oops",
                              headers={"Content-Type": "application/json"}) as r:
        assert r.status == 400


async def test_the_chat_page_escapes_and_never_uses_inner_html(chat: Chat) -> None:
    async with aiohttp.ClientSession() as http, http.get(chat.url("/webchat/")) as r:
        page = await r.text()
    assert r.status == 200 and "textContent" in page and "innerHTML" not in page
    assert 'type="file"' in page
