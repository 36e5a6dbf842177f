"""The timer side of the rules (红头工单): overdue alerts, the 48-hour escalation, and L1 flows
that ran too long.

Each overdue case raises one notification per step: step 0 at the due time, step 1 after
``overdue_repeat_hours`` more, and so on; running the sweeper twice in a step does nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.desk import cases
from handoff.desk.assignment import auto_assign
from handoff.desk.desk import Desk
from handoff.desk.notifications import notify_once
from handoff.ports import BotFindings
from handoff.routing.alerts import AlertKind, queue_alert
from handoff.routing.escalation import ExceptionRule
from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation
from handoff.store.models.enums import Author, CaseStatus, ConversationMode
from handoff.store.outbox import send_to_customer

FLOW_TIMEOUT_RULE = "flow_timeout"


@dataclass(frozen=True)
class SweepResult:
    notifications: int
    escalated: int
    flows_handed_off: int


class Sweeper:
    """Run `sweep` periodically (``aftersales sweep``, or the web app's background task)."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._repeat = timedelta(hours=desk.settings.overdue_repeat_hours)
        self._open_limit = timedelta(hours=desk.settings.open_case_escalation_hours)

    def sweep(self, session: Session) -> SweepResult:
        now = self._desk.clock.now()
        exc = self._desk.tables.escalation
        sent = self._overdue(session, now, exc.first_response_overdue, first_response=True)
        sent += self._overdue(session, now, exc.resolution_overdue, first_response=False)
        escalated = self._open_too_long(session, now, exc.open_too_long)
        flows = self._flow_timeouts(session, now)
        return SweepResult(sent, escalated, flows)

    def _overdue(self, session: Session, now: datetime, rule: ExceptionRule, *,
                 first_response: bool) -> int:
        """Notify once per step for cases past their first-response (or resolution) due."""
        query = select(Case).where(Case.status != CaseStatus.RESOLVED)
        if first_response:
            kind = "overdue_first"
            query = query.where(Case.first_response_at.is_(None), Case.first_response_due <= now)
        else:
            kind = "overdue_resolve"
            query = query.where(Case.resolution_due <= now)
        sent = 0
        for case in session.scalars(query.order_by(Case.id)):
            due = case.first_response_due if first_response else case.resolution_due
            assert due is not None
            step = int((now - due) / self._repeat)
            for recipient in rule.notify:
                text = f"{case.number} {case.priority} {case.queue}: {kind} step {step}"
                if notify_once(session, case, f"{kind}:{recipient}", step, recipient, text, now):
                    cases.add_event(session, case, kind, now, step=step, recipient=recipient)
                    sent += 1
            # Mailed once per step whoever the notification rows name (deduplicated by key).
            queue_alert(session, self._desk.settings, case, AlertKind(kind), step, now)
        return sent

    def _open_too_long(self, session: Session, now: datetime, rule: ExceptionRule) -> int:
        query = select(Case).where(Case.status != CaseStatus.RESOLVED,
                                   Case.created_at <= now - self._open_limit)
        escalated = 0
        for case in session.scalars(query.order_by(Case.id)):
            fresh = [notify_once(session, case, f"open_too_long:{r}", 0, r,
                                 f"{case.number} open longer than {self._open_limit}", now)
                     for r in rule.notify]
            if rule.queue and case.queue != rule.queue and (any(fresh) or not rule.notify):
                self._move(session, case, rule, now)
                escalated += 1
        return escalated

    def _move(self, session: Session, case: Case, rule: ExceptionRule, now: datetime) -> None:
        assert rule.queue is not None
        cases.add_event(session, case, "escalated", now, before=case.queue, after=rule.queue,
                        reason="open too long")
        case.queue, case.tags = rule.queue, sorted(set(case.tags) | set(rule.tags))
        if case.assignee_id is not None:
            case.assignee_id = None
            cases.transition(session, case, CaseStatus.NEW, now)
        auto_assign(session, case, now)

    def _flow_timeouts(self, session: Session, now: datetime) -> int:
        """Bot conversations whose L1 flow started longer ago than the limit go to a human."""
        limit = timedelta(minutes=self._desk.settings.l1_flow_timeout_minutes)
        recent = select(Conversation).where(Conversation.mode == ConversationMode.BOT,
                                            Conversation.updated_at >= now - 4 * limit)
        handed = 0
        for conversation in session.scalars(recent.order_by(Conversation.id)):
            started = _flow_started(conversation)
            if started is None or now - started < limit:
                continue
            self._hand_off_flow(session, conversation, now)
            handed += 1
        return handed

    def _hand_off_flow(self, session: Session, conversation: Conversation, now: datetime) -> None:
        request = self._desk.request_for(FLOW_TIMEOUT_RULE)
        findings = BotFindings.from_state((conversation.state or {}).get("findings"))
        state = dict(conversation.state or {})
        state.pop("flow", None)
        state.pop("flow_started_at", None)
        conversation.state = state  # the flow is over either way; do not hand it off twice
        ticket = self._desk.hand_off(session, conversation, request, findings)
        case_id = conversation.case_id
        for reply in ticket.replies:
            send_to_customer(session, conversation, reply, author=Author.SYSTEM, now=now,
                             case_id=case_id)


def _flow_started(conversation: Conversation) -> datetime | None:
    state = conversation.state or {}
    raw = state.get("flow_started_at")
    if not state.get("flow") or not raw:
        return None
    try:
        started = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return started if started.tzinfo else started.replace(tzinfo=UTC)
