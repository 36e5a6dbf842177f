"""The compensation matrix (training_data/policies/compensation.yml, seed 000): how a demand and
its amount are read, and what L1 may offer for each kind of case."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.policy.compensation import Asked, CompensationMatrix, load_compensation
from handoff.config.paths import default_training_data_dir
from handoff.config.yamlfile import ConfigFileError

FILE = default_training_data_dir() / "policies" / "compensation.yml"


@pytest.fixture(scope="module")
def matrix() -> CompensationMatrix:
    return load_compensation(FILE)


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("赔我 300", "300", "CNY"),
    ("I want $50 for the trouble", "50", "USD"),
    ("NT$500 賠償", "500", "TWD"),
    ("至少补偿300块", "300", "CNY"),
    ("要賠償我 500 元", "500", "CNY"),
    ("HK$ 100 compensation", "100", "HKD"),
    ("补偿 ¥20 就行", "20", "CNY"),
    ("赔我 300块钱", "300", "CNY"),
    ("compensate me US$12.50", "12.50", "USD"),
    ("NT$20,000 賠償", "20000", "TWD"),
    ("1,000 dollars for the trouble", "1000", "CNY"),
    ("賠我１００元", "100", "CNY"),  # full-width digits
])
def test_the_amount_a_demand_asks_for_is_read_with_its_currency(
        matrix: CompensationMatrix, text: str, amount: str, currency: str) -> None:
    assert matrix.asked(text, "CNY") == Asked(Decimal(amount), currency)


def test_an_order_number_or_phone_is_never_an_amount(matrix: CompensationMatrix) -> None:
    assert matrix.asked("订单 2026110500013 赔我", "CNY") == Asked(None, "CNY")
    assert matrix.asked("13812345678 要补偿", "CNY") == Asked(None, "CNY")


def test_a_plain_yuan_on_a_taiwan_order_is_new_taiwan_dollars(matrix: CompensationMatrix) -> None:
    assert matrix.asked("要賠償我 500 元", "TWD") == Asked(Decimal(500), "TWD")


def test_nt_dollars_are_not_us_dollars(matrix: CompensationMatrix) -> None:
    assert matrix.amounts.marked("NT$100 and $5", "CNY") == [
        Asked(Decimal(100), "TWD"), Asked(Decimal(5), "USD")]


@pytest.mark.parametrize("text", ["赔我 300", "你们要给我补偿", "賠償我", "我要補償",
                                  "I want $50 for the trouble", "Compensate me", "COMPENSATION"])
def test_demand_words_in_every_locale_make_a_demand(matrix: CompensationMatrix,
                                                    text: str) -> None:
    assert matrix.is_demand(text)


@pytest.mark.parametrize("text", ["我要退款", "where is my order", "退貨要多少錢", "赔率"])
def test_other_messages_are_no_demand(matrix: CompensationMatrix, text: str) -> None:
    assert not matrix.is_demand(text)


def test_a_demand_goes_before_a_complaint_rule_but_never_before_a_legal_threat(
        matrix: CompensationMatrix) -> None:
    assert matrix.answers("赔我 300", None)
    assert matrix.answers("赔我 300", "complaint_service")
    assert not matrix.answers("赔我 300", "sensitive_legal")
    assert not matrix.answers("我要退款", None)


def test_a_shipping_error_gets_10_credit_and_never_the_bigger_number(
        matrix: CompensationMatrix) -> None:
    verdict = matrix.decide("wrong_or_missing_item", Asked(None, "CNY"))
    assert [o.to_state() for o in verdict.offers] == [
        {"kind": "credit", "amount": "10", "currency": "CNY"}]
    assert not matrix.decide("wrong_or_missing_item", Asked(Decimal(11), "CNY")).within_authority


def test_a_smaller_ask_is_granted_as_asked(matrix: CompensationMatrix) -> None:
    verdict = matrix.decide("wrong_or_missing_item", Asked(Decimal(5), "USD"))
    assert [o.to_state() for o in verdict.offers] == [
        {"kind": "credit", "amount": "5", "currency": "USD"}]


def test_a_defect_gets_a_full_refund_and_20_credit(matrix: CompensationMatrix) -> None:
    verdict = matrix.decide("quality_issue", Asked(Decimal(20), "CNY"))
    assert [o.to_state() for o in verdict.offers] == [
        {"kind": "full_refund", "currency": "CNY"},
        {"kind": "credit", "amount": "20", "currency": "CNY"}]
    assert verdict.kind == "defect"


def test_a_case_of_unknown_kind_is_above_l1_authority(matrix: CompensationMatrix) -> None:
    verdict = matrix.decide(None, Asked(Decimal(1), "CNY"))
    assert not verdict.within_authority and verdict.kind is None
    assert not matrix.decide("order_status", Asked(None, "CNY")).within_authority


def test_taiwan_dollar_amounts_follow_the_file(matrix: CompensationMatrix) -> None:
    assert matrix.decide("quality_issue", Asked(Decimal(100), "TWD")).within_authority
    assert not matrix.decide("quality_issue", Asked(Decimal(101), "TWD")).within_authority
    assert matrix.shown(Decimal(100), "TWD") == "NT$100"


def test_no_credit_is_above_the_l1_cap_in_any_currency(matrix: CompensationMatrix) -> None:
    for currency, cap in matrix.l1_cap.items():
        assert matrix.highest(currency) <= cap
        for kind in matrix.kinds:
            assert kind.credit[currency] <= cap


def test_a_cap_below_the_credit_limits_the_offer(tmp_path: Path) -> None:
    text = FILE.read_text(encoding="utf-8").replace(
        "l1_cap: {CNY: 50,", "l1_cap: {CNY: 15,")
    path = tmp_path / "compensation.yml"
    path.write_text(text, encoding="utf-8")
    matrix = load_compensation(path)
    assert not matrix.decide("quality_issue", Asked(Decimal(20), "CNY")).within_authority
    assert matrix.highest("CNY") == Decimal(15)


@pytest.mark.parametrize(("broken", "message"), [
    ("l1_cap: {CNY: 50, TWD: 200, HKD: 50, USD: 50}", "l1_cap"),
    ("credit: {CNY: 10, TWD: 50, HKD: 10, USD: 10}", "credit"),
    ("demand_words:", "demand_words"),
])
def test_a_broken_matrix_is_a_clear_config_error(tmp_path: Path, broken: str,
                                                  message: str) -> None:
    replacement = {"l1_cap": "l1_cap: {CNY: 50}", "credit": "credit: {CNY: lots}",
                   "demand_words": "words:"}[message]
    path = tmp_path / "compensation.yml"
    path.write_text(FILE.read_text(encoding="utf-8").replace(broken, replacement),
                    encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"compensation\.yml") as error:
        load_compensation(path)
    assert message in str(error.value)
