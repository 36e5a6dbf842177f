"""Date expressions (absolute and relative) resolved against a reference date.

Works on normalised text (Simplified, lower case, half-width digits):
2026-11-05, 2026年11月5日, 11月5号, 11/5, 昨天, 3天前, 三天前, 上周五,
yesterday, 3 days ago, last friday, nov 5, 5 november.
A month/day without a year is taken in the reference year unless that lies more than
``future_days`` ahead (then the previous year: customers mostly talk about the past).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAYS_CN = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_RELATIVE_DAYS = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "后天": 2,
    "day before yesterday": -2,
    "yesterday": -1,
    "today": 0,
    "tomorrow": 1,
}
_CN_NUM = r"[\d零一二两三四五六七八九十]+"
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"

Match = tuple[int, int, date]


def cn_number(token: str) -> int | None:
    """Parse 3 / 三 / 十五 / 二十三 (up to 99); None when not a number."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        high = _CN_DIGITS.get(tens) if tens else 1
        low = _CN_DIGITS.get(ones) if ones else 0
        return None if high is None or low is None else high * 10 + low
    return _CN_DIGITS.get(token) if len(token) == 1 else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(today: date, month: int, day: int, future_days: int) -> date | None:
    found = _safe_date(today.year, month, day)
    if found and found > today + timedelta(days=future_days):
        found = _safe_date(today.year - 1, month, day)
    return found


def _shift_unit(today: date, n: int, unit: str) -> date:
    if unit in ("天", "日", "day", "days"):
        return today - timedelta(days=n)
    if unit in ("周", "星期", "礼拜", "week", "weeks"):
        return today - timedelta(weeks=n)
    month_index = today.year * 12 + today.month - 1 - n
    year, month = divmod(month_index, 12)
    return _safe_date(year, month + 1, min(today.day, 28)) or today


def _last_weekday(today: date, weekday: int, previous_week: bool) -> date:
    monday = today - timedelta(days=today.weekday())
    if previous_week:
        return monday - timedelta(weeks=1) + timedelta(days=weekday)
    days_back = (today.weekday() - weekday) % 7
    return today - timedelta(days=days_back)


Resolver = Callable[[re.Match[str], date, int], date | None]

_RULES: list[tuple[re.Pattern[str], Resolver]] = [
    (
        re.compile(r"(?<!\d)(\d{4})\s?[-/.年]\s?(\d{1,2})\s?[-/.月]\s?(\d{1,2})\s?[日号]?(?!\d)"),
        lambda m, t, f: _safe_date(int(m[1]), int(m[2]), int(m[3])),
    ),
    (
        re.compile(rf"({_CN_NUM})\s?月\s?({_CN_NUM})\s?[日号]"),
        lambda m, t, f: _cn_month_day(m, t, f),
    ),
    (
        re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?![\d/])"),
        lambda m, t, f: _month_day(t, int(m[1]), int(m[2]), f),
    ),
    (
        re.compile(rf"\b{_MONTH_RE}\s?(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s(\d{{4}}))?\b"),
        lambda m, t, f: _en_date(m[1], m[2], m[3], t, f),
    ),
    (
        re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH_RE}(?:\s(\d{{4}}))?\b"),
        lambda m, t, f: _en_date(m[2], m[1], m[3], t, f),
    ),
    (
        re.compile("|".join(sorted(map(re.escape, _RELATIVE_DAYS), key=len, reverse=True))),
        lambda m, t, f: t + timedelta(days=_RELATIVE_DAYS[m[0]]),
    ),
    (
        re.compile(rf"({_CN_NUM})\s?个?(天|日|周|星期|礼拜|月)(?:之|以)?前"),
        lambda m, t, f: _cn_ago(m, t),
    ),
    (
        re.compile(
            r"\b(\d+|an?|one|two|three|four|five|six|seven|ten)\s(days?|weeks?|months?)\sago\b"
        ),
        lambda m, t, f: _shift_unit(t, int(m[1]) if m[1].isdigit() else _EN_NUMBERS[m[1]], m[2]),
    ),
    (
        re.compile(r"(上)?(?:周|星期|礼拜)([一二三四五六日天1-7])"),
        lambda m, t, f: _last_weekday(t, _WEEKDAYS_CN[m[2]], bool(m[1])),
    ),
    (
        re.compile(r"\b(last\s)?(" + "|".join(_WEEKDAYS_EN) + r")\b"),
        lambda m, t, f: _last_weekday(t, _WEEKDAYS_EN.index(m[2]), bool(m[1])),
    ),
]


def _cn_month_day(m: re.Match[str], today: date, future_days: int) -> date | None:
    month, day = cn_number(m[1]), cn_number(m[2])
    return None if month is None or day is None else _month_day(today, month, day, future_days)


def _cn_ago(m: re.Match[str], today: date) -> date | None:
    n = cn_number(m[1])
    return None if n is None or n > 3650 else _shift_unit(today, n, m[2])


def _en_date(month: str, day: str, year: str | None, today: date, future_days: int) -> date | None:
    month_no = _MONTHS.index(month) + 1
    if year:
        return _safe_date(int(year), month_no, int(day))
    return _month_day(today, month_no, int(day), future_days)


def find_dates(text: str, today: date, future_days: int) -> list[Match]:
    """All date expressions as (start, end, resolved date); earlier rules win overlaps."""
    found: list[Match] = []
    for regex, resolve in _RULES:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e, _ in found):
                continue
            resolved = resolve(m, today, future_days)
            if resolved is not None:
                found.append((m.start(), m.end(), resolved))
    return sorted(found)
