"""Every return-policy branch with the demo orders (dated relative to the test clock), in the
customer's language, through the web chat API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from handoff.store.db import Database
from handoff.store.models import Conversation
from tests.bot.chat import Chat


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store


async def ask(chat: Chat, opener: str, order_id: str, last4: str) -> str:
    await chat.say(opener)
    await chat.say(order_id)
    await chat.say(last4)
    return chat.text


def findings(runtime: Runtime) -> dict[str, object]:
    with runtime.db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        return dict(conversation.state["findings"])


BRANCHES = [
    # (opener, order, last4, outcome, words the customer must read)
    ("我要退货", "2026110500001", "5678", "no_reason_return", ["7 天无理由", "RMA", "华志路"]),
    ("我要退货", "2026110500002", "4321", "unused_return", ["30 天未使用", "RMA", "上门取件"]),
    ("耳机坏了，我要换货", "2026110500003", "1111", "defect_exchange", ["换货单号", "面单"]),
    ("我要退款", "2026110500004", "6666", "fast_refund", ["极速退款", "89.00 CNY"]),
    ("我要退货", "2026110500006", "2222", "not_eligible", ["超过了 30 天退货期限"]),
    ("我要退货", "2026110500007", "5555", "not_eligible", ["不支持无理由退货"]),
]


@pytest.mark.parametrize(("opener", "order_id", "last4", "outcome", "words"), BRANCHES,
                         ids=[b[3] + "-" + b[1][-2:] for b in BRANCHES])
async def test_return_branch_in_simplified_chinese(chat: Chat, opener: str, order_id: str,
                                                   last4: str, outcome: str,
                                                   words: list[str]) -> None:
    text = await ask(chat, opener, order_id, last4)
    for word in words:
        assert word in text
    decision = findings(chat.runtime)["decision"]
    assert isinstance(decision, dict) and decision["outcome"] == outcome
    assert decision["reason"] and decision["policy"]


async def test_not_eligible_offers_a_human_who_gets_the_reason(chat: Chat) -> None:
    await ask(chat, "我要退货", "2026110500006", "2222")
    assert "/handoff:return_not_eligible" in chat.buttons.values()
    await chat.press("转人工客服")
    assert chat.conversation["mode"] == "human"
    assert chat.conversation["case_number"]


async def test_refund_over_the_l1_limit_goes_to_l2_for_approval(chat: Chat) -> None:
    text = await ask(chat, "我要退货", "2026110500005", "3333")
    assert "超过自助办理额度（500 CNY）" in text
    assert chat.conversation["mode"] == "human"
    assert chat.conversation["queue"] == "L2"
    assert chat.conversation["case_number"] in text


async def test_taiwan_customer_over_limit_in_twd_is_converted_and_answered_in_traditional(
        chat: Chat) -> None:
    text = await ask(chat, "我要退貨", "TW2026110500009", "5678")
    assert "1977.80 CNY" in text and "超過自助辦理額度" in text
    assert chat.conversation["queue"] == "L2"


async def test_english_customer_gets_a_no_reason_return_with_rma(chat: Chat) -> None:
    text = await ask(chat, "I want to return my order", "US2026110500011", "0134")
    assert "7-day no-reason return" in text and "RMA" in text
    assert "After-sales warehouse" in text


async def test_english_used_item_is_refused_with_the_precise_reason(chat: Chat) -> None:
    text = await ask(chat, "I want to return my order", "2026110500003", "1111")
    assert "the item has been used" in text


async def test_traditional_chinese_defect_exchange_asks_for_three_photos(chat: Chat) -> None:
    text = await ask(chat, "喇叭壞了，我要換貨", "TW2026110500010", "4321")
    assert "換貨單號" in text and "貨運單" in text
