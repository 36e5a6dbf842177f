"""Refusal phrases (dialogue.yml) and the refund a refused exchange may become (returns.yml)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.policy.dialogue import load_dialogue
from bot.policy.returns import DecisionInput, Outcome, RequestKind, load_policy, refund_instead
from handoff.config.paths import default_training_data_dir
from handoff.store.models.enums import OrderStatus
from handoff.store.orders import OrderView

POLICIES = default_training_data_dir() / "policies"
NOW = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["我不要换货", "不要換貨，我要退錢", "no, I want my money back",
                                  "I don't want a replacement", "I don’t want a replacement"])
def test_a_refused_exchange_is_read_in_every_locale(text: str) -> None:
    assert load_dialogue(POLICIES / "dialogue.yml").refuses(text, "exchange")


@pytest.mark.parametrize("text", ["我要换货", "换个尺码", "好的", "I want an exchange",
                                  "moneyback?", "no exchanges of emails, thanks"])
def test_other_messages_refuse_nothing(text: str) -> None:
    dialogue = load_dialogue(POLICIES / "dialogue.yml")
    assert not dialogue.refuses(text, "exchange")
    assert not dialogue.refuses(text, "refund")


def order(days: int, *, unused: bool, amount: str = "199.00") -> OrderView:
    delivered = NOW - timedelta(days=days)
    return OrderView("2026110500099", "王小明", "138****5678", "web", OrderStatus.DELIVERED,
                     "SF", "SF1", "卫衣", "electronics", Decimal(amount), "CNY", delivered,
                     delivered, delivered, "normal", unused)


def refund_for(view: OrderView, kind: RequestKind) -> Outcome:
    query = DecisionInput(view, kind, NOW, "Asia/Shanghai", "CNY", Decimal("500"))
    return refund_instead(load_policy(POLICIES / "returns.yml"), query).outcome


def test_a_refused_swap_within_the_no_reason_window_becomes_a_return_for_a_refund() -> None:
    assert refund_for(order(3, unused=True), RequestKind.SWAP) is Outcome.NO_REASON_RETURN


def test_a_refused_defect_exchange_within_the_defect_refund_window_is_refunded() -> None:
    assert refund_for(order(5, unused=False), RequestKind.EXCHANGE) is Outcome.DEFECT_REFUND


def test_a_refused_defect_exchange_after_the_defect_refund_window_has_no_refund() -> None:
    assert refund_for(order(10, unused=False), RequestKind.EXCHANGE) is Outcome.NOT_ELIGIBLE


def test_a_refund_above_the_l1_limit_needs_approval() -> None:
    view = order(5, unused=False, amount="2999.00")
    assert refund_for(view, RequestKind.EXCHANGE) is Outcome.NEEDS_APPROVAL
