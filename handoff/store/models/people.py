"""Customers (one row per channel identity), agents and queues."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base, enum_column
from handoff.store.models.enums import AgentRole, Availability


def _new_person_id() -> str:
    return uuid.uuid4().hex


class Customer(Base):
    """A customer as one channel sees them.

    The same person on Telegram, LINE and web chat has three rows; once they pass the identity
    check (order + phone) the rows share one ``person_id``, which is what "third contact about the
    same issue" and "previous cases" count over.
    """

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[str] = mapped_column(String(32), default=_new_person_id, index=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str | None] = mapped_column(String(16))
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    member_level: Mapped[str | None] = mapped_column(String(32))
    verified_order_id: Mapped[str | None] = mapped_column(String(32))
    unreachable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class Queue(Base):
    """An agent queue (L2, L3, ops, qc, warehouse by default; see training_data/handoff)."""

    __tablename__ = "queues"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    tier: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(256), default="")


class Agent(Base):
    """A human who works cases: agent, supervisor or trainer. Only hashes of secrets are kept."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[AgentRole] = enum_column(AgentRole)
    queues: Mapped[list[Any]] = mapped_column(default=list)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    max_load: Mapped[int] = mapped_column(default=8)
    locale: Mapped[str] = mapped_column(String(16), default="zh-Hans")  # the console's language
    availability: Mapped[Availability] = enum_column(Availability, default=Availability.OFFLINE)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    # Who they are in the Telegram agent group (``aftersales agents link-telegram``).
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ProcessedEvent(Base):
    """A platform event seen once (LINE ``webhookEventId``, Telegram ``update_id`` …).

    Messages carry their own idempotency key; this table covers events that are not messages
    (follow, postback, callback queries), recorded before dispatch so a redelivery does nothing.
    """

    __tablename__ = "processed_events"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    received_at: Mapped[datetime]


class CustomerLink(Base):
    """Audit of identity linking: which customer row joined which person, on which order."""

    __tablename__ = "customer_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    person_id: Mapped[str] = mapped_column(String(32), index=True)
    order_id: Mapped[str] = mapped_column(String(32))
    linked_at: Mapped[datetime]
