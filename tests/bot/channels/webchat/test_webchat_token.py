"""The web chat conversation token: knowing a customer's ``user_id`` is not enough to read or
write their conversation. A stranger gets a 401 JSON error and leaves nothing in the store."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from handoff.store.db import Database
from handoff.store.models import Customer, Message
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes

API = "/webchat/api/messages"


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store


async def _get(chat: Chat, user_id: str, token: str | None = None,
               via: str = "header") -> tuple[int, dict[str, Any]]:
    params = {"user_id": user_id, "after": "0"}
    headers = {}
    if token is not None and via == "header":
        headers["X-Webchat-Token"] = token
    elif token is not None:
        params["token"] = token
    async with chat.http.get(chat.url(API), params=params, headers=headers) as response:
        return response.status, json.loads(await response.text())


async def _post(chat: Chat, body: dict[str, Any],
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    async with chat.http.post(chat.url(API), json=body, headers=headers or {}) as response:
        return response.status, json.loads(await response.text())


def _message_count(chat: Chat) -> int:
    with chat.runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Message)) or 0)


async def test_the_first_message_returns_a_token_that_opens_the_poll(chat: Chat) -> None:
    await chat.say("我的订单到哪了")
    token = chat.body["token"]
    assert chat.status == 200 and token
    status, body = await _get(chat, chat.user_id, token)
    assert status == 200
    assert [m["text"] for m in body["messages"]] == [r["text"] for r in chat.replies]
    status, _ = await _get(chat, chat.user_id, token, via="query")
    assert status == 400  # never in a URL: it would end up in proxy logs


async def test_the_token_is_the_documented_hmac_of_the_user_id(chat: Chat) -> None:
    await chat.say("你好")
    secret = chat.runtime.settings.secret_key.get_secret_value().encode()
    digest = hmac.new(secret, f"webchat:{chat.user_id}".encode(), hashlib.sha256).digest()
    assert chat.body["token"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def test_a_stranger_with_the_user_id_but_no_token_reads_nothing(chat: Chat) -> None:
    await chat.say("我的订单到哪了")
    await chat.say("2026110500008")
    for token, via in ((None, "header"), ("", "header"), ("not-the-token", "header"),
                       ("not-the-token", "query"), ("好" * 8, "query")):
        status, body = await _get(chat, chat.user_id, token, via)
        assert status == (401 if via == "header" else 400), (token, via)  # URL: refused
        assert set(body) == {"error"} and "token" in body["error"]


async def test_a_stranger_cannot_post_into_an_existing_conversation(chat: Chat) -> None:
    await chat.say("我要退货")
    before = _message_count(chat)
    attempts: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"user_id": chat.user_id, "text": "取消退货"}, {}),
        ({"user_id": chat.user_id, "text": "取消退货"}, {"X-Webchat-Token": "forged"}),
        ({"user_id": chat.user_id, "text": "取消退货", "token": "forged"}, {}),
    ]
    for body, headers in attempts:
        status, answer = await _post(chat, body, headers)
        assert status == 401 and set(answer) == {"error"} and "token" in answer["error"]
    assert _message_count(chat) == before


async def test_a_retried_first_message_without_the_token_is_refused(chat: Chat) -> None:
    first = {"user_id": "retry-1", "text": "你好", "message_id": "retry-1-m1"}
    status, answer = await _post(chat, first)
    assert status == 200 and answer["token"]
    status, retried = await _post(chat, first)
    assert status == 401 and "token" not in retried
    status, proven = await _post(chat, first, {"X-Webchat-Token": answer["token"]})
    assert status == 200 and proven["token"] == answer["token"]
    assert proven["replies"] == answer["replies"]


async def test_one_users_token_does_not_open_another_users_conversation(chat: Chat) -> None:
    chat.user_id = "alice"
    await chat.say("我的订单到哪了")
    alice_token = chat.tokens["alice"]
    chat.user_id = "bob"
    await chat.say("我要退货")
    before = _message_count(chat)
    assert (await _get(chat, "bob", alice_token))[0] == 401
    status, _ = await _post(chat, {"user_id": "bob", "text": "算了"},
                            {"X-Webchat-Token": alice_token})
    assert status == 401 and _message_count(chat) == before
    assert chat.tokens["bob"] != alice_token


async def test_a_wrong_token_on_a_new_user_id_is_refused_and_stores_nothing(chat: Chat) -> None:
    status, _ = await _post(chat, {"user_id": "fresh", "text": "你好"},
                            {"X-Webchat-Token": "left-over-from-an-old-secret"})
    assert status == 401
    with chat.runtime.db.session() as session:
        assert session.scalar(select(Customer).where(Customer.external_id == "fresh")) is None


async def test_a_photo_upload_proves_the_conversation_with_a_token_field(chat: Chat) -> None:
    await chat.say("收到的东西被压坏了")
    before = _message_count(chat)
    real = chat.tokens[chat.user_id]
    chat.tokens[chat.user_id] = "forged"
    await chat.send_photo(image_bytes())
    assert chat.status == 401 and _message_count(chat) == before
    chat.tokens[chat.user_id] = real
    await chat.send_photo(image_bytes())
    assert chat.status == 200 and _message_count(chat) > before
