"""Notification records (overdue alerts, legal/PR notices), created once per step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handoff.store.models.cases import Case, Notification


def notify_once(session: Session, case: Case, kind: str, step: int, recipient: str,
                text: str, now: datetime) -> bool:
    """Record a notification unless this (case, kind, step) already has one.

    The unique constraint is the real guard (two sweepers at once); the savepoint keeps the
    caller's transaction alive when it trips. Returns whether a row was created.
    """
    exists = session.scalar(select(Notification.id).where(
        Notification.case_id == case.id, Notification.kind == kind, Notification.step == step))
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Notification(case_id=case.id, kind=kind, step=step,
                                     recipient=recipient, text=text[:2000], created_at=now))
    except IntegrityError:
        return False
    return True


def notifications_of(session: Session, case_id: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.case_id == case_id)
                                .order_by(Notification.id)))
