"""SOP: escalation rules (L1 → L2 → L3), one test per rule, driven through the desk."""

from __future__ import annotations

from sqlalchemy import select

from handoff.desk.desk import Desk
from handoff.ports import BotFindings, SensitiveFlag
from handoff.store.models.cases import Case, Notification
from handoff.store.models.enums import CasePriority, ConversationMode
from tests.handoff.handoff_shop import Shop


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
        assert ticket.case_number in ticket.replies[0].text


def _hand_off(shop: Shop, desk: Desk, text: str, intent: str, findings: BotFindings | None = None,
              channel: str = "telegram", **kwargs: object) -> Case:
    """One customer message through check_turn + hand_off; returns the case."""
    with shop.db.session() as s:
        conv = shop.customer(s, channel=channel)
        shop.says(s, conv, text, intent=intent)
        request = desk.check_turn(s, conv, shop.facts(text, intent=intent, **kwargs))
        assert request is not None, "expected a rule to fire"
        desk.hand_off(s, conv, request, findings or BotFindings(issue=intent))
        return s.scalars(select(Case).where(Case.conversation_id == conv.id)).one()


def test_media_threat_goes_to_l3_p1_and_notifies_legal_and_pr(shop: Shop, desk: Desk) -> None:
    hit = (SensitiveFlag("曝光", "media"),)
    case = _hand_off(shop, desk, "不退款我就去微博曝光你们", "return_request", sensitive=hit)
    assert (case.queue, case.priority, case.rule) == ("L3", CasePriority.P1, "sensitive_media")
    with shop.db.session() as s:
        kinds = {n.kind for n in s.scalars(select(Notification))}
    assert kinds == {"notify:legal", "notify:pr"}


def test_safety_incident_in_english_goes_to_l3_p1_tagged_safety(shop: Shop, desk: Desk) -> None:
    hit = (SensitiveFlag("caught fire", "safety"),)
    case = _hand_off(shop, desk, "the charger caught fire", "quality_issue", sensitive=hit)
    assert (case.queue, case.priority) == ("L3", CasePriority.P1)
    assert "safety" in case.tags


def test_request_for_a_human_goes_to_l2(shop: Shop, desk: Desk) -> None:
    case = _hand_off(shop, desk, "转人工", "request_human")
    assert (case.queue, case.rule) == ("L2", "human_request")


def test_request_for_a_supervisor_goes_to_l2_and_notifies_the_team_lead(
        shop: Shop, desk: Desk) -> None:
    case = _hand_off(shop, desk, "叫你们主管来", "request_human")
    assert (case.queue, case.rule) == ("L2", "supervisor_request")
    with shop.db.session() as s:
        assert [n.recipient for n in s.scalars(select(Notification))] == ["supervisor"]


def test_service_complaint_goes_to_l2(shop: Shop, desk: Desk) -> None:
    case = _hand_off(shop, desk, "你们客服态度太差了", "complaint_service")
    assert (case.queue, case.rule, case.priority) == ("L2", "complaint_service", CasePriority.P3)


def test_two_fallbacks_in_a_row_go_to_l2(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        once = shop.facts("asdf qwer", intent="out_of_scope", fallbacks_in_row=1)
        assert desk.check_turn(s, conv, once) is None
        twice = shop.facts("zxcv", intent="out_of_scope", fallbacks_in_row=2)
        request = desk.check_turn(s, conv, twice)
    assert request is not None and (request.rule, request.queue) == ("fallbacks", "L2")


def test_l1_flow_unresolved_after_15_minutes_is_handed_to_l2(shop: Shop, desk: Desk) -> None:
    started = shop.now()
    with shop.db.session() as s:
        conv = shop.customer(s)
        early = shop.facts("还有", flow="return", flow_started_at=started)
        assert desk.check_turn(s, conv, early) is None
        shop.clock.advance(minutes=15)
        late = shop.facts("还有", flow="return", flow_started_at=started)
        request = desk.check_turn(s, conv, late)
    assert request is not None and (request.rule, request.queue) == ("flow_timeout", "L2")
    assert "15" in request.reason


def test_refund_over_limit_goes_to_l2(shop: Shop, desk: Desk) -> None:
    request = desk.request_for("refund_over_limit")
    assert (request.queue, request.rule) == ("L2", "refund_over_limit")
    assert "500" in request.reason
    with shop.db.session() as s:
        conv = shop.customer(s)
        ticket = desk.hand_off(s, conv, request, BotFindings(
            issue="return_request", refund_amount="899.00", wants="refund of 899"))
        case = s.scalars(select(Case)).one()
        assert case.queue == "L2" and case.summary["refund_amount"] == "899.00"
        assert ticket.queue == "L2"


def test_evidence_complete_for_a_wrong_item_goes_to_the_warehouse(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        shop.order(s)
        request = desk.request_for("evidence_complete")
        desk.hand_off(s, conv, request, BotFindings(issue="wrong_or_missing_item",
                                                    order_id="2026110512345"))
        case = s.scalars(select(Case)).one()
        assert (case.queue, case.priority) == ("warehouse", CasePriority.P2)


def test_third_open_defect_on_the_same_item_is_a_batch_defect_for_quality_control(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        queues = []
        for n in range(3):
            conv = shop.customer(s)
            order = shop.order(s, order_id=f"SO20261105000{n}", item="电水壶 K-2")
            desk.hand_off(s, conv, desk.request_for("evidence_complete"),
                          BotFindings(issue="quality_issue", order_id=order.order_id))
            queues.append(s.scalars(select(Case.queue).where(
                Case.conversation_id == conv.id)).one())
    assert queues == ["L2", "L2", "qc"]


def test_vip_raises_priority_one_step_but_never_the_tier(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s, member_level="gold")
        desk.hand_off(s, conv, desk.request_for("human_request"),
                      BotFindings(issue="product_usage"))
        case = s.scalars(select(Case)).one()
        assert (case.priority, case.queue) == (CasePriority.P2, "L2")


def test_unknown_rule_name_is_a_clear_error(desk: Desk) -> None:
    import pytest

    from handoff.desk.desk import UnknownRule

    with pytest.raises(UnknownRule, match="no_such_rule"):
        desk.request_for("no_such_rule")
