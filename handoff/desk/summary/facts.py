"""The warm-handoff facts: the machine-readable JSON built once per handoff, stored on the case
and served by the API. Every string passes through the phone guard: the summary never shows a
full phone number. `readable` turns these facts into sentences; `render` lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.config.privacy import guard_text
from handoff.ports import BotFindings
from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation, Evidence, Message
from handoff.store.models.enums import Direction
from handoff.store.models.orders import Order
from handoff.store.models.people import Customer


@dataclass(frozen=True)
class SummaryInputs:
    case: Case
    conversation: Conversation
    customer: Customer
    findings: BotFindings
    next_step: Mapping[str, str]
    vip: bool


def build_summary(session: Session, inputs: SummaryInputs, last_n: int) -> dict[str, Any]:
    """The summary as a JSON-able dict, phones masked."""
    case, findings = inputs.case, inputs.findings
    messages = _last_messages(session, inputs.conversation.id, last_n)
    data: dict[str, Any] = {
        "case": case.number, "rule": case.rule, "reason": case.reason,
        "queue": case.queue, "priority": str(case.priority), "tags": list(case.tags),
        "investigation": case.investigation, "issue": case.issue,
        "customer": _customer(session, inputs, case),
        "order": _order(session, case.order_id),
        "wants": findings.wants, "decision": dict(findings.decision or {}) or None,
        "answered": list(findings.answered), "refund_amount": findings.refund_amount,
        "sentiment": str((findings.extra or {}).get("sentiment") or ""),
        # What the customer turned down ({"offered": "exchange", "text": "我不要换货"}) and
        # what the bot offered within L1 authority ({"kind": "credit", "amount": "20", ...}).
        "refusals": list((findings.extra or {}).get("refusals") or []),
        "offers": list((findings.extra or {}).get("offers") or []),
        "intents": _intents(messages), "entities": _entities(messages),
        "sensitive": _sensitive(messages),
        "evidence": _evidence(session, case.id, findings),
        "last_messages": [_line(m) for m in messages],
        "next_step": dict(inputs.next_step),
    }
    return masked(data)


def masked(value: Any) -> Any:
    """``value`` with every phone-like number in every string masked."""
    if isinstance(value, str):
        return guard_text(value)
    if isinstance(value, Mapping):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    return value


def _customer(session: Session, inputs: SummaryInputs, case: Case) -> dict[str, Any]:
    customer = inputs.customer
    previous = session.scalars(select(Case.number).where(
        Case.person_id == case.person_id, Case.id != case.id).order_by(Case.id)).all()
    return {
        "name": customer.display_name,
        "phone_masked": customer.phone_masked or _order_phone(session, case.order_id),
        # The chat may carry no display name; the order knows who bought it.
        "order_name": _order_name(session, case.order_id),
        "channel": inputs.conversation.channel,
        "language": inputs.conversation.locale or customer.language or "",
        "member_level": customer.member_level or "", "vip": inputs.vip,
        "previous_cases": list(previous),
    }


def _order_name(session: Session, order_id: str | None) -> str:
    order = session.get(Order, order_id) if order_id else None
    return order.customer_name if order is not None else ""


def _order_phone(session: Session, order_id: str | None) -> str:
    order = session.get(Order, order_id) if order_id else None
    return order.phone_masked if order is not None else ""


def _order(session: Session, order_id: str | None) -> dict[str, Any] | None:
    order = session.get(Order, order_id) if order_id else None
    if order is None:
        return {"id": order_id} if order_id else None
    return {
        "id": order.order_id, "item": order.item, "category": order.category,
        "status": str(order.status), "amount": str(order.amount), "currency": order.currency,
        "carrier": order.carrier, "tracking_no": order.tracking_no,
        "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
    }


def _last_messages(session: Session, conversation_id: int, n: int) -> list[Message]:
    rows = session.scalars(select(Message).where(Message.conversation_id == conversation_id)
                           .order_by(Message.id.desc()).limit(n)).all()
    return list(reversed(rows))


def _line(message: Message) -> dict[str, Any]:
    return {"at": message.created_at.isoformat(), "author": str(message.author),
            "text": message.text}


def _inbound_nlu(messages: list[Message]) -> list[Mapping[str, Any]]:
    return [m.nlu for m in messages if m.direction is Direction.INBOUND and m.nlu]


def _intents(messages: list[Message]) -> list[dict[str, Any]]:
    out = []
    for nlu in _inbound_nlu(messages):
        intent = nlu.get("intent") or {}
        if isinstance(intent, Mapping) and intent.get("name"):
            out.append({"name": intent["name"],
                        "confidence": round(float(intent.get("confidence") or 0.0), 2)})
    return out


def _entities(messages: list[Message]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for nlu in _inbound_nlu(messages):
        for ent in nlu.get("entities") or ():
            key = (str(ent.get("entity")), str(ent.get("value")))
            seen[key] = {"entity": key[0], "value": key[1]}
    return list(seen.values())


def _sensitive(messages: list[Message]) -> list[dict[str, Any]]:
    hits = [{"word": s.get("word"), "category": s.get("category"),
             "span": s.get("span", s.get("word")), "score": s.get("score")}
            for nlu in _inbound_nlu(messages) for s in nlu.get("sensitive") or ()]
    return [dict(t) for t in {tuple(h.items()) for h in hits}]


def _evidence(session: Session, case_id: int, findings: BotFindings) -> dict[str, Any]:
    files = session.scalars(select(Evidence).where(Evidence.case_id == case_id)
                            .order_by(Evidence.id)).all()
    return {"received": list(findings.evidence_received),
            "missing": list(findings.evidence_missing),
            "files": [{"id": e.id, "kind": str(e.kind), "uri": e.uri} for e in files]}
