"""Cases (工单), their append-only event log, serial counters, notifications and the Telegram
agent-group topic each case is worked in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from handoff.store.models.base import Base, enum_column
from handoff.store.models.enums import CasePriority, CaseStatus


class Case(Base):
    """A handed-off customer issue, worked by a human in a queue."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(32), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    order_id: Mapped[str | None] = mapped_column(String(32), index=True)
    issue: Mapped[str] = mapped_column(String(48), default="")  # intent / issue category
    category: Mapped[str] = mapped_column(String(64), default="")  # product category (skills)
    channel: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[CaseStatus] = enum_column(CaseStatus, default=CaseStatus.NEW)
    priority: Mapped[CasePriority] = enum_column(CasePriority)
    queue: Mapped[str] = mapped_column(ForeignKey("queues.name"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    locale: Mapped[str] = mapped_column(String(16), default="zh-Hans")
    rule: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    investigation: Mapped[bool] = mapped_column(default=False)
    csat: Mapped[int | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    first_response_due: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Compare-and-set: every UPDATE of a case says "WHERE version = <the one I read>", so of
    # two workers changing one case at once the second matches no row (StaleDataError → 409)
    # instead of applying a second resolve, claim or transfer.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class CaseEvent(Base):
    """One line of a case's audit trail. Rows are only ever inserted (see the guard below)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CaseSerial(Base):
    """The last serial handed out per month; bumped with an atomic UPDATE (see casenumbers)."""

    __tablename__ = "case_serials"

    period: Mapped[str] = mapped_column(String(6), primary_key=True)  # YYYYMM
    last: Mapped[int] = mapped_column(default=0)


class Notification(Base):
    """An alert raised for a case (overdue step, legal/PR notice …), recorded once per step."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("case_id", "kind", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[int] = mapped_column(default=0)
    recipient: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class AuditTrailViolation(RuntimeError):
    """Raised when code tries to change or delete a case event."""


@event.listens_for(Session, "before_flush")
def _keep_case_events_append_only(session: Session, _ctx: object, _instances: object) -> None:
    touched = [obj for obj in (*session.dirty, *session.deleted) if isinstance(obj, CaseEvent)]
    if touched:
        raise AuditTrailViolation("case events are append-only")


class CaseTopic(Base):
    """One forum topic per case in the agent chat.

    ``message_thread_id`` is NULL between reserving the row and the platform creating the topic.
    The ``last_*`` cursors are advanced in the same transaction that queues the posts, so a
    restart never posts an item twice.
    """

    __tablename__ = "case_topics"
    __table_args__ = (Index("ix_case_topics_thread", "chat_id", "message_thread_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_thread_id: Mapped[int | None] = mapped_column(BigInteger)
    last_message_id: Mapped[int] = mapped_column(default=0)
    last_evidence_id: Mapped[int] = mapped_column(default=0)
    last_notification_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
