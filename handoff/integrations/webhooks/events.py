"""The case events told to other systems, and the stable JSON body (schema + version)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any, TypedDict

SCHEMA = "aftersales.case_event"
VERSION = 1


class CaseEventType(Enum):
    OPENED = "case.opened"
    ASSIGNED = "case.assigned"
    AGENT_REPLY = "case.agent_reply"
    TRANSFERRED = "case.transferred"
    RESOLVED = "case.resolved"
    CSAT_RECEIVED = "case.csat_received"


# The desk's audit-trail kinds (``CaseEvent.kind``) that are told, by event type.
_KINDS = {"opened": CaseEventType.OPENED, "reopened": CaseEventType.OPENED,
          "assigned": CaseEventType.ASSIGNED, "claimed": CaseEventType.ASSIGNED,
          "agent_reply": CaseEventType.AGENT_REPLY, "transferred": CaseEventType.TRANSFERRED,
          "csat": CaseEventType.CSAT_RECEIVED}
# Only these audit fields leave the product (no texts a customer typed, no phone numbers).
_DATA = ("rule", "agent", "before", "after", "rating", "message_id", "queue", "reason")


class CaseBody(TypedDict):
    number: str
    status: str
    queue: str
    priority: str
    channel: str


class EventBody(TypedDict):
    """The wire body; fields are only ever added within a version."""

    schema: str
    version: int
    id: str
    type: str
    occurred_at: str
    actor: str
    case: CaseBody
    data: dict[str, Any]


def event_type(kind: str, data: dict[str, Any]) -> CaseEventType | None:
    """The told event for an audit-trail line, or None (notes, status moves other than to
    resolved, … stay inside)."""
    if kind == "status":
        return CaseEventType.RESOLVED if data.get("after") == "resolved" else None
    return _KINDS.get(kind)


def event_body(kind: CaseEventType, case: CaseBody, *, actor: str, at: datetime,
               data: dict[str, Any], reopened: bool = False) -> EventBody:
    told = {k: v for k, v in data.items() if k in _DATA and isinstance(v, str | int | None)}
    if reopened:
        told["reopened"] = True
    return EventBody(schema=SCHEMA, version=VERSION, id=str(uuid.uuid4()), type=kind.value,
                     occurred_at=at.isoformat(), actor=actor, case=case, data=told)
