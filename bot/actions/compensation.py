"""``action_compensation``: a demand for compensation ("赔我 300", "I want $50 for the trouble")
answered under the matrix of ``compensation.yml``. Within L1 authority the bot states what it
can offer and records it in the findings (``extra.offers``, shown in the handoff summary);
above it, or before the case's kind is known, a specialist must approve: handoff to L2 under
the rule ``compensation_above_l1`` in the same conversation."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import findings_event, findings_of, hand_off, noted, say, updated
from bot.actions.context import Turn, TurnAction
from bot.policy.compensation import Asked, CompensationMatrix, Verdict
from handoff.ports import BotFindings
from handoff.store.orders import OrderLookupUnavailable

RULE = "compensation_above_l1"


class ActionCompensation(TurnAction):
    def name(self) -> str:
        return "action_compensation"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        matrix = turn.runtime.compensation
        text = str((tracker.latest_message or {}).get("text") or "")
        asked = matrix.asked(text, _case_currency(tracker, turn))
        findings = findings_of(tracker)
        issue = _issue(tracker, findings, matrix)
        verdict = matrix.decide(issue, asked)
        findings = _asked(findings, asked, verdict)
        # A frustrated customer was already apologised to first (the engine's LAST apology).
        apologised = turn.runtime.frustration.is_frustrated(text)
        if not verdict.within_authority:
            say(dispatcher, tracker, turn, "compensation_above_l1",
                asked=asked.amount is not None, known=verdict.kind is not None,
                apologised=apologised)
            return hand_off(dispatcher, tracker, turn, RULE,
                            updated(findings, issue=findings.issue or issue or "compensation"))
        credit = next(o for o in verdict.offers if o.kind == "credit")
        assert credit.amount is not None
        say(dispatcher, tracker, turn, "compensation_offer",
            refund=any(o.kind == "full_refund" for o in verdict.offers),
            credit=matrix.shown(credit.amount, credit.currency),
            in_flow=bool(tracker.get_slot("flow")), apologised=apologised)
        extra = dict(findings.extra)
        extra["offers"] = [*(extra.get("offers") or []), *(o.to_state() for o in verdict.offers)]
        return [findings_event(updated(findings, extra=extra))]


def _issue(tracker: Tracker, findings: BotFindings, matrix: CompensationMatrix) -> str | None:
    """The case's issue the matrix knows: the flow's issue slot (a defect exchange sets
    ``quality_issue``), the findings' issue, or the return decision's outcome."""
    outcome = (findings.decision or {}).get("outcome")
    candidates = [tracker.get_slot("issue"), findings.issue,
                  f"{outcome}_request" if outcome else None]
    known = [c for c in candidates if c and matrix.kind_of(c) is not None]
    return known[0] if known else findings.issue or tracker.get_slot("issue")


def _case_currency(tracker: Tracker, turn: Turn) -> str:
    """The verified order's currency (a Taiwan order is in TWD, so "500 元" is NT$500), else the
    shop's."""
    order_id = tracker.get_slot("verified_order")
    try:
        order = turn.runtime.orders(turn.session).get(order_id) if order_id else None
    except OrderLookupUnavailable:
        order = None
    return order.currency if order is not None else turn.runtime.settings.currency


def _asked(findings: BotFindings, asked: Asked, verdict: Verdict) -> BotFindings:
    """A note for the agent: what was asked and what L1 could do about it."""
    amount = f"{asked.amount} {asked.currency}" if asked.amount is not None else "no amount"
    outcome = "offered within L1" if verdict.within_authority else "needs L2 approval"
    return noted(findings, f"compensation asked ({amount}, {verdict.kind or 'kind unknown'}): "
                           f"{outcome}")
