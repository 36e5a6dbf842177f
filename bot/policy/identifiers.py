"""Reading identifiers out of a whole message, with the flow's expectation in mind.

The NLU finds order numbers and phones that sit next to a keyword; customers write "手机 5566",
"電話末四碼是 5566", "phone ends in 5566", "2026110500001 5566" or just "5566" after being asked.
`IdentifierReader` reads the message as a form filler would (Rasa's ``from_text`` conditioned
on ``requested_slot``): an order number anywhere; a full phone number (only its last 4 digits
are kept); 4 digits after a phone word; and 4 bare digits when the flow waits for the phone
or the same message carries the order number. Patterns and words are in
``training_data/policies/identifiers.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.policy.words import fold, word_list
from handoff.config.yamlfile import ConfigFileError, load_yaml

_FOUR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Identifiers:
    """What one message said about the order and the phone (last 4 digits only)."""

    order_id: str | None = None
    phone_last4: str | None = None
    only: bool = False  # nothing else in the message (it answers a question, asks nothing)
    request: str = ""  # the message without identifiers and the words naming them

    @property
    def found(self) -> bool:
        return bool(self.order_id or self.phone_last4)


@dataclass(frozen=True)
class IdentifierReader:
    order: re.Pattern[str]
    full_phone: re.Pattern[str]
    phone_words: tuple[str, ...]
    max_gap: int
    mobile: re.Pattern[str]
    order_words: tuple[str, ...]
    fillers: tuple[str, ...]
    request_confidence: float = 0.8

    def read(self, text: str, *, phone_expected: bool) -> Identifiers:
        """The order number and phone in ``text``; bare 4 digits count as the phone when
        ``phone_expected`` (the bot asked for it, or a flow holds an unverified order)."""
        folded = fold(text)
        order = next((m for m in self.order.finditer(folded) if not self._is_mobile(folded, m)),
                     None)
        order_id = order.group(0).replace("-", "").upper() if order else None
        rest = _blank(folded, order.span()) if order else folded
        phone = self._phone(rest, phone_expected or order is not None)
        found = bool(order_id or phone)
        return Identifiers(order_id, phone, found and self._only(rest),
                           self._request(rest) if found else "")

    def _request(self, rest: str) -> str:
        """What the customer asks besides the identifiers ("我要退货 订单… 尾号…" → "我要退货"):
        read on its own, the identifiers and their words do not pull it toward order status."""
        text = re.sub(r"[#＃]?\d[\d ()+-]*", " ", rest)
        for word in (*self.order_words, *self.phone_words):
            text = text.replace(word, " ")
        return " ".join(re.sub(r"[，,。.:：;；!！?？、]+", " ", text).split())

    def _only(self, rest: str) -> bool:
        """Nothing but digits, punctuation and filler words is left."""
        words = re.sub(r"[\d\s\W_]+", " ", rest).split()
        leftover = "".join(words)
        for filler in self.fillers:
            leftover = leftover.replace(filler, "")
        latin = [w for w in words if w.isascii() and w not in self.fillers]
        return not latin and len(re.sub(r"[a-z]", "", leftover)) == 0

    def _is_mobile(self, text: str, match: re.Match[str]) -> bool:
        """Digits shaped like a mobile number, with no order word just before them."""
        before = text[max(0, match.start() - 6): match.start()]
        return bool(self.mobile.match(match.group(0))) and not any(
            w in before for w in self.order_words)

    def _phone(self, text: str, bare_ok: bool) -> str | None:
        full = self.full_phone.search(text)
        if full:
            digits = re.sub(r"\D", "", full.group(0))
            if len(digits) >= 8:
                return digits[-4:]
        for word in self.phone_words:
            start = text.find(word)
            while start >= 0:
                after = text[start + len(word): start + len(word) + self.max_gap + 4]
                four = _FOUR.search(after)
                if four and four.start() <= self.max_gap:
                    return four.group(0)
                start = text.find(word, start + 1)
        groups = _FOUR.findall(text)
        if bare_ok and len(groups) == 1 and len(_DIGIT.findall(text)) == 4:
            return groups[0]
        return None


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def load_identifier_reader(path: Path) -> IdentifierReader:
    raw = load_yaml(path) or {}
    try:
        phone = raw["phone"]
        return IdentifierReader(re.compile(raw["order_id"]["pattern"]),
                                re.compile(phone["full_number"]), word_list(phone["words"]),
                                int(phone["max_gap"]), re.compile(phone["mobile"]),
                                tuple(fold(str(w)) for w in phone["order_words"]),
                                word_list(raw["filler_words"]),
                                float(raw["request_confidence"]))
    except (KeyError, TypeError, AttributeError, ValueError, re.error) as exc:
        raise ConfigFileError(f"{path}: bad identifier patterns ({exc!r})") from exc
