"""Canned replies: a supervisor keeps them per locale under a /shortcut; inserted, the
customer's name and order are filled in, and a missing name never reads "Hello , …"."""

from __future__ import annotations

import pytest

from handoff.agents.canned import CannedReplyError, filled, list_canned, save_canned
from tests.handoff.handoff_shop import Shop


def test_a_shortcut_is_saved_once_per_locale_and_replaced_when_saved_again(shop: Shop) -> None:
    with shop.db.session() as s:
        save_canned(s, "zh-Hant", "/refund", "您好 {name}，訂單 {order} 已退款。", "sam",
                    shop.now())
        save_canned(s, "zh-Hant", "refund", "您好 {name}，訂單 {order} 退款已完成。", "sam",
                    shop.now())
        save_canned(s, "en", "/refund", "Hello {name}, order {order} is refunded.", "sam",
                    shop.now())
        [kept] = list_canned(s, "zh-Hant")
        assert kept.shortcut == "refund" and kept.text == "您好 {name}，訂單 {order} 退款已完成。"
        assert len(list_canned(s)) == 2


@pytest.mark.parametrize(("shortcut", "locale", "text"), [
    ("/退款", "en", "x"), ("/ok", "fr", "x"), ("/ok", "en", "  "), ("/a b", "en", "x")])
def test_a_bad_shortcut_locale_or_text_is_refused_with_the_reason(
        shop: Shop, shortcut: str, locale: str, text: str) -> None:
    with shop.db.session() as s, pytest.raises(CannedReplyError):
        save_canned(s, locale, shortcut, text, "sam", shop.now())


def test_name_and_order_are_filled_in_and_a_missing_name_leaves_no_gap() -> None:
    assert filled("Hello {name}, order {order}.", name="Wang", order="2026110512345") \
        == "Hello Wang, order 2026110512345."
    assert filled("Hello {name}, order {order}.", name="", order="SO1") == "Hello, order SO1."
    assert filled("您好 {name}，訂單 {order}", name=" ", order="1") == "您好，訂單 1"
