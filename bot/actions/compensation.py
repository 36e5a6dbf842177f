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
from bot.policy.compensation import Asked, Verdict
from handoff.ports import BotFindings

RULE = "compensation_above_l1"


class ActionCompensation(TurnAction):
    def name(self) -> str:
        return "action_compensation"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        matrix = turn.runtime.compensation
        text = str((tracker.latest_message or {}).get("text") or "")
        asked = matrix.asked(text, turn.runtime.settings.currency)
        findings = findings_of(tracker)
        issue = findings.issue or tracker.get_slot("issue")
        verdict = matrix.decide(issue, asked)
        findings = _asked(findings, asked, verdict)
        if not verdict.within_authority:
            say(dispatcher, tracker, turn, "compensation_above_l1",
                asked=asked.amount is not None, known=verdict.kind is not None)
            return hand_off(dispatcher, tracker, turn, RULE,
                            updated(findings, issue=findings.issue or issue or "compensation"))
        credit = next(o for o in verdict.offers if o.kind == "credit")
        assert credit.amount is not None
        say(dispatcher, tracker, turn, "compensation_offer",
            refund=any(o.kind == "full_refund" for o in verdict.offers),
            credit=matrix.shown(credit.amount, credit.currency),
            in_flow=bool(tracker.get_slot("flow")))
        extra = dict(findings.extra)
        extra["offers"] = [*(extra.get("offers") or []), *(o.to_state() for o in verdict.offers)]
        return [findings_event(updated(findings, extra=extra))]


def _asked(findings: BotFindings, asked: Asked, verdict: Verdict) -> BotFindings:
    """A note for the agent: what was asked and what L1 could do about it."""
    amount = f"{asked.amount} {asked.currency}" if asked.amount is not None else "no amount"
    outcome = "offered within L1" if verdict.within_authority else "needs L2 approval"
    return noted(findings, f"compensation asked ({amount}, {verdict.kind or 'kind unknown'}): "
                           f"{outcome}")
