"""Who works a case: auto-assignment, race-free claiming, supervisor assignment.

Auto-assignment picks, among active, online agents of the case's queue whose skills cover the
product category, the one with the lowest open load under their ``max_load``; otherwise the case
waits for a claim or a supervisor.
Claiming is race-free: exactly one of many concurrent claimers wins.
On PostgreSQL the row is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` (a loser does not wait
on the winner's lock); on SQLite the guarded ``UPDATE … WHERE assignee_id IS NULL`` runs under
the database write lock (``BEGIN IMMEDIATE``). Either way the guarded update is what decides.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from handoff.desk.cases import add_event, transition
from handoff.store.models.cases import Case
from handoff.store.models.enums import AgentRole, Availability, CaseStatus
from handoff.store.models.people import Agent

ANY_SKILL = "*"


def open_loads(session: Session) -> dict[int, int]:
    """Open cases per assignee."""
    rows = session.execute(
        select(Case.assignee_id, func.count()).where(
            Case.assignee_id.is_not(None), Case.status != CaseStatus.RESOLVED)
        .group_by(Case.assignee_id))
    return {int(agent_id): int(count) for agent_id, count in rows if agent_id is not None}


def can_work(agent: Agent, case: Case) -> bool:
    """Whether the agent serves the case's queue and covers its product category."""
    skills = set(agent.skills)
    covers = not case.category or ANY_SKILL in skills or case.category in skills or not skills
    return case.queue in agent.queues and covers


def auto_assign(session: Session, case: Case, now: datetime) -> Agent | None:
    """Give an unassigned case to the least-loaded matching agent under their limit."""
    if case.assignee_id is not None:
        return None
    candidates = (select(Agent).where(Agent.active.is_(True), Agent.role == AgentRole.AGENT,
                                      Agent.availability == Availability.ONLINE)
                  .order_by(Agent.id))
    if session.get_bind().dialect.name == "postgresql":
        # Lock the candidates before counting loads, so two handoffs at the same moment cannot
        # both see an agent under max_load: the second waits, then (READ COMMITTED) counts the
        # first one's assignment. On SQLite BEGIN IMMEDIATE already serialises the two.
        candidates = candidates.with_for_update()
    agents = list(session.scalars(candidates))
    loads = open_loads(session)
    fits = [a for a in agents if can_work(a, case) and loads.get(a.id, 0) < a.max_load]
    if not fits:
        return None
    chosen = min(fits, key=lambda a: (loads.get(a.id, 0), a.id))
    if not claim(session, case, chosen, now, actor="system"):
        return None
    return chosen


def claim(session: Session, case: Case, agent: Agent, now: datetime,
          actor: str | None = None) -> bool:
    """Take an unassigned case for ``agent``. Returns False when someone else has it."""
    if case.assignee_id == agent.id:
        return True
    if session.get_bind().dialect.name == "postgresql":
        locked = session.scalar(select(Case.id).where(Case.id == case.id,
                                                      Case.assignee_id.is_(None))
                                # Wait for a competing claim to commit (not skip_locked):
                                # the loser then sees, and can name, the winner.
                                .with_for_update())
        if locked is None:
            return False
    result = session.execute(
        update(Case).where(Case.id == case.id, Case.assignee_id.is_(None))
        .values(assignee_id=agent.id, updated_at=now, version=Case.version + 1)
        .execution_options(synchronize_session=False))
    session.refresh(case)
    if getattr(result, "rowcount", 0) != 1:
        return False
    _started(session, case, agent, now, actor or agent.name, "claimed")
    return True


def assign(session: Session, case: Case, agent: Agent, now: datetime, by: str) -> None:
    """A supervisor gives the case to ``agent`` (whoever had it before)."""
    previous = case.assignee_id
    case.assignee_id = agent.id
    case.updated_at = now
    _started(session, case, agent, now, by, "assigned", previous=previous)


def _started(session: Session, case: Case, agent: Agent, now: datetime, actor: str,
             kind: str, **data: object) -> None:
    add_event(session, case, kind, now, actor, agent=agent.name, **data)
    if case.status is CaseStatus.NEW:
        transition(session, case, CaseStatus.IN_PROGRESS, now, actor)
