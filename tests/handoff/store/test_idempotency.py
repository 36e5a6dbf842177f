"""A redelivered channel update is stored once: the idempotency key is unique."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from handoff.store.clock import ManualClock
from handoff.store.conversations import open_conversation
from handoff.store.db import Database
from handoff.store.models import (
    AuditTrailViolation,
    Author,
    Case,
    CaseEvent,
    CasePriority,
    Direction,
    Message,
)


def _conversation(db: Database, clock: ManualClock) -> int:
    with db.session() as session:
        _, conversation = open_conversation(session, "telegram", "42", clock.now())
        return conversation.id


def _message(conversation_id: int, clock: ManualClock) -> Message:
    return Message(conversation_id=conversation_id, direction=Direction.INBOUND,
                   author=Author.CUSTOMER, channel="telegram", text="我要退货",
                   idempotency_key="telegram:update:1001", created_at=clock.now())


def test_duplicate_idempotency_key_is_rejected_without_a_second_row(
    db: Database, clock: ManualClock
) -> None:
    conversation_id = _conversation(db, clock)
    with db.session() as session:
        session.add(_message(conversation_id, clock))
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(_message(conversation_id, clock))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1


def test_case_events_are_append_only(db: Database, clock: ManualClock) -> None:
    conversation_id = _conversation(db, clock)
    with db.session() as session:
        case = Case(number="2026110001", customer_id=1, person_id="p", priority=CasePriority.P3,
                    conversation_id=conversation_id, queue="L2", created_at=clock.now(),
                    updated_at=clock.now())
        session.add(case)
        session.flush()
        session.add(CaseEvent(case_id=case.id, at=clock.now(), kind="created"))
    with pytest.raises(AuditTrailViolation), db.session() as session:
        event = session.scalars(select(CaseEvent)).one()
        event.kind = "tampered"
