"""The display guard masks phone numbers and nothing else: every phone shape the SOP's customers
type (mainland mobiles, Taiwan / Hong Kong mobiles and landlines, + international numbers, in
any spacing) is masked; dates, times, order / tracking / RMA numbers and amounts never change.
The masker at entry shares the patterns and must leave the same non-phone shapes alone."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from handoff.config.paths import default_training_data_dir
from handoff.config.privacy import guard_text, load_masker

_MASKER = load_masker(default_training_data_dir() / "privacy" / "identifiers.yml")
_BEFORE = st.sampled_from(["", " ", "：", "，", "已于", "订单号 ", "delivered on ", "電話 ",
                           "请在", "（", "\n", "call "])
_AFTER = st.sampled_from(["", " ", "。", "，", " 之前", "）", "\n", " thanks", "谢谢"])
_DIGIT = st.integers(0, 9).map(str)


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.lists(_DIGIT, min_size=count, max_size=count).map("".join)


def _spaced(groups: list[str], separator: str) -> str:
    return separator.join(groups)


_SEPARATOR = st.sampled_from(["", " ", "-", ".", "  ", " - "])


@st.composite
def mainland_mobiles(draw: st.DrawFn) -> str:
    number = "1" + draw(st.sampled_from("3456789")) + draw(_digits(9))
    body = _spaced([number[:3], number[3:7], number[7:]], draw(_SEPARATOR))
    return draw(st.sampled_from(["", "+86 ", "+86-", "86 ", "+86"])) + body


@st.composite
def taiwan_mobiles(draw: st.DrawFn) -> str:
    rest = "9" + draw(_digits(8))
    separator = draw(_SEPARATOR)
    if draw(st.booleans()):
        return "+886" + draw(st.sampled_from(["", " ", "-"])) + _spaced(
            [rest[:3], rest[3:6], rest[6:]], separator)
    return _spaced(["0" + rest[:3], rest[3:6], rest[6:]], separator)


@st.composite
def taiwan_landlines(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["02", "03", "04", "05", "06", "07", "08", "037", "049"]))
    head = draw(_digits(draw(st.sampled_from([3, 4]))))
    tail = draw(_digits(4))
    shape = draw(st.sampled_from(["({a}) {h}-{t}", "{a}-{h}-{t}", "{a}{h}{t}", "{a} {h} {t}",
                                  "+886 {b} {h} {t}", "({a}){h}{t}"]))
    return shape.format(a=area, b=area[1:], h=head, t=tail)


@st.composite
def hong_kong_numbers(draw: st.DrawFn) -> str:
    number = draw(st.sampled_from("2345689")) + draw(_digits(7))
    separator = draw(st.sampled_from([" ", "-"]))  # eight digits in one run may be a date
    prefix = draw(st.sampled_from(["", "+852 ", "+852-", "852 "]))
    return prefix + number[:4] + separator + number[4:]


@st.composite
def international_numbers(draw: st.DrawFn) -> str:
    country = str(draw(st.integers(1, 999)))
    groups = [draw(_digits(size)) for size in draw(st.lists(st.integers(2, 4), min_size=3,
                                                            max_size=4))]
    number = "+" + country + " " + _spaced(groups, draw(st.sampled_from([" ", "-", "."])))
    digits = sum(ch.isdigit() for ch in number)
    return number if 8 <= digits <= 15 else "+44 20 7946 0958"


_PHONES = st.one_of(mainland_mobiles(), taiwan_mobiles(), taiwan_landlines(),
                    hong_kong_numbers(), international_numbers())


@st.composite
def dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))
    shape = draw(st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日",
                                  "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M",
                                  "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S"]))
    moment = dt.datetime.combine(day, draw(st.times()))
    return moment.strftime(shape)


_TIMES = st.times().map(lambda t: t.strftime("%H:%M:%S" if t.second else "%H:%M"))


@st.composite
def order_numbers(draw: st.DrawFn) -> str:
    """10–20 digits, dated as shops number them, optionally after a 2–4 letter prefix."""
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))).strftime("%Y%m%d")
    number = day + draw(_digits(draw(st.integers(2, 12))))
    prefix = draw(st.sampled_from(["", "SO", "TB", "JD", "ORD"]))
    return prefix + number


@st.composite
def tracking_numbers(draw: st.DrawFn) -> str:
    carrier = draw(st.sampled_from(["SF", "YT", "JDVA", "ZTO", "EMS", "JT", ""]))
    size = draw(st.integers(12, 15))
    return carrier + draw(_digits(size))


@st.composite
def rma_numbers(draw: st.DrawFn) -> str:
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))).strftime("%Y%m%d")
    return draw(st.sampled_from(["RMA", "RMA-", "R"])) + day + draw(_digits(6))


@st.composite
def amounts(draw: st.DrawFn) -> str:
    value = draw(st.decimals(0, 99_999_999, places=2, allow_nan=False, allow_infinity=False))
    shape = draw(st.sampled_from(["¥{v}", "￥{v}", "NT${g}", "HK$ {g}", "{v} 元", "{v}元",
                                  "US${v}", "{v}", "{g}", "{g} TWD", "RMB {v}"]))
    return shape.format(v=f"{value:.2f}", g=f"{value:,.2f}")


_NEVER_MASKED = st.one_of(dates(), _TIMES, order_numbers(), rma_numbers(), amounts())


def _digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@settings(max_examples=400, deadline=None)
@given(before=_BEFORE, phone=_PHONES, after=_AFTER)
def test_every_phone_shape_is_masked_down_to_its_last_four_digits(
        before: str, phone: str, after: str) -> None:
    shown = guard_text(before + phone + after)
    assert phone not in shown
    assert _digits_of(phone) not in _digits_of(shown)
    assert _digits_of(phone)[-4:] in shown


@settings(max_examples=400, deadline=None)
@given(before=_BEFORE, kept=st.one_of(_NEVER_MASKED, tracking_numbers()), after=_AFTER)
def test_dates_times_order_tracking_rma_numbers_and_amounts_are_never_changed(
        before: str, kept: str, after: str) -> None:
    text = before + kept + after
    assert guard_text(text) == text


@settings(max_examples=300, deadline=None)
@given(before=_BEFORE, kept=_NEVER_MASKED, after=_AFTER)
def test_the_masker_at_entry_leaves_the_same_shapes_alone(
        before: str, kept: str, after: str) -> None:
    text = before + kept + after
    assert _MASKER.mask(text) == text


@settings(max_examples=200, deadline=None)
@given(day=dates(), phone=_PHONES, order=order_numbers())
def test_a_sentence_with_a_date_an_order_and_a_phone_loses_only_the_phone(
        day: str, phone: str, order: str) -> None:
    shown = guard_text(f"订单 {order} 已于 {day} 签收，联系电话 {phone}。")
    assert f"订单 {order} 已于 {day} 签收" in shown
    assert _digits_of(phone) not in _digits_of(shown.split("联系电话")[1])


def test_the_summary_quote_of_a_delivery_date_is_kept() -> None:
    assert guard_text("It was delivered on 2026-11-29") == "It was delivered on 2026-11-29"
