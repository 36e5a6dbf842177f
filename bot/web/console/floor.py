"""Read-only figures of the floor for the supervisor dashboard: queue depths, oldest waiting,
overdue (红头) cases with their escalation step, and the quality report per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.agents.reports import Report, build_report
from handoff.agents.views import assignee_name
from handoff.store.models import Case, CaseStatus, Notification


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    open: int
    unclaimed: int
    oldest_waiting_minutes: int | None  # the oldest unclaimed case, in minutes


@dataclass(frozen=True)
class OverdueCase:
    number: str
    priority: str
    queue: str
    assignee: str | None
    overdue_minutes: int
    step: int  # how many repeat alerts the sweeper has raised (0: the first)


def queue_depths(session: Session, now: datetime) -> list[QueueDepth]:
    rows: dict[str, list[Case]] = {}
    for case in session.scalars(select(Case).where(Case.status != CaseStatus.RESOLVED)):
        rows.setdefault(case.queue, []).append(case)
    depths = []
    for queue, cases in sorted(rows.items()):
        waiting = [c.created_at for c in cases if c.assignee_id is None]
        oldest = int((now - min(waiting)).total_seconds() // 60) if waiting else None
        depths.append(QueueDepth(queue, len(cases), len(waiting), oldest))
    return depths


def overdue_cases(session: Session, now: datetime) -> list[OverdueCase]:
    """Open cases past their first-response due time with no first response, most late first."""
    query = select(Case).where(Case.status != CaseStatus.RESOLVED,
                               Case.first_response_at.is_(None), Case.first_response_due <= now)
    overdue = []
    for case in session.scalars(query.order_by(Case.first_response_due)):
        assert case.first_response_due is not None
        step = session.scalar(select(func.max(Notification.step)).where(
            Notification.case_id == case.id, Notification.kind.startswith("overdue_first")))
        overdue.append(OverdueCase(
            case.number, str(case.priority), case.queue, assignee_name(session, case),
            int((now - case.first_response_due).total_seconds() // 60), int(step or 0)))
    return overdue


def day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(timezone))


def today_report(session: Session, now: datetime, timezone: str) -> Report:
    """The quality report from shop midnight until now."""
    return build_report(session, day_start(now.astimezone(ZoneInfo(timezone)).date(), timezone),
                        now)


def daily_reports(session: Session, now: datetime, timezone: str,
                  days: int = 7) -> list[tuple[date, Report]]:
    """One report per shop day for the last ``days`` days (today last)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    out = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        until = min(now, day_start(day + timedelta(days=1), timezone))
        out.append((day, build_report(session, day_start(day, timezone), until)))
    return out
