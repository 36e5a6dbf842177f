"""Personal identifiers are masked at the point of entry: ``13812345678`` → ``138****5678``.

`IdentifierMasker` applies the configured patterns (training_data/privacy/identifiers.yml,
loaded by `handoff.config.privacy`) to free text and to JSON values, before anything is written.
A pattern may carry a check (Luhn, ID check digits) so order numbers, tracking numbers, dates and
amounts are left alone; spans matched by a configured exclusion (dates, times, amounts) are never
masked, whatever pattern would otherwise take them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

DIGEST_PREFIX = "digest:"
_DIGIT = re.compile(r"\d")


class IdentifierKind(StrEnum):
    PHONE = "phone"
    NATIONAL_ID = "national_id"
    BANK_CARD = "bank_card"


@dataclass(frozen=True)
class IdentifierPattern:
    kind: IdentifierKind
    regex: re.Pattern[str]
    check: str | None = None  # luhn | cn_id | tw_id


def phone_digits(phone: str) -> str:
    """Only the digits of a phone number (``+886 912-345-678`` → ``886912345678``)."""
    return "".join(ch for ch in phone if ch.isdigit())


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits, star the rest; short numbers keep only the last 4."""
    digits = phone_digits(phone)
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) < 9:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def phone_digest(phone: str, key: str) -> str:
    """A keyed digest of the national number, to match a phone a customer types to an order
    without storing the number itself. The last 9 digits are used, so ``+86 138…`` and
    ``138…`` (or ``+886 912…`` and ``0912…``) match. A Hong Kong number has 8 digits, so
    ``+852 9123 4567`` is cut to those 8 (its last 9 would keep the 2 of 852)."""
    digits = phone_digits(phone)
    national = digits[3:] if len(digits) == 11 and digits.startswith("852") else digits[-9:]
    return hmac.new(key.encode(), national.encode(), hashlib.sha256).hexdigest()


class IdentifierMasker:
    """Masks every configured identifier in text and in JSON-like values."""

    def __init__(self, patterns: Iterable[IdentifierPattern],
                 exclusions: Iterable[re.Pattern[str]] = ()) -> None:
        self._patterns = tuple(patterns)
        self._exclusions = tuple(exclusions)

    def only(self, kind: IdentifierKind) -> IdentifierMasker:
        """The same masker restricted to one kind (the display guard masks phones only)."""
        return IdentifierMasker((p for p in self._patterns if p.kind is kind), self._exclusions)

    def mask(self, text: str) -> str:
        if not _DIGIT.search(text):  # every identifier has digits: most text has none
            return text
        for pattern in self._patterns:
            if not pattern.regex.search(text):
                continue
            # Exclusions are found again on each pass: an earlier pass may have changed the text.
            kept = tuple(m.span() for regex in self._exclusions for m in regex.finditer(text))
            text = pattern.regex.sub(partial(_masked, pattern=pattern, kept=kept), text)
        return text

    def mask_value(self, value: Any) -> Any:
        """Every string inside dicts and lists masked (the NLU record, raw webhook payloads)."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {key: self.mask_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_value(item) for item in value]
        return value


def _inside(start: int, end: int, kept_start: int, kept_end: int, raw: str) -> bool:
    """Whether a match is (part of) a kept shape: it overlaps one and does not begin with digits
    of its own before it ("delivered on 2026-11-29" stays; "130-2000-0101" is a phone whose
    tail merely looks like a date)."""
    if not (start < kept_end and kept_start < end):
        return False
    return not (start < kept_start and any(c.isdigit() for c in raw[:kept_start - start]))


def _masked(match: re.Match[str], pattern: IdentifierPattern,
            kept: tuple[tuple[int, int], ...] = ()) -> str:
    raw = match.group(0)
    start, end = match.span()
    if any(_inside(start, end, kept_start, kept_end, raw) for kept_start, kept_end in kept):
        return raw
    compact = re.sub(r"[\s.()+-]", "", raw)
    if pattern.check and not CHECKS[pattern.check](compact):
        return raw
    if pattern.kind is IdentifierKind.PHONE:
        return mask_phone(compact)
    return "*" * (len(compact) - 4) + compact[-4:]


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def cn_id_ok(value: str) -> bool:
    """GB 11643-1999: ISO 7064 MOD 11-2 check character of an 18-character ID."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    if len(value) != 18 or not value[:17].isdigit():
        return False
    check = "10X98765432"[sum(int(d) * w for d, w in zip(value, weights, strict=False)) % 11]
    return value[17].upper() == check


def tw_id_ok(value: str) -> bool:
    """Taiwan ID: the letter's two-digit code, then weights 8…1 and 1, sum divisible by 10."""
    letters = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
    if len(value) != 10 or value[0].upper() not in letters or not value[1:].isdigit():
        return False
    code = letters.index(value[0].upper()) + 10
    digits = [code // 10, code % 10, *map(int, value[1:])]
    weights = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


CHECKS: dict[str, Callable[[str], bool]] = {"luhn": luhn_ok, "cn_id": cn_id_ok,
                                             "tw_id": tw_id_ok}
