"""``action_compensation`` through the web chat API: an offer within L1 authority is recorded
and reaches the agent's summary when the customer later asks for a person; a demand above it
opens an L2 case under ``compensation_above_l1`` whose summary says why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handoff.desk.summary.render import summary_text
from handoff.store.db import Database
from handoff.store.models import Case, Conversation
from tests.bot.chat import Chat


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store


def the_case(chat: Chat) -> Case:
    with chat.runtime.db.session() as session:
        case = session.scalars(select(Case)).one()
        session.expunge(case)
        return case


async def wrong_item(chat: Chat) -> None:
    for line in ("东西寄错了", "2026110500013", "8888"):
        await chat.say(line)


async def test_an_offer_made_by_the_bot_is_in_the_agents_summary(chat: Chat) -> None:
    await wrong_item(chat)
    await chat.say("赔我 10 块")
    assert "¥10" in chat.text
    with chat.runtime.db.session() as session:
        state = session.scalars(select(Conversation)).one().state
    assert state["findings"]["extra"]["offers"] == [
        {"kind": "credit", "amount": "10", "currency": "CNY"}]
    await chat.say("转人工")
    text = summary_text(chat.runtime.settings.templates_dir, the_case(chat).summary, "zh-Hans")
    assert "10 CNY 店铺余额" in text


async def test_a_demand_above_the_matrix_opens_an_l2_case_saying_why(chat: Chat) -> None:
    await wrong_item(chat)
    await chat.say("赔我 300")
    assert "专员审批" in chat.text and "300" not in chat.text
    case = the_case(chat)
    assert (case.queue, case.rule) == ("L2", "compensation_above_l1")
    text = summary_text(chat.runtime.settings.templates_dir, case.summary, "zh-Hans")
    assert "补偿诉求超出机器人可答应的额度" in text
    assert "compensation asked (300 CNY, shipping_error): needs L2 approval" in str(
        case.summary)


async def test_a_legal_threat_with_a_demand_still_goes_to_l3(chat: Chat) -> None:
    await chat.say("不赔我 300 我就去法院起诉你们")
    assert the_case(chat).queue == "L3"
