"""Point 2, beyond the console: a malformed web chat token or agent bearer token — non-ASCII,
raw non-UTF-8 bytes, huge — is a 4xx, never a 500."""

from __future__ import annotations

import pytest

from handoff.store.db import Database
from tests.bot.chat import Chat

# As sent on the wire: aiohttp's client sends header strings as Latin-1 bytes.
MALFORMED = ["令牌é".encode().decode("latin-1"), "é", "\xff\xfe", "a" * 5000, "Bearer"]


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only."""
    return sqlite_store


async def test_a_malformed_web_chat_token_is_4xx(chat: Chat) -> None:
    await chat.say("你好")
    for token in MALFORMED:
        async with chat.http.get(chat.url("/webchat/api/messages"),
                                 params={"user_id": chat.user_id},
                                 headers={"X-Webchat-Token": token}) as response:
            assert 400 <= response.status < 500, token
        async with chat.http.post(chat.url("/webchat/api/messages"),
                                  json={"user_id": chat.user_id, "text": "hi"},
                                  headers={"X-Webchat-Token": token}) as response:
            assert 400 <= response.status < 500, token


async def test_a_malformed_bearer_token_is_4xx(chat: Chat) -> None:
    for token in MALFORMED:
        async with chat.http.get(chat.url("/api/cases"),
                                 headers={"Authorization": f"Bearer {token}"}) as response:
            assert 400 <= response.status < 500, token
