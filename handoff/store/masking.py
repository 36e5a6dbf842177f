"""Phone numbers are shown masked everywhere: ``13812345678`` → ``138****5678``."""

from __future__ import annotations

import hashlib
import hmac
import re

# A run of 8–15 digits, allowing the separators people type (spaces, dashes, a leading +).
_PHONE_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\+?\d(?:[\d\- ]{6,18})\d(?![\dA-Za-z])")


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
    ``138…`` (or ``+886 912…`` and ``0912…``) match."""
    national = phone_digits(phone)[-9:]
    return hmac.new(key.encode(), national.encode(), hashlib.sha256).hexdigest()


def mask_phones_in_text(text: str) -> str:
    """Mask every phone-like number inside free text (transcripts, summaries, logs).

    Order numbers (10–20 digits, often with a letter prefix) are left alone when they are
    longer than a phone number or carry a prefix; an 11-digit run starting with 1 (a mainland
    mobile) or a 10-digit run starting with 09 (a Taiwan mobile) is treated as a phone.
    """
    return _PHONE_IN_TEXT.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = phone_digits(raw)
    if _looks_like_phone(digits, raw):
        return mask_phone(digits)
    return raw


def _looks_like_phone(digits: str, raw: str) -> bool:
    if raw.startswith("+"):
        return 8 <= len(digits) <= 15
    if len(digits) == 11 and digits.startswith("1"):
        return True
    if len(digits) == 10 and digits.startswith("09"):
        return True
    return 8 <= len(digits) <= 9
