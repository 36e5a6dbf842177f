"""Case numbers: year + month + 4-digit serial (``2026110001``).

The serial is bumped with one atomic ``UPDATE … RETURNING`` on the month's counter row: on
PostgreSQL the row lock serialises concurrent creators; on SQLite the writer lock does. A
transaction that rolls back after taking a number leaves a gap, which the SOP tolerates; a number
is never handed out twice. After 9999 cases in a month the serial simply grows a digit.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from handoff.store.models.cases import CaseSerial


def next_case_number(session: Session, now: datetime, timezone: str) -> str:
    """Take the next number for the month ``now`` falls in (in the shop's time zone)."""
    period = now.astimezone(ZoneInfo(timezone)).strftime("%Y%m")
    _ensure_counter(session, period)
    serial = session.execute(
        update(CaseSerial)
        .where(CaseSerial.period == period)
        .values(last=CaseSerial.last + 1)
        .returning(CaseSerial.last)
    ).scalar_one()
    return f"{period}{serial:04d}"


def _ensure_counter(session: Session, period: str) -> None:
    dialect = session.get_bind().dialect.name
    stmt: Executable
    if dialect == "postgresql":
        stmt = pg_insert(CaseSerial).values(period=period, last=0).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(CaseSerial).values(period=period, last=0).on_conflict_do_nothing()
    else:  # pragma: no cover - other engines: plain insert when missing
        if session.get(CaseSerial, period) is not None:
            return
        stmt = insert(CaseSerial).values(period=period, last=0)
    session.execute(stmt)
