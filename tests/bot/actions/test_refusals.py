"""A refused exchange through the web chat API: the exchange is not issued anyway, the
refusal is recorded in the findings with the customer's masked words, and an agent who takes
over reads it in the summary."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from handoff.desk.summary.render import summary_text
from handoff.store.db import Database
from handoff.store.models import Case, Conversation
from tests.bot.chat import Chat


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    return sqlite_store


def findings(runtime: Runtime) -> dict[str, object]:
    with runtime.db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        return dict(conversation.state["findings"])


async def test_refused_exchange_is_recorded_with_the_customers_masked_words(chat: Chat) -> None:
    await chat.say("卫衣小了，想换个大一号的")
    await chat.say("2026110500001 5678")
    assert "RMA" in chat.text
    await chat.say("我不要换货，我要退款，有事打 13812345678")
    assert "RMA" not in chat.text and "7 天无理由退货" in chat.text
    found = findings(chat.runtime)
    refusals = found["extra"]["refusals"]  # type: ignore[index]
    assert [r["offered"] for r in refusals] == ["exchange"]
    assert refusals[0]["text"].startswith("我不要换货，我要退款")
    assert "13812345678" not in str(found)  # stored as the message is: masked
    decision = found["decision"]
    assert isinstance(decision, dict)
    assert decision["outcome"] == "no_reason_return" and decision["rma"] is None
    assert found["wants"] == "refund"


async def test_a_second_refusal_adds_to_the_first_and_reaches_the_agent(chat: Chat) -> None:
    await chat.say("can I swap the coffee set for a different colour?")
    await chat.say("US2026110500011 0134")
    await chat.say("no, I want my money back")
    await chat.say("actually I don't want a refund either")
    assert chat.conversation["mode"] == "human" and "RMA" not in chat.text
    with chat.runtime.db.session() as session:
        case = session.scalars(select(Case)).one()
        summary = dict(case.summary)
    assert [(r["offered"], r["text"]) for r in summary["refusals"]] == [
        ("exchange", "no, I want my money back"),
        ("refund", "actually I don't want a refund either")]
    text = summary_text(chat.runtime.settings.templates_dir, summary, "en")
    assert "turned down" in text and "“no, I want my money back”" in text


async def test_a_defect_exchange_refused_outside_every_refund_window_is_handed_off(
        chat: Chat) -> None:
    await chat.say("my headphones are faulty, I want to exchange them")
    await chat.say("order 2026110500003 phone ends in 1111")
    await chat.say("I don't want a replacement")
    assert chat.conversation["mode"] == "human" and "RMA" not in chat.text
    with chat.runtime.db.session() as session:
        case = session.scalars(select(Case)).one()
        assert case.summary["rule"] == "offer_refused"
        assert case.summary["refusals"] == [
            {"offered": "exchange", "text": "I don't want a replacement"}]


async def test_a_message_that_refuses_nothing_keeps_the_exchange(chat: Chat) -> None:
    await chat.say("卫衣小了，想换个大一号的")
    await chat.say("2026110500001 5678")
    await chat.say("好的，谢谢")
    assert "refusals" not in (findings(chat.runtime).get("extra") or {})
