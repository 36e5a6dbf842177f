"""``action_check_return_eligibility``: return / exchange / refund against the policy file."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import (
    button,
    end_flow,
    findings_event,
    findings_of,
    hand_off,
    human_button,
    locale_of,
    noted,
    say,
    updated,
)
from bot.actions.context import Turn, TurnAction
from bot.actions.identify import identify
from bot.actions.order_status import order_context
from bot.actions.refusals import ACCEPTS_REFUND, REFUND_CONFIRM, answer_refusal, offer_refund
from bot.policy.returns import Decision, DecisionInput, Outcome, RequestKind, decide
from handoff.ports import BotFindings
from handoff.store.orders import OrderView


def rma_number(order: OrderView, turn: Turn) -> str:
    """Stable per order and day, so a redelivered turn issues the same number."""
    day = turn.now.astimezone(ZoneInfo(turn.runtime.settings.timezone)).strftime("%Y%m%d")
    return f"{turn.runtime.policy.rma_prefix}{day}{order.order_id[-6:]}"


class ActionCheckReturnEligibility(TurnAction):
    """Decide a return, defect exchange or refund; eligible → RMA and next steps; over the L1
    limit → L2 approval; not eligible → the precise reason and a human offered."""

    def name(self) -> str:
        return "action_check_return_eligibility"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        kind = _kind(tracker, turn)
        known: list[EventType] = [SlotSet("request_kind", kind.value)]
        found = identify(dispatcher, tracker, turn)
        if found.order is None:
            return [*known, *found.events]
        if tracker.get_slot("refused"):  # "我不要换货": the exchange is not issued anyway
            return [*found.events, *answer_refusal(dispatcher, tracker, turn, found.order, {
                **order_context(found.order, turn),
                **_policy_context(found.order, locale_of(tracker, turn), turn)})]
        if kind is RequestKind.EXCHANGE_UNCLEAR:
            return [*known, *found.events, *_ask_which(dispatcher, tracker, turn)]
        settings = turn.runtime.settings
        decision = decide(turn.runtime.policy, DecisionInput(
            found.order, kind, turn.now, settings.timezone, settings.currency,
            settings.l1_refund_limit))
        if tracker.get_slot("requested_slot") == REFUND_CONFIRM and _intent(
                tracker) not in ACCEPTS_REFUND:  # the refund offered waits for a yes
            return [*known, *found.events, *offer_refund(dispatcher, tracker, turn, decision, {
                **order_context(found.order, turn),
                **_decision_context(decision, found.order, locale_of(tracker, turn), turn)},
                findings_of(tracker))]
        if decision.outcome.eligible and decision.outcome is not Outcome.FAST_REFUND:
            decision = Decision(decision.outcome, decision.reason, decision.policy,
                                decision.days_since_delivery, decision.amount_in_shop_currency,
                                rma_number(found.order, turn))
        findings = updated(findings_of(tracker), order_id=found.order.order_id,
                           issue=findings_of(tracker).issue or f"{kind.value}_request",
                           wants=kind.value, decision=decision.to_dict(),
                           refund_amount=decision.amount_in_shop_currency)
        findings = noted(findings, f"{kind.value}: {decision.outcome.value} ({decision.reason})")
        context: dict[str, Any] = {**order_context(found.order, turn),
                   **_decision_context(decision, found.order, locale_of(tracker, turn), turn)}
        return [*known, *found.events, *self._answer(dispatcher, tracker, turn, decision,
                                                     context, findings)]

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn,
                decision: Decision, context: dict[str, Any], findings: BotFindings,
                ) -> list[EventType]:
        if decision.outcome is Outcome.NEEDS_APPROVAL:
            say(dispatcher, tracker, turn, "refund_needs_approval", **context)
            return hand_off(dispatcher, tracker, turn, "refund_over_limit", findings)
        if not decision.outcome.eligible:
            say(dispatcher, tracker, turn, "return_not_eligible",
                buttons=[human_button(tracker, turn, "return_not_eligible")], **context)
            return [*end_flow(), findings_event(findings)]
        say(dispatcher, tracker, turn, f"return_{decision.outcome.value}", **context)
        offered = SlotSet("offered", "exchange" if decision.outcome in _EXCHANGES else None)
        if decision.outcome is Outcome.DEFECT_EXCHANGE:
            # The exchange is reviewed on photos: continue straight into evidence collection.
            return [SlotSet("flow", "evidence"), SlotSet("issue", "quality_issue"),
                    SlotSet("requested_slot", "photos"), offered, findings_event(findings)]
        return [*end_flow(), offered, findings_event(findings)]


_EXCHANGES = (Outcome.NO_REASON_EXCHANGE, Outcome.DEFECT_EXCHANGE)  # a customer may refuse


def _intent(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def _kind(tracker: Tracker, turn: Turn) -> RequestKind:
    """The request kind; an exchange says in the customer's words whether it is another size
    or colour (no-reason exchange) or a defect (photos), else the bot asks."""
    kind = RequestKind(tracker.get_slot("request_kind") or RequestKind.RETURN)
    if kind in (RequestKind.EXCHANGE, RequestKind.EXCHANGE_UNCLEAR):
        text = str((tracker.latest_message or {}).get("text") or "")
        kind = turn.runtime.policy.exchange_kind(text) or kind
    return kind


def _ask_which(dispatcher: CollectingDispatcher, tracker: Tracker,
               turn: Turn) -> list[EventType]:
    say(dispatcher, tracker, turn, "exchange_which",
        buttons=[button(tracker, turn, "exchange_swap", "/exchange_request"),
                 button(tracker, turn, "quality_issue", "/quality_issue")])
    return [SlotSet("requested_slot", "exchange_reason"), SlotSet("offered", "exchange")]


def _decision_context(decision: Decision, order: OrderView, locale: str,
                      turn: Turn) -> dict[str, Any]:
    return {"outcome": decision.outcome.value, "reason": decision.reason,
            "rma": decision.rma or "", "days": decision.days_since_delivery,
            "shop_amount": decision.amount_in_shop_currency or "",
            **_policy_context(order, locale, turn)}


def _policy_context(order: OrderView, locale: str, turn: Turn) -> dict[str, Any]:
    """What every return reply may name: the amounts, the windows, where to send it."""
    policy = turn.runtime.policy
    return {"amount": f"{order.amount:.2f}", "currency": order.currency,
            "shop_currency": turn.runtime.settings.currency,
            "limit": str(turn.runtime.settings.l1_refund_limit),
            "return_address": policy.return_address.get(locale, ""),
            "pickup": order.category in policy.pickup_categories,
            "no_reason_days": policy.no_reason.days,
            "unused_days": policy.unused.days, "defect_days": policy.defect_days,
            "defect_refund_days": policy.defect_refund_days}
