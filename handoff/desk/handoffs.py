"""Performing a handoff: decide the case's queue and priority, open / join / reopen the case,
attach transcript and evidence, write the summary, notify, assign, and tell the customer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.config.replies import Replies, locale_of, when_words
from handoff.config.settings import Settings
from handoff.desk import cases
from handoff.desk.assignment import auto_assign
from handoff.desk.casenumbers import next_case_number
from handoff.desk.csat import set_awaiting
from handoff.desk.notifications import notify_once
from handoff.desk.relay import attach_evidence, attach_recent_messages
from handoff.desk.summary import SummaryInputs, build_summary
from handoff.desk.tables import DeskTables
from handoff.ports import BotFindings, HandoffRequest, HandoffTicket
from handoff.routing.rules import ISSUE_PRIORITY
from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation
from handoff.store.models.enums import CasePriority, CaseStatus, ConversationMode
from handoff.store.models.orders import Order
from handoff.store.models.people import Customer
from handoff.store.reply import OutboundMessage

GENERAL_ISSUE = "general"


FRUSTRATED = "frustrated"  # BotFindings.extra["sentiment"], set by the engine


class Handoffs:
    """The hand_off half of the desk."""

    def __init__(self, settings: Settings, tables: DeskTables, replies: Replies) -> None:
        self._settings = settings
        self._tables = tables
        self._replies = replies

    def hand_off(self, session: Session, conversation: Conversation, request: HandoffRequest,
                 findings: BotFindings, now: datetime) -> HandoffTicket:
        customer = _customer(session, conversation)
        draft = self.draft(session, conversation, customer, request, findings, now)
        case, reopened = self._open(session, draft, now)
        attach_recent_messages(session, conversation.id, case.id)
        attach_evidence(session, conversation.id, case.id)
        self._summarise(session, case, conversation, customer, findings)
        self.notify(session, case, request.notify, now)
        conversation.mode, conversation.case_id, conversation.updated_at = (
            ConversationMode.HUMAN, case.id, now)
        set_awaiting(conversation, None)
        if case.status is CaseStatus.NEW:
            auto_assign(session, case, now)
        assert case.first_response_due is not None
        return HandoffTicket(case.number, case.queue, case.priority, case.first_response_due,
                             reopened, tuple(self.ticket_replies(case, reopened, now,
                                                                 _name(session, customer, case))))

    def draft(self, session: Session, conversation: Conversation, customer: Customer,
              request: HandoffRequest, findings: BotFindings, now: datetime) -> cases.CaseDraft:
        """Where the case goes and how urgent it is, from the request and what the bot found."""
        state = BotFindings.from_state((conversation.state or {}).get("findings"))
        issue = findings.issue or state.issue or GENERAL_ISSUE
        order_id = (findings.order_id or state.order_id or _slot_order(conversation)
                    or customer.verified_order_id)
        order = session.get(Order, order_id.strip().upper()) if order_id else None
        draft = cases.CaseDraft(
            person_id=customer.person_id, customer_id=customer.id,
            conversation_id=conversation.id, channel=conversation.channel, issue=issue,
            order_id=order.order_id if order else order_id,
            category=order.category if order else "", queue=self._queue(request, issue),
            priority=self._tables.priorities.for_mood(
                self._priority(request, issue, customer, order),
                (findings.extra or {}).get("sentiment") == FRUSTRATED
                or (state.extra or {}).get("sentiment") == FRUSTRATED),
            rule=request.rule, reason=request.reason, tags=request.tags,
            investigation=request.investigation,
            locale=locale_of(conversation.locale or customer.language,
                             self._settings.default_locale))
        return self._batch_routing(session, draft, order, now)

    def notify(self, session: Session, case: Case, recipients: tuple[str, ...],
               now: datetime) -> None:
        for recipient in recipients:
            notify_once(session, case, f"notify:{recipient}", case.reopen_count, recipient,
                        f"{case.number} {case.priority} {case.queue}: {case.reason}", now)

    def ticket_replies(self, case: Case, reopened: bool, now: datetime,
                       name: str = "") -> list[OutboundMessage]:
        """The SOP's reply structure: greeting with the name → what happens (case number, what
        was passed on: the order when there is one) → when, in the customer's words (today /
        tomorrow / within minutes, shop time) → the out-of-hours notice when closed."""
        due = case.first_response_due
        assert due is not None
        replies = [self._replies.reply("handoff_ticket", case.locale, case_number=case.number,
                                       due=due, reopened=reopened, name=name,
                                       order_id=case.order_id or "", issue=case.issue,
                                       when=when_words(due, now, self._settings.timezone))]
        sla = self._tables.sla
        if not sla.human_available(case.queue, case.priority, now):
            replies.append(self._replies.reply("handoff_after_hours", case.locale, due=due,
                                               opens_at=sla.opens_at(case.queue, now)))
        return replies

    def _queue(self, request: HandoffRequest, issue: str) -> str:
        rule = self._tables.rule(request.rule)
        return rule.queue_for(issue) if rule and rule.queue_by_issue else request.queue

    def _priority(self, request: HandoffRequest, issue: str, customer: Customer,
                  order: Order | None) -> CasePriority:
        rule = self._tables.rule(request.rule)
        priority = request.priority
        if rule is not None and rule.priority == ISSUE_PRIORITY:
            priority = min(priority, self._tables.priorities.for_issue(issue))
        level = customer.member_level or (order.member_level if order else None)
        return self._tables.vip.apply(priority, level)

    def _batch_routing(self, session: Session, draft: cases.CaseDraft, order: Order | None,
                       now: datetime) -> cases.CaseDraft:
        """A defect on an item that already has several open cases goes to quality control."""
        batch = self._tables.escalation.batch_defect
        if batch is None or order is None or draft.issue not in batch.issues:
            return draft
        since = now - timedelta(days=batch.window_days)
        others = session.scalar(
            select(func.count()).select_from(Case).join(Order, Order.order_id == Case.order_id)
            .where(Order.item == order.item, Case.issue == draft.issue,
                   Case.status != CaseStatus.RESOLVED, Case.person_id != draft.person_id,
                   Case.created_at >= since))
        if int(others or 0) + 1 < batch.open_cases_on_same_item:
            return draft
        return replace(draft, queue=batch.queue, tags=(*draft.tags, *batch.tags))

    def _open(self, session: Session, draft: cases.CaseDraft, now: datetime) -> tuple[Case, bool]:
        rule = self._tables.rule(draft.rule)
        minutes = rule.first_response_minutes if rule else None
        due = self._tables.sla.due(draft.queue, draft.priority, now,
                                   timedelta(minutes=minutes) if minutes else None)
        case = cases.find_case(session, draft, open_=True)
        if case is not None:
            cases.merge_handoff(session, case, draft, due, now)
            return case, False
        case = cases.find_case(session, draft, open_=False)
        window = timedelta(days=self._settings.reopen_window_days)
        if case is not None and case.resolved_at and now - case.resolved_at <= window:
            cases.reopen(session, case, conversation_id=draft.conversation_id,
                         channel=draft.channel, due=due, now=now, actor="bot",
                         reason=draft.reason)
            return case, True
        number = next_case_number(session, now, self._settings.timezone)
        return cases.create_case(session, draft, number, due, now), False

    def _summarise(self, session: Session, case: Case, conversation: Conversation,
                   customer: Customer, findings: BotFindings) -> None:
        rule = self._tables.rule(case.rule)
        level = customer.member_level
        inputs = SummaryInputs(case, conversation, customer, findings,
                               rule.next_step if rule else {}, self._tables.vip.is_vip(level))
        case.summary = build_summary(session, inputs, self._settings.summary_last_messages)


def _customer(session: Session, conversation: Conversation) -> Customer:
    customer = session.get(Customer, conversation.customer_id)
    if customer is None:
        raise LookupError(f"conversation {conversation.id} has no customer")
    return customer


def _name(session: Session, customer: Customer, case: Case) -> str:
    """The name to greet: the chat's display name, else the name on the order."""
    if customer.display_name:
        return customer.display_name
    order = session.get(Order, case.order_id) if case.order_id else None
    return order.customer_name if order is not None else ""


def _slot_order(conversation: Conversation) -> str | None:
    slots = (conversation.state or {}).get("slots") or {}
    value = slots.get("order_id")
    return str(value) if value else None
