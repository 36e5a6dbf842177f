"""The return / exchange / refund policy (``training_data/policies/returns.yml``) and the
decision the bot takes for one order.

Every branch yields a `Decision` whose ``reason`` is a stable code (templates turn it into a
sentence) and whose ``policy`` names the clause of the file that applied, so the case summary
can say exactly why the bot said yes or no.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.policy.words import fold, word_list
from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.store.models.enums import OrderStatus
from handoff.store.orders import OrderView


class RequestKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"  # exchange for a defect
    SWAP = "swap"  # another size or colour of an unused item (no-reason exchange)
    EXCHANGE_UNCLEAR = "exchange_unclear"  # the customer has not said which yet
    REFUND = "refund"


class Outcome(StrEnum):
    NO_REASON_RETURN = "no_reason_return"
    UNUSED_RETURN = "unused_return"
    DEFECT_EXCHANGE = "defect_exchange"
    NO_REASON_EXCHANGE = "no_reason_exchange"
    FAST_REFUND = "fast_refund"
    DEFECT_REFUND = "defect_refund"  # a defect refunded instead of exchanged (photos reviewed)
    NEEDS_APPROVAL = "needs_approval"  # above the L1 refund limit: L2 approves
    NOT_ELIGIBLE = "not_eligible"

    @property
    def eligible(self) -> bool:
        return self not in (Outcome.NOT_ELIGIBLE, Outcome.NEEDS_APPROVAL)


@dataclass(frozen=True)
class Window:
    days: int
    requires_unused: bool
    excluded: frozenset[str]


@dataclass(frozen=True)
class ReturnPolicy:
    """The parsed policy file."""

    no_reason: Window
    unused: Window
    no_reason_exchange: Window
    defect_days: int
    evidence: tuple[str, ...]
    fast_refund_max: Decimal
    fast_refund_statuses: frozenset[str]
    fast_refund_levels: frozenset[str]
    approval_queue: str
    rates: dict[str, Decimal]
    rma_prefix: str
    return_address: dict[str, str]
    pickup_categories: frozenset[str]
    swap_words: tuple[str, ...] = ()
    defect_words: tuple[str, ...] = ()
    captions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    defect_refund_days: int = 0
    offer_refused_rule: str = "offer_refused"

    def caption_kind(self, text: str) -> str | None:
        """Which evidence photo a caption names ("面单" → shipping_label), if any."""
        folded = fold(text)
        return next((kind for kind, words in self.captions
                     if any(w in folded for w in words)), None)

    def exchange_kind(self, text: str) -> RequestKind | None:
        """A size / colour exchange, a defect, or None when the message does not say."""
        folded = fold(text)
        if any(w in folded for w in self.defect_words):
            return RequestKind.EXCHANGE
        if any(w in folded for w in self.swap_words):
            return RequestKind.SWAP
        return None

    def to_shop_currency(self, amount: Decimal, currency: str, shop_currency: str) -> Decimal:
        """Convert with ``currency_rates`` (rates are per unit, in the shop currency)."""
        if currency == shop_currency:
            return amount
        if currency not in self.rates or shop_currency not in self.rates:
            raise ConfigFileError(f"currency_rates has no rate for {currency}/{shop_currency}")
        return (amount * self.rates[currency] / self.rates[shop_currency]).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Decision:
    """What the bot decided, why, and under which clause of the policy."""

    outcome: Outcome
    reason: str
    policy: str
    days_since_delivery: int | None = None
    amount_in_shop_currency: str | None = None
    rma: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data


def load_policy(path: Path) -> ReturnPolicy:
    """Read and check the policy file; a missing key raises ConfigFileError naming it."""
    raw = load_yaml(path) or {}
    try:
        return _parse(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad return policy ({exc!r})") from exc


def _window(raw: dict[str, Any]) -> Window:
    return Window(int(raw["window_days"]), bool(raw.get("requires_unused", True)),
                  frozenset(raw.get("excluded_categories") or ()))


def _parse(raw: dict[str, Any]) -> ReturnPolicy:
    fast, rma = raw["fast_refund"], raw["rma"]
    return ReturnPolicy(
        no_reason=_window(raw["no_reason_return"]),
        unused=_window(raw["unused_return"]),
        no_reason_exchange=_window(raw["no_reason_exchange"]),
        defect_days=int(raw["defect_exchange"]["window_days"]),
        evidence=tuple(raw["defect_exchange"].get("evidence") or ()),
        fast_refund_max=Decimal(str(fast["max_amount"])),
        fast_refund_statuses=frozenset(fast.get("statuses") or ()),
        fast_refund_levels=frozenset(fast.get("member_levels") or ()),
        approval_queue=str(raw["refund_approval"]["queue"]),
        rates={k: Decimal(str(v)) for k, v in raw["currency_rates"].items()},
        rma_prefix=str(rma["prefix"]),
        return_address={k: str(v) for k, v in rma["return_address"].items()},
        pickup_categories=frozenset(rma.get("pickup_available_categories") or ()),
        swap_words=word_list(raw["exchange_reasons"]["swap"]),
        defect_words=word_list(raw["exchange_reasons"]["defect"]),
        captions=tuple((str(kind), word_list(words)) for kind, words in
                       (raw["defect_exchange"].get("captions") or {}).items()),
        defect_refund_days=int(raw["defect_refund"]["window_days"]),
        offer_refused_rule=str(raw["offer_refused"]["handoff_rule"]),
    )





@dataclass(frozen=True)
class DecisionInput:
    order: OrderView
    kind: RequestKind
    now: datetime
    timezone: str
    shop_currency: str
    l1_refund_limit: Decimal


def decide(policy: ReturnPolicy, query: DecisionInput) -> Decision:
    """Apply the policy to one order (the RMA number is added by the caller when eligible)."""
    order = query.order
    amount = policy.to_shop_currency(order.amount, order.currency, query.shop_currency)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        return Decision(Outcome.NOT_ELIGIBLE, f"order_{order.status.value}", "order_status")
    if order.status is OrderStatus.PAID:
        return _before_shipping(policy, query, amount)
    if order.status is OrderStatus.SHIPPED or order.delivered_at is None:
        return Decision(Outcome.NOT_ELIGIBLE, "not_delivered_yet", "order_status")
    days = _days_since(order.delivered_at, query.now, query.timezone)
    if query.kind is RequestKind.SWAP:
        return _with_amount(_swap(policy, order, days), days, amount)
    decision = (_exchange(policy, days) if query.kind is RequestKind.EXCHANGE
                else _return(policy, order, days))
    decision = _with_amount(decision, days, amount)
    if decision.outcome.eligible and query.kind is not RequestKind.EXCHANGE \
            and amount > query.l1_refund_limit:
        return _over_limit(decision, amount)
    return decision


def refund_instead(policy: ReturnPolicy, query: DecisionInput) -> Decision:
    """The refund the policy allows when the customer refused the exchange of ``query``: a
    return within its windows, or a defect within ``defect_refund``; over the L1 limit it
    needs approval; NOT_ELIGIBLE when no clause allows one (a person takes over)."""
    decision = decide(policy, replace(query, kind=RequestKind.RETURN))
    days = decision.days_since_delivery
    if decision.outcome is not Outcome.NOT_ELIGIBLE or query.kind is not RequestKind.EXCHANGE \
            or days is None or days > policy.defect_refund_days:
        return decision
    amount = Decimal(decision.amount_in_shop_currency or "0")
    if amount > query.l1_refund_limit:
        return _over_limit(decision, amount)
    return Decision(Outcome.DEFECT_REFUND, "defect_refund_within_window", "defect_refund",
                    days, decision.amount_in_shop_currency)


def _before_shipping(policy: ReturnPolicy, query: DecisionInput, amount: Decimal) -> Decision:
    order = query.order
    checks = (amount <= policy.fast_refund_max,
              order.status.value in policy.fast_refund_statuses,
              not policy.fast_refund_levels or order.member_level in policy.fast_refund_levels)
    shown = str(amount)
    if all(checks) and amount <= query.l1_refund_limit:
        return Decision(Outcome.FAST_REFUND, "fast_refund_checks_passed", "fast_refund",
                        amount_in_shop_currency=shown)
    return Decision(Outcome.NEEDS_APPROVAL, "fast_refund_checks_failed", "refund_approval",
                    amount_in_shop_currency=shown)


def _exchange(policy: ReturnPolicy, days: int) -> Decision:
    if days <= policy.defect_days:
        return Decision(Outcome.DEFECT_EXCHANGE, "defect_within_window", "defect_exchange")
    return Decision(Outcome.NOT_ELIGIBLE, "defect_window_expired", "defect_exchange")


def _swap(policy: ReturnPolicy, order: OrderView, days: int) -> Decision:
    """Another size or colour: no refund, so no amount limit; the no-reason window applies."""
    window = policy.no_reason_exchange
    if days <= window.days and _fits(window, order):
        return Decision(Outcome.NO_REASON_EXCHANGE, "no_reason_exchange_within_window",
                        "no_reason_exchange")
    reason = ("return_window_expired" if days > window.days else
              "category_excluded" if order.category in window.excluded else "item_used")
    return Decision(Outcome.NOT_ELIGIBLE, reason, "no_reason_exchange")


def _return(policy: ReturnPolicy, order: OrderView, days: int) -> Decision:
    windows = ((Outcome.NO_REASON_RETURN, policy.no_reason, "no_reason_return"),
               (Outcome.UNUSED_RETURN, policy.unused, "unused_return"))
    for outcome, window, clause in windows:
        if days <= window.days and _fits(window, order):
            return Decision(outcome, f"{clause}_within_window", clause)
    return Decision(Outcome.NOT_ELIGIBLE, _refusal(policy, order, days),
                    _refusal_clause(policy, days))


def _fits(window: Window, order: OrderView) -> bool:
    return order.category not in window.excluded and (order.unused or not window.requires_unused)


def _refusal(policy: ReturnPolicy, order: OrderView, days: int) -> str:
    """The most precise reason: the first window still open names what blocked it."""
    for window in (policy.no_reason, policy.unused):
        if days <= window.days:
            if order.category in window.excluded:
                return "category_excluded"
            return "item_used"
    return "return_window_expired"


def _refusal_clause(policy: ReturnPolicy, days: int) -> str:
    return "no_reason_return" if days <= policy.no_reason.days else "unused_return"


def _with_amount(decision: Decision, days: int, amount: Decimal) -> Decision:
    return Decision(decision.outcome, decision.reason, decision.policy, days, str(amount))


def _over_limit(decision: Decision, amount: Decimal) -> Decision:
    return Decision(Outcome.NEEDS_APPROVAL, "refund_over_l1_limit", "refund_approval",
                    decision.days_since_delivery, str(amount))


def _days_since(instant: datetime, now: datetime, timezone: str) -> int:
    tz = ZoneInfo(timezone)
    delivered: date = instant.astimezone(tz).date()
    return (now.astimezone(tz).date() - delivered).days
