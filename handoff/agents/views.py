"""Cases as JSON for the agent API and console (phones masked; customer text as data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.config.privacy import guard_text
from handoff.store.models.cases import Case, CaseEvent
from handoff.store.models.chat import Evidence, Message
from handoff.store.models.people import Agent


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def case_row(case: Case, assignee: str | None) -> dict[str, Any]:
    """The list view of a case."""
    return {
        "number": case.number, "status": str(case.status), "priority": str(case.priority),
        "queue": case.queue, "assignee": assignee, "issue": case.issue, "rule": case.rule,
        "reason": case.reason, "tags": list(case.tags), "order_id": case.order_id,
        "channel": case.channel, "locale": case.locale, "investigation": case.investigation,
        "csat": case.csat,
        "reopen_count": case.reopen_count, "created_at": _iso(case.created_at),
        "first_response_due": _iso(case.first_response_due),
        "first_response_at": _iso(case.first_response_at),
        "resolution_due": _iso(case.resolution_due), "resolved_at": _iso(case.resolved_at),
    }


def assignee_name(session: Session, case: Case) -> str | None:
    agent = session.get(Agent, case.assignee_id) if case.assignee_id else None
    return agent.name if agent else None


def case_detail(session: Session, case: Case) -> dict[str, Any]:
    """Summary, transcript, evidence links and the event log."""
    data = case_row(case, assignee_name(session, case))
    data["summary"] = case.summary
    data["transcript"] = [_message(m) for m in session.scalars(
        select(Message).where(Message.case_id == case.id).order_by(Message.id))]
    data["evidence"] = [{"id": e.id, "kind": str(e.kind), "uri": e.uri,
                         "content_type": e.content_type, "size": e.size}
                        for e in session.scalars(select(Evidence).where(
                            Evidence.case_id == case.id).order_by(Evidence.id))]
    data["events"] = [_event(e) for e in session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    return data


def _message(message: Message) -> dict[str, Any]:
    return {"id": message.id, "at": _iso(message.created_at), "direction": str(message.direction),
            "author": str(message.author), "channel": message.channel,
            "text": guard_text(message.text), "attachments": len(message.attachments)}


def _event(event: CaseEvent) -> dict[str, Any]:
    return {"at": _iso(event.at), "kind": event.kind, "actor": event.actor, "data": event.data}
