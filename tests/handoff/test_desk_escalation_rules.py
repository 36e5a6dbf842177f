"""SOP: escalation rules (L1 → L2 → L3), one test per rule, driven through the desk."""

from __future__ import annotations

from handoff.desk import Desk
from handoff.ports import BotFindings, SensitiveFlag
from handoff.store.enums import CasePriority, ConversationMode
from handoff.store.cases import Case, Notification
from sqlalchemy import select

from conftest import Shop


def test_legal_threat_in_traditional_chinese_goes_to_l3_p1_tagged_legal(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s, channel="line", language="zh-Hant")
        text = "再不處理我就找律師提告"
        hit = (SensitiveFlag("提告", "legal"),)
        shop.says(s, conv, text, intent="complaint_service", sensitive=hit)
        facts = shop.facts(text, intent="complaint_service", language="zh-Hant", sensitive=hit)
        request = desk.check_turn(s, conv, facts)
        assert request is not None and request.rule == "sensitive_legal"
        ticket = desk.hand_off(s, conv, request, BotFindings(issue="complaint_service"))
        case = s.scalars(select(Case)).one()
        assert (case.queue, case.priority) == ("L3", CasePriority.P1)
        assert "legal" in case.tags
        assert conv.mode is ConversationMode.HUMAN
        assert {n.recipient for n in s.scalars(select(Notification))} == {"legal", "pr"}
        assert ticket.case_number in ticket.replies[0]["text"]
