"""Phone numbers are shown masked (SOP form field: 138****5678)."""

from handoff.config.privacy import guard_text
from handoff.store.masking import mask_phone


def test_mainland_mobile_is_masked_like_the_sop_form() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_separators_and_country_codes_are_handled() -> None:
    assert mask_phone("+886 912-345-678") == "886*****5678"
    assert mask_phone("5678") == "****"


def test_phones_inside_text_are_masked_but_order_numbers_are_not() -> None:
    text = "电话13812345678，订单号2026110512345，台湾0912-345-678"
    masked = guard_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "2026110512345" in masked
    assert "0912-345-678" not in masked
