"""Quality metrics for a period (domain brief, "Quality metrics").

Volume is the number of conversations with an inbound message in the period; a conversation
that got no case in the period was resolved by the bot alone (first-contact resolution). Case
figures cover cases opened in the period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.config.tables import SlaTarget
from handoff.store.models.cases import Case
from handoff.store.models.chat import Message
from handoff.store.models.enums import CasePriority, CaseStatus, Direction
from handoff.store.models.people import Agent

CLOSURE_WINDOW = timedelta(hours=24)
TOP_N = 10


@dataclass(frozen=True)
class Report:
    since: str
    until: str
    volume: int
    cases_opened: int
    first_contact_resolution_rate: float | None
    escalation_rate: float | None
    handoff_reasons: dict[str, int]
    first_response_minutes_avg: float | None
    first_response_sla_compliance: float | None
    resolution_hours_avg: float | None
    resolution_sla_compliance: float | None
    closure_24h_rate: float | None
    csat_average: float | None
    csat_distribution: dict[str, int]
    top_contact_reasons: dict[str, int]
    agent_load: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_report(session: Session, since: datetime, until: datetime) -> Report:
    """All figures for [since, until)."""
    inbound = list(session.scalars(select(Message).where(
        Message.direction == Direction.INBOUND, Message.created_at >= since,
        Message.created_at < until)))
    opened = list(session.scalars(select(Case).where(Case.created_at >= since,
                                                     Case.created_at < until)))
    conversations = {m.conversation_id for m in inbound}
    escalated = {c.conversation_id for c in opened} & conversations
    ratings = [c.csat for c in opened if c.csat is not None]
    return Report(
        since=since.isoformat(), until=until.isoformat(), volume=len(conversations),
        cases_opened=len(opened),
        first_contact_resolution_rate=_rate(len(conversations) - len(escalated),
                                            len(conversations)),
        escalation_rate=_rate(len(escalated), len(conversations)),
        handoff_reasons=dict(Counter(c.rule for c in opened).most_common()),
        **_response_figures(opened), **_resolution_figures(opened),
        csat_average=round(sum(ratings) / len(ratings), 2) if ratings else None,
        csat_distribution={str(n): ratings.count(n) for n in range(1, 6)},
        top_contact_reasons=_top_intents(inbound),
        agent_load=_agent_load(session, opened),
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _response_figures(opened: list[Case]) -> dict[str, Any]:
    answered = [c for c in opened if c.first_response_at is not None]
    minutes = [(c.first_response_at - c.created_at).total_seconds() / 60
               for c in answered if c.first_response_at]
    on_time = [c for c in answered if c.first_response_due and c.first_response_at
               and c.first_response_at <= c.first_response_due]
    return {"first_response_minutes_avg": round(sum(minutes) / len(minutes), 1) if minutes
            else None,
            "first_response_sla_compliance": _rate(len(on_time), len(answered))}


def _resolution_figures(opened: list[Case]) -> dict[str, Any]:
    resolved = [c for c in opened if c.resolved_at is not None]
    hours = [(c.resolved_at - c.created_at).total_seconds() / 3600
             for c in resolved if c.resolved_at]
    on_time = [c for c in resolved if c.resolution_due and c.resolved_at
               and c.resolved_at <= c.resolution_due]
    closed_24h = [c for c in resolved if c.resolved_at
                  and c.resolved_at - c.created_at <= CLOSURE_WINDOW]
    return {"resolution_hours_avg": round(sum(hours) / len(hours), 2) if hours else None,
            "resolution_sla_compliance": _rate(len(on_time), len(resolved)),
            "closure_24h_rate": _rate(len(closed_24h), len(opened))}


def _top_intents(inbound: list[Message]) -> dict[str, int]:
    names = [str((m.nlu or {}).get("intent", {}).get("name") or "")
             for m in inbound if isinstance((m.nlu or {}).get("intent"), dict)]
    return dict(Counter(n for n in names if n).most_common(TOP_N))


def _agent_load(session: Session, opened: list[Case]) -> dict[str, dict[str, int]]:
    load: dict[str, dict[str, int]] = {}
    for agent in session.scalars(select(Agent).order_by(Agent.name)):
        open_now = session.scalars(select(Case.id).where(
            Case.assignee_id == agent.id, Case.status != CaseStatus.RESOLVED)).all()
        handled = [c for c in opened if c.assignee_id == agent.id]
        if open_now or handled:
            load[agent.name] = {"open": len(open_now), "handled": len(handled),
                                "resolved": sum(1 for c in handled if c.resolved_at)}
    return load


@dataclass(frozen=True)
class PriorityResponse:
    """First responses to one priority's cases, next to that priority's SLA target.

    ``minutes`` are wall-clock minutes from handoff to first response; the target counts
    business minutes (business_hours.yml), so ``on_time`` — answered by the case's due time —
    is the SLA verdict, and the minutes show how far apart the answers are.
    """

    priority: CasePriority
    target_minutes: float
    minutes: tuple[float, ...]  # one per answered case, ascending
    on_time: int
    waiting: int  # opened in the period, no first response yet

    @property
    def answered(self) -> int:
        return len(self.minutes)

    @property
    def median_minutes(self) -> float | None:
        return round(median(self.minutes), 1) if self.minutes else None

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.answered)


def first_response_vs_sla(session: Session, since: datetime, until: datetime,
                          targets: Mapping[CasePriority, SlaTarget]) -> list[PriorityResponse]:
    """Per priority (P1 first), first-response times of cases opened in [since, until)."""
    opened = session.scalars(select(Case).where(Case.created_at >= since,
                                                Case.created_at < until))
    by_priority: dict[CasePriority, list[Case]] = {p: [] for p in CasePriority}
    for case in opened:
        by_priority[CasePriority(case.priority)].append(case)
    return [_priority_response(p, targets[p], cases) for p, cases in by_priority.items()]


def _priority_response(priority: CasePriority, target: SlaTarget,
                       cases: list[Case]) -> PriorityResponse:
    answered = [(c.first_response_at, c) for c in cases if c.first_response_at is not None]
    minutes = sorted(round((at - c.created_at).total_seconds() / 60, 1) for at, c in answered)
    on_time = sum(1 for at, c in answered if c.first_response_due and at <= c.first_response_due)
    return PriorityResponse(priority, target.first_response.total_seconds() / 60,
                            tuple(minutes), on_time, len(cases) - len(answered))
