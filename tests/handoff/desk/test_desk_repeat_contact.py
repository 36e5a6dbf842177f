"""SOP: the third contact about the same issue (same order + same problem) goes to L2 with the
investigation flag — counted across channels once the identity check links them."""

from __future__ import annotations

from sqlalchemy import select

from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.models.cases import Case
from handoff.store.models.people import Customer
from tests.handoff.handoff_shop import Shop

ORDER = "2026110512345"


def test_third_contact_about_same_order_goes_to_l2_with_investigation_flag(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        shop.order(s, order_id=ORDER)
        line = shop.customer(s, channel="line", language="zh-Hant")
        telegram = shop.customer(s, channel="telegram", language="zh-Hant")
        line_customer = s.get(Customer, line.customer_id)
        telegram_customer = s.get(Customer, telegram.customer_id)
        assert line_customer and telegram_customer
        desk.link_identity(s, line_customer, ORDER)
        first = shop.facts("壞了", intent="quality_issue", order_id=ORDER)
        assert desk.check_turn(s, line, first) is None
    shop.clock.advance(hours=5)
    with shop.db.session() as s:
        telegram_customer = s.get(Customer, telegram.customer_id)
        assert telegram_customer is not None
        desk.link_identity(s, telegram_customer, ORDER)  # verified on Telegram too
        second = shop.facts("還是壞的", intent="quality_issue", order_id=ORDER)
        assert desk.check_turn(s, telegram, second) is None
    shop.clock.advance(hours=5)
    with shop.db.session() as s:
        third = shop.facts("第三次問了，還是壞的", intent="quality_issue", order_id=ORDER)
        request = desk.check_turn(s, line, third)
        assert request is not None
        assert (request.rule, request.queue, request.investigation) == (
            "repeat_contact", "L2", True)
        desk.hand_off(s, line, request, BotFindings(issue="quality_issue", order_id=ORDER))
        case = s.scalars(select(Case)).one()
        assert case.investigation and "repeat_contact" in case.tags


def test_messages_within_one_contact_are_counted_once(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        conv = shop.customer(s)
        for _ in range(5):
            facts = shop.facts("还没到", intent="order_status", order_id=ORDER)
            assert desk.check_turn(s, conv, facts) is None
            shop.clock.advance(minutes=10)


def test_unlinked_identities_on_two_channels_do_not_add_up(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        line, telegram = shop.customer(s, channel="line"), shop.customer(s, channel="telegram")
        for conv in (line, telegram, line):
            facts = shop.facts("坏了", intent="quality_issue", order_id=ORDER)
            assert desk.check_turn(s, conv, facts) is None
            shop.clock.advance(hours=3)


def test_linking_moves_earlier_cases_to_the_person(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        shop.order(s, order_id=ORDER)
        web = shop.customer(s, channel="webchat")
        line = shop.customer(s, channel="line")
        web_customer = s.get(Customer, web.customer_id)
        line_customer = s.get(Customer, line.customer_id)
        assert web_customer and line_customer
        desk.link_identity(s, web_customer, ORDER)
        desk.hand_off(s, line, desk.request_for("human_request"),
                      BotFindings(issue="refund_status"))
        desk.link_identity(s, line_customer, ORDER)
        case = s.scalars(select(Case)).one()
        assert case.person_id == web_customer.person_id == line_customer.person_id
        assert line_customer.phone_masked == "138****5678"
