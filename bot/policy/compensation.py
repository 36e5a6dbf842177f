"""The compensation matrix (``training_data/policies/compensation.yml``, seed 000): which
message demands compensation ("赔我 300", "I want $50 for the trouble"), the amount and currency
it asks for, and what L1 may offer for the case's kind (shipping error: credit; defect: full
refund + credit; never above the L1 cap). Anything above, or a kind not known yet, needs a
specialist's approval."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bot.policy.words import fold, word_list
from handoff.config.yamlfile import ConfigFileError, load_yaml

SHOP = "shop"  # a currency mark meaning "the shop's currency" (元, 块, dollars)


@dataclass(frozen=True)
class Asked:
    """The amount a demand names, in a currency (None: the demand names no amount)."""

    amount: Decimal | None
    currency: str


@dataclass(frozen=True)
class Offer:
    """One thing L1 offers: ``{"kind": "credit", "amount": "20", "currency": "CNY"}``."""

    kind: str
    amount: Decimal | None
    currency: str

    def to_state(self) -> dict[str, str]:
        data = {"kind": self.kind, "currency": self.currency}
        return {**data, "amount": _plain(self.amount)} if self.amount is not None else data


@dataclass(frozen=True)
class Verdict:
    """Within L1 authority: the offers to make; otherwise none and a specialist approves."""

    kind: str | None  # the matrix kind of the case (shipping_error, defect) or None
    offers: tuple[Offer, ...]

    @property
    def within_authority(self) -> bool:
        return bool(self.offers)


@dataclass(frozen=True)
class CaseKind:
    name: str
    issues: frozenset[str]
    full_refund: bool
    credit: Mapping[str, Decimal]


@dataclass(frozen=True)
class AmountReader:
    """Reads "NT$500", "300块", "$50", "¥ 20", "500 元" and, in a demand, a bare "300"."""

    before: tuple[tuple[str, str], ...]  # (folded mark, currency), longest mark first
    after: tuple[tuple[str, str], ...]
    max_digits: int

    def read(self, text: str, shop_currency: str) -> Asked | None:
        marked = self.marked(text, shop_currency)
        if marked:
            return marked[0]
        bare = re.search(self._number, fold(text))
        return None if bare is None else Asked(_decimal(bare[1]), shop_currency)

    @property
    def _number(self) -> str:
        # 300, 20,000 (thousands), 12.50; never a digit run longer than max_digits (an order
        # number or a phone is no amount).
        digits = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,{self.max_digits}}})"
        return rf"(?<![\d.,])({digits}(?:\.\d{{1,2}})?)(?!\d)(?!,\d)"

    def marked(self, text: str, shop: str) -> list[Asked]:
        """Every amount written with a currency mark, in the order they appear."""
        folded, number = fold(text), self._number
        found: dict[int, tuple[int, Asked]] = {}  # number position → (mark position, amount)
        for pattern, currency in (*((re.escape(m) + r"\s*" + number, c) for m, c in self.before),
                                  *((number + r"\s*" + re.escape(m), c) for m, c in self.after)):
            for m in re.finditer(pattern, folded):
                # "NT$500" is TWD, not "$500": the mark that starts first (the longer) wins.
                if m.start(1) not in found or m.start() < found[m.start(1)][0]:
                    found[m.start(1)] = (m.start(), Asked(_decimal(m[1]),
                                                          _currency(currency, shop)))
        return [found[at][1] for at in sorted(found)]


@dataclass(frozen=True)
class CompensationMatrix:
    kinds: tuple[CaseKind, ...]
    l1_cap: Mapping[str, Decimal]
    display: Mapping[str, str]
    demand_words: tuple[str, ...]
    amounts: AmountReader
    before_rules: frozenset[str]  # turn rules a demand is answered before (complaint intents)

    def is_demand(self, text: str) -> bool:
        folded = fold(text)
        return any(word in folded for word in self.demand_words)

    def answers(self, text: str, turn_rule: str | None) -> bool:
        """Whether the matrix answers this message: a demand, and no turn rule fired other
        than those it goes before (a legal threat or a request for a person still wins)."""
        return self.is_demand(text) and (turn_rule is None or turn_rule in self.before_rules)

    def asked(self, text: str, shop_currency: str) -> Asked:
        """The amount a demand asks for (in the shop's currency unless a mark says otherwise;
        a currency the matrix has no amounts for falls back to the shop's, unread)."""
        asked = self.amounts.read(text, shop_currency) or Asked(None, shop_currency)
        return asked if asked.currency in self.l1_cap else Asked(asked.amount, shop_currency)

    def kind_of(self, issue: str | None) -> CaseKind | None:
        return next((k for k in self.kinds if issue and issue in k.issues), None)

    def decide(self, issue: str | None, asked: Asked) -> Verdict:
        """What L1 may offer for a demand on a case about ``issue``: the matrix's credit (or the
        smaller amount asked), plus the full refund a defect gets; nothing when the kind is not
        known or the ask is above the matrix or the L1 cap."""
        kind = self.kind_of(issue)
        cap = self.l1_cap.get(asked.currency)
        credit = kind.credit.get(asked.currency) if kind else None
        if kind is None or cap is None or credit is None:
            return Verdict(kind.name if kind else None, ())
        allowed = min(credit, cap)
        if asked.amount is not None and asked.amount > allowed:
            return Verdict(kind.name, ())
        amount = allowed if asked.amount is None else asked.amount
        refund = (Offer("full_refund", None, asked.currency),) if kind.full_refund else ()
        return Verdict(kind.name, (*refund, Offer("credit", amount, asked.currency)))

    def shown(self, amount: Decimal, currency: str) -> str:
        return self.display.get(currency, "{amount} " + currency).format(amount=_plain(amount))

    def highest(self, currency: str) -> Decimal:
        """The most L1 ever offers in ``currency`` (what no reply may exceed)."""
        credits = [k.credit[currency] for k in self.kinds if currency in k.credit]
        return min(max(credits, default=Decimal(0)), self.l1_cap.get(currency, Decimal(0)))


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else format(amount.normalize(), "f")


def _currency(mark_currency: str, shop: str) -> str:
    return shop if mark_currency == SHOP else mark_currency


def _amounts(raw: Mapping[str, Any], where: str) -> dict[str, Decimal]:
    try:
        table = {str(cur).upper(): Decimal(str(value)) for cur, value in raw.items()}
    except (AttributeError, InvalidOperation) as exc:
        raise ConfigFileError(f"{where}: amounts must map a currency to a number") from exc
    if not table or any(v < 0 for v in table.values()):
        raise ConfigFileError(f"{where}: amounts must map a currency to a number >= 0")
    return table


def _marks(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs = {fold(str(mark)): str(cur) for mark, cur in raw.items()}
    return tuple(sorted(pairs.items(), key=lambda item: len(item[0]), reverse=True))


def _kinds(raw: Mapping[str, Any], path: Path) -> tuple[CaseKind, ...]:
    return tuple(CaseKind(str(name), frozenset(map(str, spec["issues"])),
                          bool(spec.get("full_refund", False)),
                          _amounts(spec["credit"], f"{path}: kinds.{name}.credit"))
                 for name, spec in raw.items())


def load_compensation(path: Path) -> CompensationMatrix:
    """Read the matrix; a missing key or a bad amount is a ConfigFileError naming the file."""
    raw = load_yaml(path) or {}
    try:
        amounts = raw["amounts"]
        matrix = CompensationMatrix(
            _kinds(raw["kinds"], path), _amounts(raw["l1_cap"], f"{path}: l1_cap"),
            {str(k).upper(): str(v) for k, v in (raw.get("display") or {}).items()},
            word_list(raw["demand_words"]),
            AmountReader(_marks(amounts["before"]), _marks(amounts["after"]),
                         int(amounts["max_digits"])),
            frozenset(map(str, raw.get("before_rules") or ())))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, ConfigFileError):
            raise
        raise ConfigFileError(f"{path}: bad compensation matrix ({exc!r})") from exc
    missing = {c for k in matrix.kinds for c in k.credit} - set(matrix.l1_cap)
    if missing:
        raise ConfigFileError(f"{path}: l1_cap has no amount for {sorted(missing)}")
    return matrix
