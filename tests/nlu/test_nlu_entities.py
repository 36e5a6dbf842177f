"""Entities: order numbers, phones, last 4 digits, amounts with currency, dates."""

from datetime import date

import pytest

from nlu.entities import extract


def _one(text: str, today: date, entity: str) -> dict:
    found = [e for e in extract(text, today) if e["entity"] == entity]
    assert len(found) == 1, found
    return dict(found[0])


def test_order_number_with_letter_prefix_keeps_offsets(today: date) -> None:
    text = "订单号SO2026110512345还没发货"
    e = _one(text, today, "order_id")
    assert e["value"] == "SO2026110512345"
    assert text[e["start"] : e["end"]] == "SO2026110512345"


def test_full_width_order_number_is_found_in_the_original(today: date) -> None:
    text = "訂單編號：２０２６１１０５１２３４５"
    e = _one(text, today, "order_id")
    assert e["value"] == "2026110512345"
    assert e["text"] == "２０２６１１０５１２３４５"


def test_mobile_number_is_a_phone_not_an_order(today: date) -> None:
    e = _one("我的手机是13812345678", today, "phone")
    assert e["value"] == "13812345678"
    assert not [x for x in extract("我的手机是13812345678", today) if x["entity"] == "order_id"]


def test_eleven_digits_after_order_keyword_are_an_order_number(today: date) -> None:
    assert _one("订单号 13812345678", today, "order_id")["value"] == "13812345678"


def test_taiwan_mobile_number(today: date) -> None:
    assert _one("電話 0912-345-678", today, "phone")["value"] == "0912345678"


@pytest.mark.parametrize(
    "text", ["手机尾号5678", "後四碼 5678", "last 4 digits are 5678", "phone ending in 5678"]
)
def test_last_four_digits_of_the_phone(today: date, text: str) -> None:
    e = _one(text, today, "phone_last4")
    assert e["value"] == "5678"
    assert text[e["start"] : e["end"]] == "5678"


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("退我¥299", 299.0, "CNY"),
        ("一共１，２００元", 1200.0, "CNY"),
        ("花了NT$1,200", 1200.0, "TWD"),
        ("付了1200元還沒退", 1200.0, "TWD"),
        ("it cost $25.99", 25.99, "USD"),
        ("HK$350 已付", 350.0, "HKD"),
        ("退了50块钱", 50.0, "CNY"),
    ],
)
def test_amount_with_currency(today: date, text: str, value: float, currency: str) -> None:
    e = _one(text, today, "amount")
    assert (e["value"], e["currency"]) == (value, currency)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("昨天买的", "2026-11-24"),
        ("3天前签收的", "2026-11-22"),
        ("三天前簽收的", "2026-11-22"),
        ("11月5号下的单", "2026-11-05"),
        ("11月5號下的單", "2026-11-05"),
        ("12月30号买的", "2025-12-30"),
        ("2026-11-05 的订单", "2026-11-05"),
        ("上周五到的", "2026-11-20"),
        ("ordered it yesterday", "2026-11-24"),
        ("delivered 3 days ago", "2026-11-22"),
        ("bought on Nov 5", "2026-11-05"),
        ("arrived on 5 November", "2026-11-05"),
        ("since last friday", "2026-11-20"),
    ],
)
def test_dates_resolve_against_the_reference_date(today: date, text: str, iso: str) -> None:
    assert _one(text, today, "date")["value"] == iso


def test_impossible_date_is_ignored(today: date) -> None:
    assert not [e for e in extract("2月30号买的", today) if e["entity"] == "date"]


def test_order_pattern_is_configurable(today: date) -> None:
    config = {"order_id": {"pattern": r"(?<![a-z])ord-\d{6}(?!\d)"}}
    found = extract("ORD-123456 where?", today, config)
    assert [(e["entity"], e["value"]) for e in found] == [("order_id", "ORD123456")]
