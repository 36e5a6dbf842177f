"""SOP: SLA clocks count business time; outside hours the customer is told when a human answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.models.cases import Case
from handoff.store.models.enums import CasePriority
from tests.handoff.handoff_shop import Shop

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(case_due: datetime | None) -> datetime:
    assert case_due is not None
    return case_due.astimezone(SHANGHAI)


def test_p3_opened_friday_evening_is_due_in_monday_working_hours(shop: Shop, desk: Desk) -> None:
    shop.clock.set(datetime(2026, 11, 6, 20, 30, tzinfo=SHANGHAI))  # Friday 20:30
    with shop.db.session() as s:
        conv = shop.customer(s, language="en")
        ticket = desk.hand_off(s, conv, desk.request_for("fallbacks"),
                               BotFindings(issue="product_usage"))
        case = s.scalars(select(Case)).one()
    assert case.priority is CasePriority.P3
    assert _local(case.first_response_due) == datetime(2026, 11, 9, 13, 0, tzinfo=SHANGHAI)
    texts = [r.text for r in ticket.replies]
    assert "Mon 09 Nov, 13:00" in texts[0]
    assert "back at Mon 09 Nov, 09:00" in texts[1] and "order status" in texts[1]


def test_p2_inside_hours_is_due_one_working_hour_later(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:  # Thursday 10:00
        conv = shop.customer(s)
        ticket = desk.hand_off(s, conv, desk.request_for("fallbacks"),
                               BotFindings(issue="payment_issue"))
    assert ticket.priority is CasePriority.P2
    assert ticket.first_response_due == shop.now() + timedelta(hours=1)
    assert len(ticket.replies) == 1  # no out-of-hours notice during working hours


def test_p2_late_in_the_day_continues_next_morning(shop: Shop, desk: Desk) -> None:
    shop.clock.set(datetime(2026, 11, 5, 17, 30, tzinfo=SHANGHAI))
    with shop.db.session() as s:
        conv = shop.customer(s)
        ticket = desk.hand_off(s, conv, desk.request_for("fallbacks"),
                               BotFindings(issue="account_issue"))
    assert _local(ticket.first_response_due) == datetime(2026, 11, 6, 9, 30, tzinfo=SHANGHAI)


def test_p1_runs_around_the_clock(shop: Shop, desk: Desk) -> None:
    shop.clock.set(datetime(2026, 11, 7, 23, 0, tzinfo=SHANGHAI))  # Saturday night
    with shop.db.session() as s:
        conv = shop.customer(s)
        request = desk.request_for("sensitive_safety")
        ticket = desk.hand_off(s, conv, request, BotFindings(issue="quality_issue"))
    assert ticket.first_response_due == shop.now() + timedelta(minutes=15)
    assert len(ticket.replies) == 1


def test_holidays_have_no_working_hours(desk: Desk) -> None:
    hours = desk.tables.sla.hours
    new_year_eve = datetime(2026, 12, 31, 17, 0, tzinfo=SHANGHAI).astimezone(UTC)
    due = hours.add("L2", CasePriority.P3, new_year_eve, timedelta(hours=2))
    assert due.astimezone(SHANGHAI) == datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI)


def test_traditional_chinese_ticket_gives_case_number_and_time(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s, channel="line", language="zh-Hant")
        ticket = desk.hand_off(s, conv, desk.request_for("fallbacks"),
                               BotFindings(issue="refund_status"))
    assert ticket.case_number == "2026110001"
    assert "工單編號 2026110001" in ticket.replies[0].text
    assert "今天 11月05日 14:00 前" in ticket.replies[0].text
    assert "Asia/Shanghai" not in ticket.replies[0].text  # no time-zone label for customers


def test_a_request_for_a_person_is_answered_within_the_five_minutes_the_sop_promises(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        ticket = desk.hand_off(s, conv, desk.request_for("human_request"),
                               BotFindings(issue="refund_status"))
    assert ticket.first_response_due == shop.now() + timedelta(minutes=5)
    assert "5 分钟内（10:05 前）" in ticket.replies[0].text
