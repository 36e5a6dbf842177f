"""The agent API as a transport-free service: list, read, claim, reply, note, transfer, resolve,
hand back, assign. The aiohttp routes in bot/web/agent_api.py only translate HTTP to these calls
and the typed errors below to status codes.

Access: agents act only on cases of their queues (403); a case claimed by another agent cannot be
answered, resolved, transferred or handed back by them (409) until it is transferred or
reassigned; supervisors see every queue and may assign. A missing or wrong token is 401.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from handoff.agents.auth import agent_by_token
from handoff.agents.views import assignee_name, case_detail, case_row
from handoff.desk import cases
from handoff.desk.assignment import assign, auto_assign, claim
from handoff.desk.csat import csat_prompt, set_awaiting
from handoff.desk.desk import Desk
from handoff.store.models.cases import Case
from handoff.store.models.chat import Conversation
from handoff.store.models.enums import AgentRole, Author, CaseStatus, ConversationMode
from handoff.store.models.people import Agent, Queue
from handoff.store.outbox import send_to_customer
from handoff.store.reply import OutboundMessage

MAX_TEXT = 4000
P = ParamSpec("P")
R = TypeVar("R")


class AgentApiError(Exception):
    """Base of the errors the API maps to HTTP statuses."""

    status = 400


class BadRequest(AgentApiError):
    status = 400


class Unauthorized(AgentApiError):
    status = 401


class Forbidden(AgentApiError):
    status = 403


class NotFound(AgentApiError):
    status = 404


class Conflict(AgentApiError):
    status = 409


def compare_and_set(method: Callable[Concatenate[AgentService, Session, P], R],
                    ) -> Callable[Concatenate[AgentService, Session, P], R]:
    """Write the case change now, as a compare-and-set on ``cases.version``: when another
    worker changed the case since it was read, the UPDATE matches no row and the caller gets
    409 (never a second resolve, claim or CSAT prompt)."""

    @functools.wraps(method)
    def run(self: AgentService, session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        result = method(self, session, *args, **kwargs)
        try:
            session.flush()
        except StaleDataError as exc:
            raise Conflict("the case was changed meanwhile: reload it") from exc
        return result

    return run


class AgentService:
    """Agent operations on cases; every method runs in the caller's session (transaction)."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def authenticate(self, session: Session, token: str) -> Agent:
        agent = agent_by_token(session, token)
        if agent is None:
            raise Unauthorized("missing or invalid bearer token")
        return agent

    def list_cases(self, session: Session, agent: Agent, *, queue: str | None = None,
                   status: str | None = None, assignee: str | None = None) -> list[dict[str, Any]]:
        """Cases of the agent's queues (all for supervisors), filtered."""
        query = select(Case).order_by(Case.priority, Case.created_at)
        if not _is_supervisor(agent):
            query = query.where(Case.queue.in_(list(agent.queues)))
        if queue:
            query = query.where(Case.queue == queue)
        if status:
            query = query.where(Case.status == _status(status))
        query = self._assignee_filter(session, query, agent, assignee)
        return [case_row(c, assignee_name(session, c)) for c in session.scalars(query)]

    def get_case(self, session: Session, agent: Agent, number: str) -> dict[str, Any]:
        return case_detail(session, self._visible(session, agent, number))

    @compare_and_set
    def claim(self, session: Session, agent: Agent, number: str) -> dict[str, Any]:
        case = self._visible(session, agent, number)
        self._take(session, agent, case)
        return case_row(case, agent.name)

    @compare_and_set
    def reply(self, session: Session, agent: Agent, number: str, text: object) -> dict[str, Any]:
        """Send ``text`` to the customer's channel (through the outbox) as the case's owner."""
        text = _text(text)
        case = self._workable(session, agent, number)
        now = self._desk.clock.now()
        conversation = _conversation(session, case)
        conversation.mode, conversation.case_id = ConversationMode.HUMAN, case.id
        message = send_to_customer(session, conversation, OutboundMessage(text),
                                   author=Author.AGENT, now=now, case_id=case.id,
                                   agent_id=agent.id)
        if case.first_response_at is None:
            case.first_response_at = now
        cases.add_event(session, case, "agent_reply", now, agent.name, message_id=message.id)
        cases.transition(session, case, CaseStatus.WAITING_CUSTOMER, now, agent.name)
        return {"message_id": message.id, "case": case_row(case, agent.name)}

    def note(self, session: Session, agent: Agent, number: str, text: object) -> dict[str, Any]:
        """An internal note (never sent to the customer)."""
        case = self._visible(session, agent, number)
        event = cases.add_event(session, case, "note", self._desk.clock.now(), agent.name,
                                text=_text(text))
        session.flush()
        return {"event_id": event.id}

    @compare_and_set
    def transfer(self, session: Session, agent: Agent, number: str, queue: str) -> dict[str, Any]:
        """Move the case to another queue, where it waits unowned (or is auto-assigned)."""
        case = self._owned_or_free(session, agent, number)
        if session.get(Queue, queue) is None:
            raise BadRequest(f"unknown queue {queue!r}")
        now = self._desk.clock.now()
        cases.add_event(session, case, "transferred", now, agent.name, before=case.queue,
                        after=queue)
        case.queue, case.assignee_id, case.updated_at = queue, None, now
        cases.transition(session, case, CaseStatus.NEW, now, agent.name)
        auto_assign(session, case, now)
        return case_row(case, assignee_name(session, case))

    @compare_and_set
    def resolve(self, session: Session, agent: Agent, number: str) -> dict[str, Any]:
        """Resolve the case and ask the customer to rate it (1–5 or "not solved")."""
        case = self._workable(session, agent, number)
        now = self._desk.clock.now()
        cases.transition(session, case, CaseStatus.RESOLVED, now, agent.name)
        conversation = _conversation(session, case)
        conversation.mode = ConversationMode.BOT
        prompt = csat_prompt(self._desk.replies, case.locale, case.number)
        send_to_customer(session, conversation, prompt, author=Author.SYSTEM, now=now,
                         case_id=case.id)
        set_awaiting(conversation, case.number)
        return case_row(case, agent.name)

    @compare_and_set
    def reopen(self, session: Session, agent: Agent, number: str) -> dict[str, Any]:
        """Reopen a resolved case to the agent who reopens it (a customer wrote back elsewhere,
        or it was resolved by mistake); the conversation comes back to a human."""
        case = self._visible(session, agent, number)
        if case.status.is_open:
            raise Conflict(f"case {number} is still open")
        now = self._desk.clock.now()
        conversation = _conversation(session, case)
        cases.reopen(session, case, conversation_id=conversation.id,
                     channel=conversation.channel,
                     due=self._desk.tables.sla.due(case.queue, case.priority, now), now=now,
                     actor=agent.name, reason="reopened by an agent")
        set_awaiting(conversation, None)
        conversation.mode, conversation.case_id = ConversationMode.HUMAN, case.id
        if agent.role is not AgentRole.TRAINER:
            assign(session, case, agent, now, agent.name)
        return case_row(case, assignee_name(session, case))

    @compare_and_set
    def handback(self, session: Session, agent: Agent, number: str) -> dict[str, Any]:
        """Give the conversation back to the bot; the case waits for the customer."""
        case = self._workable(session, agent, number)
        now = self._desk.clock.now()
        conversation = _conversation(session, case)
        conversation.mode = ConversationMode.BOT
        notice = self._desk.replies.reply("handoff_handback", case.locale,
                                         case_number=case.number)
        send_to_customer(session, conversation, notice, author=Author.SYSTEM, now=now,
                         case_id=case.id)
        cases.add_event(session, case, "handback", now, agent.name)
        cases.transition(session, case, CaseStatus.WAITING_CUSTOMER, now, agent.name)
        return case_row(case, agent.name)

    @compare_and_set
    def assign(self, session: Session, agent: Agent, number: str,
               assignee: str) -> dict[str, Any]:
        """A supervisor gives the case to ``assignee``."""
        if not _is_supervisor(agent):
            raise Forbidden("only supervisors assign cases")
        case = self._visible(session, agent, number)
        target = session.scalars(select(Agent).where(Agent.name == assignee)).first()
        if target is None or not target.active:
            raise BadRequest(f"unknown agent {assignee!r}")
        assign(session, case, target, self._desk.clock.now(), agent.name)
        return case_row(case, target.name)

    # -- access checks ------------------------------------------------------------------------
    def _visible(self, session: Session, agent: Agent, number: str) -> Case:
        if agent.role is AgentRole.TRAINER:
            raise Forbidden("trainers do not work cases")
        case = session.scalars(select(Case).where(Case.number == number)).first()
        if case is None:
            raise NotFound(f"no case {number}")
        _lock(session, case)
        if not _is_supervisor(agent) and case.queue not in agent.queues:
            raise Forbidden(f"case {number} is in queue {case.queue}, not one of yours")
        return case

    def _owned_or_free(self, session: Session, agent: Agent, number: str) -> Case:
        case = self._visible(session, agent, number)
        if case.assignee_id not in (None, agent.id):
            raise Conflict(_taken(session, case))
        return case

    def _workable(self, session: Session, agent: Agent, number: str) -> Case:
        """A case the agent may answer: theirs, or free (then they claim it)."""
        case = self._owned_or_free(session, agent, number)
        if not case.status.is_open:
            raise Conflict(f"case {number} is resolved")
        self._take(session, agent, case)
        return case

    def _take(self, session: Session, agent: Agent, case: Case) -> None:
        if not case.status.is_open:
            raise Conflict(f"case {case.number} is resolved")
        if not claim(session, case, agent, self._desk.clock.now()):
            raise Conflict(_taken(session, case))

    def _assignee_filter(self, session: Session, query: Any, agent: Agent,
                         assignee: str | None) -> Any:
        if not assignee:
            return query
        if assignee == "me":
            return query.where(Case.assignee_id == agent.id)
        if assignee == "none":
            return query.where(Case.assignee_id.is_(None))
        target = session.scalars(select(Agent.id).where(Agent.name == assignee)).first()
        return query.where(Case.assignee_id == (target if target is not None else -1))


def _taken(session: Session, case: Case) -> str:
    """The loser's message, read after the conflict is known (the winner has committed);
    never a blank owner."""
    session.refresh(case)
    owner = assignee_name(session, case) if case.assignee_id is not None else None
    return (f"case {case.number} is claimed by {owner}" if owner
            else f"case {case.number} is already taken")


def _lock(session: Session, case: Case) -> None:
    """Lock the case's conversation, then the case (PostgreSQL; SQLite serialises writers):
    the order a customer's turn takes them in, so an agent action and a turn queue behind each
    other instead of deadlocking."""
    session.get(Conversation, case.conversation_id, with_for_update=True)
    session.refresh(case, with_for_update=True)


def _is_supervisor(agent: Agent) -> bool:
    return agent.role is AgentRole.SUPERVISOR


def _status(value: str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError as exc:
        raise BadRequest(f"unknown status {value!r}") from exc


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("text must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise BadRequest(f"text longer than {MAX_TEXT} characters")
    return value.strip()


def _conversation(session: Session, case: Case) -> Conversation:
    conversation = session.get(Conversation, case.conversation_id)
    if conversation is None:
        raise NotFound(f"case {case.number} has no conversation")
    return conversation
