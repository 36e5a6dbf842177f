"""SOP: one open case per customer issue; human mode acknowledges, and lets the bot answer L1
questions until an agent answers; resolution asks for CSAT; "not solved" reopens the case to the
same agent; status changes follow the state machine."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.review.queue import pending_items
from handoff.agents.service import AgentService
from handoff.desk.cases import InvalidTransition, transition
from handoff.desk.desk import Desk
from handoff.ports import BotFindings, SensitiveFlag
from handoff.store.models.cases import AuditTrailViolation, Case, CaseEvent
from handoff.store.models.chat import Conversation
from handoff.store.models.enums import AgentRole, CasePriority, CaseStatus, ConversationMode
from tests.handoff.handoff_shop import Shop


def _handed_off(shop: Shop, desk: Desk, issue: str = "quality_issue") -> tuple[int, int]:
    with shop.db.session() as s:
        conv = shop.customer(s)
        desk.hand_off(s, conv, desk.request_for("human_request"), BotFindings(issue=issue))
        case = s.scalars(select(Case).where(Case.conversation_id == conv.id)).one()
        return conv.id, case.id


def _says_while_waiting(shop: Shop, desk: Desk, conv_id: int, text: str,
                        intent: str) -> tuple[list[object] | None, int | None]:
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None
        message = shop.says(s, conv, text, intent=intent)
        replies = desk.intercept(s, conv, message, shop.facts(text, intent=intent))
        return (None if replies is None else list(replies)), message.case_id


@pytest.mark.parametrize("text,intent", [
    ("我的订单到哪了", "order_status"), ("我要退货", "return_request"),
    ("发票怎么开", "invoice_request"),
])
def test_until_an_agent_answers_the_bot_still_answers_l1_questions_on_the_case(
        shop: Shop, desk: Desk, text: str, intent: str) -> None:
    conv_id, case_id = _handed_off(shop, desk)
    replies, on_case = _says_while_waiting(shop, desk, conv_id, text, intent)
    assert replies is None and on_case == case_id  # the bot answers; the case keeps the message


@pytest.mark.parametrize("text,intent", [
    ("你好", "greet"), ("谢谢", "thanks"), ("转人工", "request_human"),
])
def test_other_messages_while_waiting_are_acknowledged_once_per_interval(
        shop: Shop, desk: Desk, text: str, intent: str) -> None:
    conv_id, case_id = _handed_off(shop, desk)
    first, on_case = _says_while_waiting(shop, desk, conv_id, text, intent)
    assert first is not None and len(first) == 1 and on_case == case_id
    assert "已补充到工单" in first[0].text  # type: ignore[attr-defined]
    again, _ = _says_while_waiting(shop, desk, conv_id, text, intent)
    assert again == []


def test_once_an_agent_has_answered_the_agent_owns_the_conversation(
        shop: Shop, desk: Desk) -> None:
    conv_id, case_id = _handed_off(shop, desk)
    with shop.db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.first_response_at = shop.now()
    replies, on_case = _says_while_waiting(shop, desk, conv_id, "我的订单到哪了", "order_status")
    assert replies == [] and on_case == case_id  # the agent is in the conversation: no auto-reply


def test_sensitive_word_while_an_agent_works_the_case_escalates_it_to_l3(
        shop: Shop, desk: Desk) -> None:
    conv_id, case_id = _handed_off(shop, desk)
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None
        hit = (SensitiveFlag("律师", "legal"),)
        message = shop.says(s, conv, "我已经找了律师", sensitive=hit)
        assert desk.intercept(s, conv, message, shop.facts("我已经找了律师", sensitive=hit)) == []
        case = s.get(Case, case_id)
        assert case is not None and (case.queue, case.priority) == ("L3", CasePriority.P1)


def test_second_handoff_about_the_same_issue_joins_the_open_case(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        first = desk.hand_off(s, conv, desk.request_for("human_request"),
                              BotFindings(issue="refund_status"))
        second = desk.hand_off(s, conv, desk.request_for("not_helpful"),
                               BotFindings(issue="refund_status"))
        assert first.case_number == second.case_number
        assert len(s.scalars(select(Case)).all()) == 1


def test_bot_mode_message_is_left_to_the_bot(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        message = shop.says(s, conv, "你好", intent="greet")
        assert desk.intercept(s, conv, message, shop.facts("你好", intent="greet")) is None


def _resolved_by_agent(shop: Shop, desk: Desk) -> tuple[int, int, int]:
    conv_id, case_id = _handed_off(shop, desk)
    with shop.db.session() as s:
        agent = shop.agent(s, "lin", ["L2"])
        case = s.get(Case, case_id)
        assert case is not None
        service = AgentService(desk)
        service.reply(s, agent, case.number, "已为您安排换货")
        service.resolve(s, agent, case.number)
        return conv_id, case_id, agent.id


def test_resolution_asks_for_a_rating_and_records_it(shop: Shop, desk: Desk) -> None:
    conv_id, case_id, _ = _resolved_by_agent(shop, desk)
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None and conv.mode is ConversationMode.BOT
        message = shop.says(s, conv, "★★★★", payload={"payload": "csat:4"})
        replies = desk.intercept(s, conv, message, None)
        assert replies and "4/5" in replies[0].text
        case = s.get(Case, case_id)
        assert case is not None and case.csat == 4 and case.status is CaseStatus.RESOLVED


def test_not_solved_reopens_the_case_to_the_same_agent(shop: Shop, desk: Desk) -> None:
    conv_id, case_id, agent_id = _resolved_by_agent(shop, desk)
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None
        message = shop.says(s, conv, "还是没解决")
        replies = desk.intercept(s, conv, message, shop.facts("还是没解决", intent="deny"))
        case = s.get(Case, case_id)
        assert case is not None and replies
        assert (case.status, case.assignee_id, case.reopen_count) == (
            CaseStatus.IN_PROGRESS, agent_id, 1)
        assert conv.mode is ConversationMode.HUMAN
        assert case.number in replies[0].text


def test_message_that_is_not_a_rating_goes_to_the_bot(shop: Shop, desk: Desk) -> None:
    conv_id, _, _ = _resolved_by_agent(shop, desk)
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None
        message = shop.says(s, conv, "我还有一个订单要查")
        assert desk.intercept(s, conv, message, shop.facts("我还有一个订单要查")) is None


def test_a_new_case_cannot_jump_to_resolved(shop: Shop, desk: Desk) -> None:
    _, case_id = _handed_off(shop, desk)
    with shop.db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        with pytest.raises(InvalidTransition):
            transition(s, case, CaseStatus.RESOLVED, shop.now())


def test_case_events_are_append_only(shop: Shop, desk: Desk) -> None:
    _handed_off(shop, desk)
    with pytest.raises(AuditTrailViolation), shop.db.session() as s:
        event = s.scalars(select(CaseEvent)).first()
        assert event is not None
        event.kind = "edited"
        s.flush()


def test_auto_assignment_picks_the_least_loaded_matching_agent(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        shop.agent(s, "busy", ["L2"], ["appliances"], max_load=1)
        shop.agent(s, "phones_only", ["L2"], ["phones"])
        free = shop.agent(s, "free", ["L2"], ["appliances"])
        shop.agent(s, "boss", ["L2"], role=AgentRole.SUPERVISOR)
        owners = []
        for n in range(3):
            conv = shop.customer(s)
            order = shop.order(s, order_id=f"SO2026110599{n}", item=f"item {n}")
            ticket = desk.hand_off(s, conv, desk.request_for("human_request"),
                                   BotFindings(issue="quality_issue", order_id=order.order_id))
            case = s.scalars(select(Case).where(Case.number == ticket.case_number)).one()
            owners.append(case.assignee_id)
            assert case.status is CaseStatus.IN_PROGRESS
        busy_id = owners[0]
        assert owners.count(busy_id) == 1 and owners.count(free.id) == 2


def test_rating_button_as_the_engine_stores_it_is_recorded(shop: Shop, desk: Desk) -> None:
    conv_id, case_id, _ = _resolved_by_agent(shop, desk)
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None
        message = shop.says(s, conv, "★★", payload={"button": "csat:2"})
        assert desk.intercept(s, conv, message, None)
        case = s.get(Case, case_id)
        assert case is not None and case.csat == 2


def test_a_rating_tap_never_lands_in_the_trainers_review_queue(shop: Shop, desk: Desk) -> None:
    conv_id, _, _ = _resolved_by_agent(shop, desk)
    with shop.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None
        tap = shop.says(s, conv, "★★★★★", intent="inform", confidence=0.12)
        assert desk.intercept(s, conv, tap, None)
        unsure = shop.says(s, conv, "那发票呢", intent="inform", confidence=0.12)
        items = pending_items(s, threshold=0.5, fallback_intent="nlu_fallback", reviewed=())
    texts = [item.text for item in items]
    assert "★★★★★" not in texts and "那发票呢" in texts
    assert unsure.id in [item.message_id for item in items]
