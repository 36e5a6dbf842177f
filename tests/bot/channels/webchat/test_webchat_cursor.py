"""The web chat polling cursor never skips a message the customer has not seen.

An agent's reply is written by the agent service (through the outbox) whenever the agent sends
it, not in the customer's turn. A widget that moved its polling cursor to "the last outbound
message" after a POST skipped every agent reply written since its last poll. The contract now:
POST replies carry their stored message ``id``; the client polls from its last GET ``cursor``
and skips ids it was already shown; the POST ``cursor`` only moves the ``after`` the client
passes over that turn's own replies.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from handoff.agents.service import AgentService
from handoff.desk.desk import Desk
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole, Message
from handoff.store.models.enums import Author, Direction
from tests.bot.chat import Chat

AGENT_TEXT = "您好，我是客服小王，马上为您处理"


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store


def _agent_replies(chat: Chat, text: str) -> int:
    """An agent claims the customer's case and answers, as the console and REST API do."""
    desk = chat.runtime.desk
    assert isinstance(desk, Desk)
    number = chat.conversation["case_number"]
    with chat.runtime.db.session() as session:
        agent = Agent(name="wang", display_name="小王", role=AgentRole.AGENT,
                      queues=[chat.conversation["queue"]], created_at=chat.runtime.clock.now())
        session.add(agent)
        session.flush()
        service = AgentService(desk)
        service.claim(session, agent, number)
        return int(service.reply(session, agent, number, text)["message_id"])


def _stored_outbound(chat: Chat) -> dict[int, tuple[str, str]]:
    with chat.runtime.db.session() as session:
        rows = session.scalars(select(Message).where(Message.direction == Direction.OUTBOUND))
        return {row.id: (row.author.value, row.text) for row in rows}


async def _post_after(chat: Chat, text: str, after: int) -> dict[str, Any]:
    """A POST that tells the server the client's last GET cursor (``?after=``)."""
    async with chat.http.post(chat.url("/webchat/api/messages"), params={"after": str(after)},
                              json={"user_id": chat.user_id, "text": text,
                                    "message_id": f"{chat.user_id}-after-{text}"},
                              headers={"X-Webchat-Token": chat.tokens[chat.user_id]}) as r:
        assert r.status == 200
        body: dict[str, Any] = await r.json()
        return body


def _texts(polled: dict[str, Any]) -> list[str]:
    return [m["text"] for m in polled["messages"]]


async def test_each_post_reply_carries_the_id_of_its_stored_message(chat: Chat) -> None:
    await chat.say("你好")
    await chat.say("我要转人工")
    assert chat.conversation["mode"] == "human" and chat.replies
    stored = _stored_outbound(chat)
    for reply in chat.replies:
        assert stored[reply["id"]] == ("bot", reply["text"])
        assert {"text", "buttons", "images", "id"} <= set(reply)


async def test_a_redelivered_post_answers_with_the_same_reply_ids(chat: Chat) -> None:
    first = await chat.say("我的订单到哪了", message_id="m-once")
    again = await chat.say("我的订单到哪了", message_id="m-once")
    assert [r["id"] for r in again] == [r["id"] for r in first] and first


async def test_an_agent_reply_written_between_two_posts_is_polled_from_the_get_cursor(
        chat: Chat) -> None:
    await chat.say("你好")
    cursor = (await chat.poll(after=0))["cursor"]
    shown = {r["id"] for r in await chat.say("我要转人工")}
    agent_message = _agent_replies(chat, AGENT_TEXT)
    await chat.say("好的，谢谢")  # no poll in between: the widget was busy sending

    polled = await chat.poll(after=cursor)
    assert AGENT_TEXT in _texts(polled)
    unseen = [m for m in polled["messages"] if m["id"] not in shown]
    assert [(m["id"], m["author"]) for m in unseen] == [(agent_message, Author.AGENT.value)]
    # The old rule (poll from the POST's cursor) must not lose it either.
    assert AGENT_TEXT in _texts(await chat.poll(after=chat.body["cursor"]))


async def test_the_post_cursor_moves_only_over_the_turns_own_replies(chat: Chat) -> None:
    await chat.say("你好")
    cursor = (await chat.poll(after=0))["cursor"]
    await chat.say("我要转人工")
    handoff_ids = [r["id"] for r in chat.replies]
    agent_message = _agent_replies(chat, AGENT_TEXT)
    assert agent_message > max(handoff_ids)

    # The client polled up to `cursor`; the hand-off replies came in an earlier POST answer,
    # which the server cannot know was read, so the cursor stays where the client polled.
    body = await _post_after(chat, "在吗", after=cursor)
    assert body["replies"] == [] and body["cursor"] == cursor
    polled = await chat.poll(after=body["cursor"])
    assert [m["id"] for m in polled["messages"]] == [*handoff_ids, agent_message]
    assert polled["cursor"] == agent_message
    assert (await chat.poll(after=polled["cursor"]))["messages"] == []


async def test_a_post_with_nothing_unseen_before_its_replies_moves_the_cursor_past_them(
        chat: Chat) -> None:
    await chat.say("你好")
    cursor = (await chat.poll(after=0))["cursor"]
    body = await _post_after(chat, "我的订单到哪了", after=cursor)
    assert body["replies"] and body["cursor"] == max(r["id"] for r in body["replies"])
    assert (await chat.poll(after=body["cursor"]))["messages"] == []


async def test_two_users_choosing_the_same_message_id_are_two_messages(chat: Chat) -> None:
    await chat.say("我的订单到哪了", message_id="shared-id")
    first = chat.text
    chat.user_id = "web-user-2"
    await chat.say("你好")
    replies = await chat.say("我要开发票", message_id="shared-id")
    assert chat.status == 200 and replies and chat.text != first  # its own answer, not user 1's
    with chat.runtime.db.session() as session:
        texts = set(session.scalars(select(Message.text).where(
            Message.direction == Direction.INBOUND)))
    assert {"我的订单到哪了", "我要开发票"} <= texts


async def test_a_negative_or_non_numeric_after_is_a_clear_error(chat: Chat) -> None:
    await chat.say("你好")
    for after in ("-1", "abc"):
        async with chat.http.get(chat.url("/webchat/api/messages"),
                                 params={"user_id": chat.user_id, "after": after},
                                 headers={"X-Webchat-Token": chat.tokens[chat.user_id]}) as r:
            assert r.status == 400 and "after" in (await r.json())["error"]
