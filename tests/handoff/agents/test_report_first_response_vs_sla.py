"""The supervisor's "first-response time vs SLA" figures: per priority, how long the first
answers took next to that priority's target in sla.yml, and how many met their due time."""

from __future__ import annotations

from datetime import timedelta

from handoff.agents.reports import first_response_vs_sla
from handoff.agents.service import AgentService
from handoff.config.tables import SlaTarget, load_sla
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.models.enums import CasePriority
from tests.handoff.handoff_shop import Shop


def _open_case(shop: Shop, desk: Desk, rule: str, intent: str | None = None) -> str:
    with shop.db.session() as s:
        conversation = shop.customer(s)
        facts = shop.facts("需要人工", intent=intent) if intent else None
        return desk.hand_off(s, conversation, desk.request_for(rule, facts),
                             BotFindings(issue=intent or rule)).case_number


def _answer(shop: Shop, desk: Desk, number: str) -> None:
    with shop.db.session() as s:
        agent = shop.agent(s, f"agent-{number}", ["L2", "L3"])
        AgentService(desk).reply(s, agent, number, "您好，我来处理")


def _sla_table(shop: Shop) -> dict[CasePriority, SlaTarget]:
    assert shop.settings.sla_file is not None  # filled in by Settings
    return load_sla(shop.settings.sla_file)


def test_each_priority_shows_its_first_response_times_next_to_its_sla_target(
        shop: Shop, desk: Desk) -> None:
    start = shop.now()  # a Thursday morning in Shanghai: inside working hours
    legal = _open_case(shop, desk, "sensitive_legal")                     # P1
    payment = _open_case(shop, desk, "fallbacks", "payment_issue")   # P2
    question = _open_case(shop, desk, "fallbacks")                     # P3 (default)
    _open_case(shop, desk, "fallbacks")                                # P3, never answered
    _open_case(shop, desk, "fallbacks", "invoice_request")           # P4, never answered
    shop.clock.advance(minutes=10)
    _answer(shop, desk, legal)
    shop.clock.advance(minutes=20)
    _answer(shop, desk, question)
    shop.clock.advance(minutes=60)
    _answer(shop, desk, payment)  # 90 minutes: past the P2 target (60 in sla.yml)

    targets = _sla_table(shop)
    with shop.db.session() as s:
        rows = first_response_vs_sla(s, start, shop.now(), targets)

    assert [r.priority for r in rows] == list(CasePriority)
    assert [r.target_minutes for r in rows] == [
        targets[p].first_response / timedelta(minutes=1) for p in CasePriority]
    p1, p2, p3, p4 = rows
    assert (p1.minutes, p1.on_time, p1.waiting, p1.on_time_rate) == ((10.0,), 1, 0, 1.0)
    assert (p2.minutes, p2.on_time, p2.waiting, p2.on_time_rate) == ((90.0,), 0, 0, 0.0)
    assert (p3.minutes, p3.on_time, p3.waiting, p3.median_minutes) == ((30.0,), 1, 1, 30.0)
    assert (p4.answered, p4.waiting, p4.median_minutes, p4.on_time_rate) == (0, 1, None, None)


def test_cases_opened_outside_the_period_are_left_out(shop: Shop, desk: Desk) -> None:
    earlier = _open_case(shop, desk, "fallbacks")
    shop.clock.advance(minutes=5)
    _answer(shop, desk, earlier)
    since = shop.now()
    shop.clock.advance(minutes=1)
    _open_case(shop, desk, "fallbacks")
    targets = _sla_table(shop)
    with shop.db.session() as s:
        p3 = first_response_vs_sla(s, since, shop.now() + timedelta(minutes=1), targets)[2]
    assert (p3.answered, p3.waiting) == (0, 1)
