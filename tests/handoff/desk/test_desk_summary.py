"""SOP: warm handoff — the agent's summary carries who, which order, what the bot decided,
evidence received and missing, the rule that fired, the last messages; never a full phone."""

from __future__ import annotations

import re

from sqlalchemy import select

from handoff.desk.desk import Desk
from handoff.desk.summary import render_summary, summary_html, summary_labels
from handoff.ports import BotFindings
from handoff.store.models.cases import Case
from handoff.store.models.people import Customer
from tests.handoff.handoff_shop import Shop

ORDER = "2026110512345"


def _conversation_handed_off(shop: Shop, desk: Desk) -> Case:
    with shop.db.session() as s:
        shop.order(s, order_id=ORDER, phone="13812345678", member_level="gold")
        conv = shop.customer(s, channel="telegram", language="zh-Hans")
        customer = s.get(Customer, conv.customer_id)
        assert customer is not None
        shop.says(s, conv, "空气炸锅用了两天就坏了", intent="quality_issue")
        shop.says(s, conv, f"订单 {ORDER}，电话 13812345678", intent="inform")
        desk.link_identity(s, customer, ORDER)
        shop.says(s, conv, "照片发了两张，外箱扔了", intent="inform")
        findings = BotFindings(
            issue="quality_issue", order_id=ORDER, wants="换一台新的空气炸锅",
            decision={"outcome": "exchange_eligible", "reason": "defect within 14 days",
                      "policy": "14-day defect exchange"},
            evidence_received=("product", "shipping_label"), evidence_missing=("outer_box",),
            answered=("told the customer a 14-day defect exchange applies",))
        desk.hand_off(s, conv, desk.request_for("not_helpful"), findings)
        return s.scalars(select(Case)).one()


def test_summary_has_order_decision_evidence_rule_last_messages_and_no_full_phone(
        shop: Shop, desk: Desk) -> None:
    case = _conversation_handed_off(shop, desk)
    summary = case.summary
    assert summary["order"]["id"] == ORDER and summary["order"]["item"] == "空气炸锅 AF-1"
    assert summary["decision"]["outcome"] == "exchange_eligible"
    assert summary["evidence"] == {"received": ["product", "shipping_label"],
                                   "missing": ["outer_box"], "files": []}
    assert summary["rule"] == "not_helpful"
    assert [m["text"] for m in summary["last_messages"]][-1] == "照片发了两张，外箱扔了"
    assert summary["customer"]["phone_masked"] == "138****5678" and summary["customer"]["vip"]
    for locale in ("zh-Hans", "zh-Hant", "en"):
        for fmt in ("txt", "html"):
            text = render_summary(shop.settings.templates_dir, summary, locale, fmt)
            assert ORDER in text and "exchange_eligible" in text and "outer_box" in text
            assert "not_helpful" in text
            # The console shows the conversation beside the summary: no second copy in HTML.
            assert ("外箱扔了" in text) is (fmt == "txt")
            assert "13812345678" not in text and not re.search(r"1\d{10}", text)
            assert "138****5678" in text
        plain = render_summary(shop.settings.templates_dir, summary, locale, "txt")
        # Each field starts its own line (a block tag must not swallow a line break).
        assert all(line.count(":") <= 8 for line in plain.splitlines())
        assert any(line.startswith(("历史工单", "歷史工單", "Previous cases"))
                   for line in plain.splitlines())


def test_html_summary_escapes_customer_text(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        shop.says(s, conv, "<script>alert(1)</script>")
        desk.hand_off(s, conv, desk.request_for("human_request"),
                      BotFindings(wants="<script>alert(1)</script>"))
        case = s.scalars(select(Case)).one()
    for html in (render_summary(shop.settings.templates_dir, case.summary, "en", "html"),
                 summary_html(shop.settings.templates_dir, case.summary, "en")):
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_summary_lists_previous_cases_of_the_same_person(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        first = desk.hand_off(s, conv, desk.request_for("human_request"),
                              BotFindings(issue="refund_status"))
        desk.hand_off(s, conv, desk.request_for("human_request"),
                      BotFindings(issue="invoice_request"))
        latest = s.scalars(select(Case).order_by(Case.id.desc())).first()
        assert latest is not None
        assert latest.summary["customer"]["previous_cases"] == [first.case_number]


def test_every_agent_locale_labels_every_summary_field(shop: Shop) -> None:
    labels = summary_labels(shop.settings.templates_dir)
    assert set(labels) == {"zh-Hans", "zh-Hant", "en"}
    keys = {locale: set(words) for locale, words in labels.items()}
    assert keys["zh-Hans"] == keys["zh-Hant"] == keys["en"]
