"""SOP: overdue cases (红头工单) alert the supervisor at the due time and again every 2 hours of
delay, once per step; cases open longer than 48 h escalate; L1 flows time out on the timer."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.ports import BotFindings
from handoff.store.models.cases import Case, Notification
from handoff.store.models.chat import Conversation
from handoff.store.models.enums import ConversationMode
from handoff.store.outbox import pending_count
from tests.handoff.handoff_shop import Shop


def _open_p2(shop: Shop, desk: Desk) -> Case:
    with shop.db.session() as s:
        conv = shop.customer(s)
        desk.hand_off(s, conv, desk.request_for("fallbacks"),
                      BotFindings(issue="payment_issue"))
        return s.scalars(select(Case)).one()


def _sweep(shop: Shop, desk: Desk) -> list[tuple[str, int]]:
    with shop.db.session() as s:
        Sweeper(desk).sweep(s)
        return [(n.kind, n.step) for n in s.scalars(select(Notification).order_by(Notification.id))]


def test_overdue_p2_notifies_supervisor_at_due_time_and_again_two_hours_later_not_twice(
        shop: Shop, desk: Desk) -> None:
    case = _open_p2(shop, desk)
    shop.clock.advance(minutes=59)
    assert _sweep(shop, desk) == []
    shop.clock.set(case.first_response_due or datetime.min)
    assert _sweep(shop, desk) == [("overdue_first:supervisor", 0)]
    shop.clock.advance(hours=1)
    assert _sweep(shop, desk) == [("overdue_first:supervisor", 0)]  # same step: no second alert
    shop.clock.advance(hours=1)
    assert _sweep(shop, desk) == [("overdue_first:supervisor", 0), ("overdue_first:supervisor", 1)]
    assert _sweep(shop, desk)[-1] == ("overdue_first:supervisor", 1)


def test_answered_case_raises_no_first_response_alert(shop: Shop, desk: Desk) -> None:
    case = _open_p2(shop, desk)
    with shop.db.session() as s:
        row = s.get(Case, case.id)
        assert row is not None
        row.first_response_at = shop.now()
    shop.clock.advance(hours=3)
    assert _sweep(shop, desk) == []


def test_case_open_longer_than_48_hours_escalates_to_l3_once(shop: Shop, desk: Desk) -> None:
    case = _open_p2(shop, desk)
    shop.clock.advance(hours=48, minutes=1)
    kinds = [k for k, _ in _sweep(shop, desk)]
    assert "open_too_long:supervisor" in kinds
    with shop.db.session() as s:
        row = s.get(Case, case.id)
        assert row is not None and row.queue == "L3" and "escalated_48h" in row.tags
    shop.clock.advance(hours=1)
    assert [k for k, _ in _sweep(shop, desk)].count("open_too_long:supervisor") == 1


def test_l1_flow_unresolved_for_15_minutes_is_handed_off_by_the_timer(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        conv.state = {"flow": "return", "flow_started_at": shop.now().isoformat(),
                      "findings": {"issue": "return_request", "evidence_missing": ["product"]}}
        conv_id = conv.id
    shop.clock.advance(minutes=14)
    with shop.db.session() as s:
        assert Sweeper(desk).sweep(s).flows_handed_off == 0
    shop.clock.advance(minutes=1)
    with shop.db.session() as s:
        assert Sweeper(desk).sweep(s).flows_handed_off == 1
        again = s.get(Conversation, conv_id)
        assert again is not None and again.mode is ConversationMode.HUMAN
        case = s.scalars(select(Case)).one()
        assert case.rule == "flow_timeout" and case.summary["evidence"]["missing"] == ["product"]
        assert pending_count(s) == 1  # the case number reaches the customer via the outbox
    shop.clock.advance(minutes=30)
    with shop.db.session() as s:
        assert Sweeper(desk).sweep(s).flows_handed_off == 0


def test_overdue_steps_follow_the_configured_repeat(shop: Shop, desk: Desk) -> None:
    case = _open_p2(shop, desk)
    assert case.first_response_due is not None
    shop.clock.set(case.first_response_due + timedelta(hours=6, minutes=1))
    assert _sweep(shop, desk) == [("overdue_first:supervisor", 3)]
