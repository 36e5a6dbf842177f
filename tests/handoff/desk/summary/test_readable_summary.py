"""SOP warm handoff: the agent grasps the case in ten seconds — who, what they want, what the
bot checked and told them, evidence, why it was handed off, mood, refusals and offers, the next
step — in plain sentences in the agent's own language, never in codes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from handoff.desk.desk import Desk
from handoff.desk.summary import summary_html, summary_text
from handoff.ports import BotFindings
from handoff.store.models.cases import Case
from handoff.store.models.people import Customer
from tests.handoff.handoff_shop import Shop

ORDER = "2026110512345"
CODES = ("no_reason_return", "not_helpful", "outer_box", "shipping_label", "telegram",
         "return_window_expired", "exchange_eligible", "outcome=", "None")


def _handed_off(shop: Shop, desk: Desk, **extra: Any) -> dict[str, Any]:
    with shop.db.session() as s:
        shop.order(s, order_id=ORDER, phone="13812345678", member_level="gold")
        conv = shop.customer(s, channel="telegram", language="zh-Hans")
        customer = s.get(Customer, conv.customer_id)
        assert customer is not None
        customer.display_name = ""  # the chat gave no name: the order's name is used
        shop.says(s, conv, "已于 2026-11-29 签收，我要退货", intent="return_request")
        desk.link_identity(s, customer, ORDER)
        findings = BotFindings(
            issue="quality_issue", order_id=ORDER, wants="return",
            decision={"outcome": "not_eligible", "reason": "return_window_expired",
                      "policy": "no_reason_return", "days_since_delivery": 12},
            evidence_received=("product",), evidence_missing=("outer_box",),
            answered=("It was delivered on 2026-11-29",), extra=extra)
        desk.hand_off(s, conv, desk.request_for("not_helpful"), findings)
        return dict(s.scalars(select(Case)).one().summary)


def test_the_zh_hant_summary_reads_as_sentences_without_codes(shop: Shop, desk: Desk) -> None:
    summary = _handed_off(shop, desk, sentiment="frustrated",
                          refusals=[{"offered": "exchange", "text": "我不要換貨"}],
                          offers=[{"kind": "credit", "amount": "20", "currency": "CNY"}])
    text = summary_text(shop.settings.templates_dir, summary, "zh-Hant")
    assert text.splitlines()[0].startswith("工單 ")
    assert "不符合條件（已過退貨期）" in text and "簽收已 12 天" in text
    assert "轉人工原因：客戶表示機器人的答復沒有幫助" in text
    assert "✓ 商品照片" in text and "✗ 外包裝" in text
    assert "情緒：不滿" in text and "換貨 (“我不要換貨”)" in text and "20 CNY 店鋪餘額" in text
    assert "138****5678" in text and "金卡" not in text and "gold" in text
    assert "2026-11-29" in text, "a date is never masked"
    assert not any(code in text for code in CODES), text


def test_a_chat_without_a_name_takes_the_name_on_the_order(shop: Shop, desk: Desk) -> None:
    summary = _handed_off(shop, desk)
    name = summary["customer"]["order_name"]
    assert name and summary["customer"]["name"] == ""
    for locale in ("zh-Hans", "zh-Hant", "en"):
        assert summary_text(shop.settings.templates_dir, summary, locale).splitlines()[1] \
            .startswith(name)


@pytest.mark.parametrize(("locale", "why"), [
    ("en", "Handed off because the customer said the bot's answer did not help."),
    ("zh-Hans", "转人工原因：客户表示机器人的答复没有帮助。"),
])
def test_the_reason_for_the_handoff_is_the_rule_in_words(
        shop: Shop, desk: Desk, locale: str, why: str) -> None:
    summary = _handed_off(shop, desk)
    assert why in summary_text(shop.settings.templates_dir, summary, locale)


def test_the_console_card_escapes_customer_text_and_keeps_the_facts_folded(
        shop: Shop, desk: Desk) -> None:
    summary = _handed_off(shop, desk, refusals=[{"offered": "exchange",
                                                  "text": "<script>x</script>"}])
    html = summary_html(shop.settings.templates_dir, summary, "en")
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert re.search(r"<details class=\"facts\">", html)
    assert 'class="missing"' in html and "outer box" in html
