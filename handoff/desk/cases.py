"""Cases: the status state machine, the append-only event log, open / reopen on handoff.

One open case per customer issue: a second handoff about the same (person, issue, order) joins
the open case (escalating it when the new decision is more urgent); a handoff about a case
resolved within the reopen window reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.routing.sla import DueTimes
from handoff.store.models.cases import Case, CaseEvent
from handoff.store.models.enums import CasePriority, CaseStatus

S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.WAITING_CUSTOMER, S.RESOLVED, S.NEW}),
    S.WAITING_CUSTOMER: frozenset({S.IN_PROGRESS, S.RESOLVED, S.NEW}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.NEW}),
}


class InvalidTransition(ValueError):
    """A status change the SOP does not allow (e.g. new → resolved without an owner)."""


@dataclass(frozen=True)
class CaseDraft:
    """Everything a handoff decides about the case it opens or updates."""

    person_id: str
    customer_id: int
    conversation_id: int
    channel: str
    issue: str
    order_id: str | None
    category: str
    queue: str
    priority: CasePriority
    rule: str
    reason: str
    tags: tuple[str, ...]
    investigation: bool
    locale: str


def add_event(session: Session, case: Case, kind: str, now: datetime, actor: str = "system",
              **data: Any) -> CaseEvent:
    """Append one line to the case's audit trail."""
    event = CaseEvent(case_id=case.id, at=now, kind=kind, actor=actor, data=data)
    session.add(event)
    return event


def transition(session: Session, case: Case, to: CaseStatus, now: datetime,
               actor: str = "system") -> None:
    """Move ``case`` to status ``to`` (a no-op when already there), recording the event."""
    if case.status is to:
        return
    if to not in TRANSITIONS[case.status]:
        raise InvalidTransition(f"case {case.number}: {case.status} → {to} is not allowed")
    add_event(session, case, "status", now, actor, before=str(case.status), after=str(to))
    case.status = to
    case.updated_at = now
    if to is CaseStatus.RESOLVED:
        case.resolved_at = now


def find_case(session: Session, draft: CaseDraft, *, open_: bool) -> Case | None:
    """The newest open (or resolved) case about the same person, issue and order."""
    query = select(Case).where(Case.person_id == draft.person_id, Case.issue == draft.issue)
    query = query.where(Case.order_id.is_(None) if draft.order_id is None
                        else Case.order_id == draft.order_id)
    statuses = [s for s in CaseStatus if s.is_open] if open_ else [CaseStatus.RESOLVED]
    query = query.where(Case.status.in_(statuses)).order_by(Case.id.desc()).limit(1)
    # FOR UPDATE: the turn changes the case it finds; locked from read to commit, a concurrent
    # agent action waits instead of making the turn lose its compare-and-set.
    return session.scalars(query.with_for_update()).first()


def create_case(session: Session, draft: CaseDraft, number: str, due: DueTimes,
                now: datetime) -> Case:
    case = Case(
        number=number, customer_id=draft.customer_id, person_id=draft.person_id,
        conversation_id=draft.conversation_id, channel=draft.channel, order_id=draft.order_id,
        issue=draft.issue, category=draft.category, status=CaseStatus.NEW,
        priority=draft.priority, queue=draft.queue, locale=draft.locale, rule=draft.rule,
        reason=draft.reason, tags=list(draft.tags), summary={},
        investigation=draft.investigation, reopen_count=0, created_at=now, updated_at=now,
        first_response_due=due.first_response, resolution_due=due.resolution,
    )
    session.add(case)
    session.flush()
    add_event(session, case, "opened", now, "bot", rule=draft.rule, reason=draft.reason,
              queue=draft.queue, priority=str(draft.priority), tags=list(draft.tags))
    return case


def reopen(session: Session, case: Case, *, conversation_id: int, channel: str, due: DueTimes,
           now: datetime, actor: str, reason: str) -> None:
    """Reopen a resolved case to its previous owner (or its queue when it had none)."""
    transition(session, case, CaseStatus.IN_PROGRESS if case.assignee_id else CaseStatus.NEW,
               now, actor)
    case.reopen_count += 1
    case.resolved_at = None
    case.csat = None
    case.resolution_due = due.resolution
    case.conversation_id, case.channel = conversation_id, channel
    add_event(session, case, "reopened", now, actor, reason=reason)


def merge_handoff(session: Session, case: Case, draft: CaseDraft, due: DueTimes,
                  now: datetime) -> bool:
    """A new handoff about an already open case: record it, and escalate the case when the
    new decision is more urgent. Returns whether it escalated."""
    case.tags = sorted(set(case.tags) | set(draft.tags))
    case.investigation = case.investigation or draft.investigation
    case.conversation_id, case.channel = draft.conversation_id, draft.channel
    case.updated_at = now
    escalate = draft.priority < case.priority  # StrEnum: "P1" < "P2" means more urgent
    add_event(session, case, "handoff_again", now, "bot", rule=draft.rule, reason=draft.reason,
              escalated=escalate)
    if escalate:
        case.priority, case.queue, case.rule, case.reason = (
            draft.priority, draft.queue, draft.rule, draft.reason)
        if case.first_response_at is None:
            case.first_response_due = _earlier(case.first_response_due, due.first_response)
        case.resolution_due = _earlier(case.resolution_due, due.resolution)
    return escalate


def _earlier(current: datetime | None, new: datetime) -> datetime:
    return new if current is None else min(current, new)
