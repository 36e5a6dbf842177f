"""`Desk`: the `HandoffDesk` the dialogue engine calls on every turn (see handoff/ports.py).

It composes the rule book, contacts, cases, SLA clock, relay and CSAT. All calls run inside the
engine's transaction and read the time from the injected clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from handoff.config.replies import Replies
from handoff.config.settings import Settings
from handoff.desk import cases, contacts
from handoff.desk.csat import CSAT_ANSWER, awaiting_case, parse_answer, record_answer
from handoff.desk.handoffs import Handoffs
from handoff.desk.relay import relay_inbound
from handoff.desk.tables import DeskTables, load_tables
from handoff.desk.waiting import Waiting, load_waiting
from handoff.ports import BotFindings, HandoffRequest, HandoffTicket, TurnFacts
from handoff.routing.alerts import AlertKind, queue_alert
from handoff.routing.rules import ISSUE_PRIORITY, Rule, TurnSignals, match
from handoff.store.clock import Clock
from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation, Message
from handoff.store.models.enums import CasePriority, ConversationMode
from handoff.store.models.people import Customer
from handoff.store.reply import OutboundMessage


class UnknownRule(KeyError):
    """`request_for` was asked for a rule rules.yml does not define."""


class Desk:
    """The handoff desk: implements `handoff.ports.HandoffDesk`."""

    def __init__(self, settings: Settings, clock: Clock, tables: DeskTables | None = None,
                 replies: Replies | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.tables = tables or load_tables(settings)
        self.replies = replies or Replies.from_settings(settings)
        self.handoffs = Handoffs(settings, self.tables, self.replies)
        assert settings.rules_file is not None  # filled in by Settings
        self.waiting = Waiting(load_waiting(settings.rules_file.parent / "waiting.yml"),
                               self.replies, settings.timezone)

    # -- HandoffDesk ------------------------------------------------------------------------
    def intercept(self, session: Session, conversation: Conversation, message: Message,
                  facts: TurnFacts | None) -> list[OutboundMessage] | None:
        """Human mode: relay to the case (escalating on a sensitive word) and answer as
        `Waiting` decides. Awaiting CSAT: record the rating or reopen. Otherwise None: the bot
        handles the turn."""
        now = self.clock.now()
        case = (session.get(Case, conversation.case_id, with_for_update=True)
                if conversation.case_id else None)
        if conversation.mode is ConversationMode.HUMAN and case and case.status.is_open:
            relay_inbound(session, case, message, now)
            if facts is not None and facts.sensitive:
                self._escalate_in_human_mode(session, conversation, case, facts)
                return []
            return self.waiting.answer(session, conversation, case, message, facts, now)
        if conversation.mode is ConversationMode.HUMAN:  # its case was closed meanwhile
            conversation.mode = ConversationMode.BOT
        number = awaiting_case(conversation)
        if number is None:
            return None
        answer = parse_answer(message.text, message.payload, self.tables.not_solved_words)
        if answer is None:
            return None
        # A rating tap (★★★★★, "5") is an answer to our question, not a message the model
        # misunderstood: the trainers' review queue skips it.
        message.nlu = {**(message.nlu or {}), "answered_by": CSAT_ANSWER}
        return record_answer(session, conversation, number, answer, self.replies,
                             self.tables.sla, self.clock.now())

    def check_turn(self, session: Session, conversation: Conversation,
                   facts: TurnFacts) -> HandoffRequest | None:
        """The first turn rule of rules.yml that fires on this message, as a request."""
        signals = self._signals(session, conversation, facts)
        for rule in self.tables.rules:
            if rule.on != "turn":
                continue
            values = match(rule, signals, self.tables.thresholds)
            if values is not None:
                return self._request(rule, signals.issue or facts.intent, values)
        return None

    def request_for(self, rule: str, facts: TurnFacts | None = None) -> HandoffRequest:
        """The configured handoff for a rule named by an action (``refund_over_limit`` …)."""
        spec = self.tables.rule(rule)
        if spec is None:
            raise UnknownRule(f"no rule named {rule!r} in {self.settings.rules_file}")
        issue = facts.intent if facts else None
        return self._request(spec, issue, {"intent": issue or ""})

    def hand_off(self, session: Session, conversation: Conversation, request: HandoffRequest,
                 findings: BotFindings) -> HandoffTicket:
        """Open / join / reopen the case, summarise, assign, switch to human mode."""
        now = self.clock.now()
        ticket = self.handoffs.hand_off(session, conversation, request, findings, now)
        self._alert_if_p1(session, conversation, now)
        return ticket

    def link_identity(self, session: Session, customer: Customer, order_id: str) -> None:
        """Join the customer's channel identities verified on ``order_id`` into one person."""
        contacts.link_identity(session, customer, order_id, self.clock.now())

    # -- helpers ------------------------------------------------------------------------------
    def _request(self, rule: Rule, issue: str | None,
                 values: dict[str, object]) -> HandoffRequest:
        priority = (self.tables.priorities.for_issue(issue) if rule.priority == ISSUE_PRIORITY
                    else CasePriority(rule.priority))
        context = {"limit": self.settings.l1_refund_limit, "currency": self.settings.currency,
                   "issue": issue or "", **values}
        return HandoffRequest(rule=rule.name, reason=rule.render_reason(context),
                              queue=rule.queue_for(issue), priority=priority, tags=rule.tags,
                              notify=rule.notify, investigation=rule.investigation)

    def _signals(self, session: Session, conversation: Conversation,
                 facts: TurnFacts) -> TurnSignals:
        issue = self._contact_issue(conversation, facts)
        count = self._record_contact(session, conversation, facts, issue)
        started = facts.flow_started_at or _state_instant(conversation, "flow_started_at")
        flow = facts.flow or (conversation.state or {}).get("flow")
        minutes = (facts.now - started).total_seconds() / 60 if started and flow else None
        return TurnSignals(intent=facts.intent, text=facts.text, sensitive=facts.sensitive,
                           repeat_count=count, fallbacks=facts.fallbacks_in_row, flow=flow,
                           flow_minutes=minutes, issue=issue)

    def _contact_issue(self, conversation: Conversation, facts: TurnFacts) -> str | None:
        known = self.tables.escalation.contact_issues
        if facts.intent in known:
            return facts.intent
        state_issue = BotFindings.from_state((conversation.state or {}).get("findings")).issue
        return state_issue if state_issue in known else None

    def _record_contact(self, session: Session, conversation: Conversation, facts: TurnFacts,
                        issue: str | None) -> int:
        customer = session.get(Customer, conversation.customer_id)
        slots = (conversation.state or {}).get("slots") or {}
        order_id = facts.order_id or slots.get("order_id") or (
            customer.verified_order_id if customer else None)
        if customer is None or not issue or not order_id:
            return 0
        return contacts.record_contact(session, conversation, customer,
                                       str(order_id).strip().upper(), issue, facts.now,
                                       self.tables.contacts)

    def _escalate_in_human_mode(self, session: Session, conversation: Conversation, case: Case,
                                facts: TurnFacts) -> None:
        """A sensitive word while an agent works the case still escalates it at once."""
        signals = TurnSignals(intent=facts.intent, text=facts.text, sensitive=facts.sensitive)
        fired = next(((r, v) for r in self.tables.rules if r.trigger.sensitive
                      and (v := match(r, signals, self.tables.thresholds)) is not None), None)
        if fired is None:
            return
        request = self._request(fired[0], case.issue, fired[1])
        now = self.clock.now()
        customer = session.get(Customer, conversation.customer_id)
        assert customer is not None
        draft = self.handoffs.draft(session, conversation, customer, request, BotFindings(), now)
        draft = cases.CaseDraft(**{**draft.__dict__, "issue": case.issue,
                                   "order_id": case.order_id})
        due = self.tables.sla.due(draft.queue, draft.priority, now)
        cases.merge_handoff(session, case, draft, due, now)
        self.handoffs.notify(session, case, request.notify, now)
        self._alert_if_p1(session, conversation, now)

    def _alert_if_p1(self, session: Session, conversation: Conversation, now: datetime) -> None:
        """Supervisors are mailed once per P1 case (and again when it reopens as P1)."""
        case = session.get(Case, conversation.case_id) if conversation.case_id else None
        if case is not None and case.priority is CasePriority.P1:
            queue_alert(session, self.settings, case, AlertKind.NEW_P1, case.reopen_count, now)


def _state_instant(conversation: Conversation, key: str) -> datetime | None:
    raw = (conversation.state or {}).get(key)
    try:
        value = datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value
