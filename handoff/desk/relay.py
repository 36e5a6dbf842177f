"""Human mode: customer messages reach the case; agent (and system) messages reach the customer.

What is said to the customer goes through `handoff.store.outbox.send_to_customer` (a message row
plus its outbox row in one transaction), in human mode as in the bot's own turns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from handoff.desk.cases import add_event, transition
from handoff.store.models.cases import Case
from handoff.store.models.chat import Evidence, Message
from handoff.store.models.enums import CaseStatus


def relay_inbound(session: Session, case: Case, message: Message, now: datetime) -> None:
    """Attach a customer's message (and any photo in it) to the case they are in."""
    session.flush()
    message.case_id = case.id
    attach_evidence(session, message.conversation_id, case.id)
    add_event(session, case, "customer_message", now, "customer", message_id=message.id)
    if case.status is CaseStatus.WAITING_CUSTOMER:
        transition(session, case, CaseStatus.IN_PROGRESS, now, "customer")
    case.updated_at = now


def attach_evidence(session: Session, conversation_id: int, case_id: int) -> None:
    """Give the conversation's not-yet-attached photos to the case."""
    session.execute(update(Evidence).where(Evidence.conversation_id == conversation_id,
                                           Evidence.case_id.is_(None))
                    .values(case_id=case_id).execution_options(synchronize_session=False))


def attach_recent_messages(session: Session, conversation_id: int, case_id: int) -> None:
    """Give the case the conversation's messages since the previous handoff (its transcript)."""
    last_linked = session.query(Message.id).filter(
        Message.conversation_id == conversation_id, Message.case_id.is_not(None)
    ).order_by(Message.id.desc()).limit(1).scalar() or 0
    session.execute(update(Message).where(Message.conversation_id == conversation_id,
                                          Message.case_id.is_(None), Message.id > last_linked)
                    .values(case_id=case_id).execution_options(synchronize_session=False))
