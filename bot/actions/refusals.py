"""A refused offer ("我不要换货", "no, I want my money back") inside the return flow.

The engine routes a message that refuses the open offer (slot ``offered``, word lists in
``dialogue.yml`` ``refusals``) to the return action with slot ``refused``. The exchange is then
never issued anyway: the customer hears the refund the return policy allows instead, with the
next step, or — when no clause allows one — is passed to a person. Every refusal is recorded in
``findings.extra.refusals`` (the handoff summary shows them).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import (
    button,
    findings_event,
    findings_of,
    hand_off,
    noted,
    say,
    updated,
)
from bot.actions.context import Turn
from bot.policy.returns import Decision, DecisionInput, Outcome, RequestKind, refund_instead
from handoff.ports import BotFindings
from handoff.store.orders import OrderView

# Intents that accept the refund offered instead ("好的", "yes", the button).
ACCEPTS_REFUND = frozenset({"affirm", "return_request", "refund_status"})
REFUND_CONFIRM = "refund_confirm"  # requested_slot while the refund offer waits for a yes


def recorded(tracker: Tracker, turn: Turn, offered: str) -> BotFindings:
    """The findings with this refusal appended: what was offered and the customer's words as
    stored (masked)."""
    findings = findings_of(tracker)
    text = turn.runtime.masker.mask(str((tracker.latest_message or {}).get("text") or ""))
    extra = dict(findings.extra or {})
    extra["refusals"] = [*(extra.get("refusals") or []), {"offered": offered, "text": text}]
    return updated(findings, extra=extra)


def answer_refusal(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn,
                   order: OrderView, context: dict[str, Any]) -> list[EventType]:
    """Record the refusal of the open offer and answer it with the policy's alternative."""
    offered = str(tracker.get_slot("refused"))
    findings = recorded(tracker, turn, offered)
    cleared: list[EventType] = [SlotSet("refused", None), SlotSet("offered", None)]
    if offered != "exchange":  # nothing else the bot may offer instead: a person decides
        return [*cleared, *_to_person(dispatcher, tracker, turn, offered, findings, context)]
    decision = refund_instead(turn.runtime.policy, _query(turn, order, tracker))
    findings = noted(updated(findings, wants="refund", refund_amount=(
        decision.amount_in_shop_currency)), f"exchange refused: {decision.outcome.value} "
        f"({decision.reason})")
    context = {**context, "outcome": decision.outcome.value, "reason": decision.reason,
               "days": decision.days_since_delivery,
               "shop_amount": decision.amount_in_shop_currency or ""}
    if decision.outcome is Outcome.NEEDS_APPROVAL:
        say(dispatcher, tracker, turn, "refusal_handoff", offered=offered, **context)
        return [*cleared, *hand_off(dispatcher, tracker, turn, "refund_over_limit", findings)]
    if not decision.outcome.eligible:
        return [*cleared, *_to_person(dispatcher, tracker, turn, offered, findings, context)]
    return [*cleared, *offer_refund(dispatcher, tracker, turn, decision, context, findings)]


def offer_refund(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn,
                 decision: Decision, context: dict[str, Any],
                 findings: BotFindings) -> list[EventType]:
    """Say the refund allowed instead; a return waits for the customer's yes, a defect refund
    goes on with the photos the review needs."""
    findings = updated(findings, decision={**decision.to_dict(), "rma": None})
    if decision.outcome is Outcome.DEFECT_REFUND:
        say(dispatcher, tracker, turn, "refusal_refund", defect=True, **context)
        return [SlotSet("flow", "evidence"), SlotSet("issue", "quality_issue"),
                SlotSet("requested_slot", "photos"), SlotSet("offered", "refund"),
                findings_event(findings)]
    say(dispatcher, tracker, turn, "refusal_refund", defect=False,
        buttons=[button(tracker, turn, "return_request", "/return_request")], **context)
    return [SlotSet("flow", "return"), SlotSet("request_kind", RequestKind.RETURN.value),
            SlotSet("requested_slot", REFUND_CONFIRM), SlotSet("offered", "refund"),
            findings_event(findings)]


def _to_person(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, offered: str,
               findings: BotFindings, context: dict[str, Any]) -> list[EventType]:
    say(dispatcher, tracker, turn, "refusal_handoff", offered=offered,
        **{**context, "outcome": Outcome.NOT_ELIGIBLE.value})
    return hand_off(dispatcher, tracker, turn, turn.runtime.policy.offer_refused_rule, findings)


def _query(turn: Turn, order: OrderView, tracker: Tracker) -> DecisionInput:
    """The refused request: a defect exchange (the issue says so) or another exchange."""
    settings = turn.runtime.settings
    defect = tracker.get_slot("issue") == "quality_issue" or (
        tracker.get_slot("request_kind") == RequestKind.EXCHANGE.value)
    kind = RequestKind.EXCHANGE if defect else RequestKind.SWAP
    return DecisionInput(order, kind, turn.now, settings.timezone, settings.currency,
                         settings.l1_refund_limit)
