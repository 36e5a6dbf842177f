"""SOP: claiming is race-free — many agents grabbing the same cases at once, each case ends with
exactly one owner and the losers get a clean Conflict."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from handoff.agents.service import AgentService, Conflict
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.db import Database
from handoff.store.models.cases import Case, CaseEvent
from handoff.store.models.chat import Conversation
from handoff.store.models.people import Agent
from tests.handoff.handoff_shop import Shop

AGENTS, CASES = 20, 10


def _setup(shop: Shop, desk: Desk) -> tuple[list[str], list[int]]:
    with shop.db.session() as s:
        numbers = []
        for _ in range(CASES):
            conv = shop.customer(s)
            numbers.append(desk.hand_off(s, conv, desk.request_for("human_request"),
                                         BotFindings(issue="refund_status")).case_number)
        agents = [shop.agent(s, f"agent{n}", ["L2"]).id for n in range(AGENTS)]
    return numbers, agents


def _claim_all(db: Database, service: AgentService, agent_id: int, numbers: list[str],
               outcomes: list[str], barrier: threading.Barrier) -> None:
    barrier.wait()
    for number in numbers:
        try:
            with db.session() as s:
                agent = s.get(Agent, agent_id)
                assert agent is not None
                service.claim(s, agent, number)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # any other error is a leak the test reports
            outcomes.append(f"error: {exc!r}")


def test_twenty_agents_claiming_ten_cases_leave_each_case_with_exactly_one_owner(
        shop: Shop, desk: Desk) -> None:
    numbers, agents = _setup(shop, desk)
    service = AgentService(desk)
    outcomes: list[str] = []
    barrier = threading.Barrier(AGENTS)
    threads = [threading.Thread(target=_claim_all,
                                args=(shop.db, service, a, numbers, outcomes, barrier))
               for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    counts = Counter(outcomes)
    assert set(counts) <= {"won", "conflict"}, counts
    assert counts["won"] == CASES and counts["conflict"] == CASES * (AGENTS - 1)
    with shop.db.session() as s:
        owners = s.scalars(select(Case.assignee_id)).all()
        claims = s.scalars(select(CaseEvent).where(CaseEvent.kind == "claimed")).all()
    assert None not in owners and len(claims) == CASES


def _hand_off_concurrently(shop: Shop, desk: Desk, conversations: list[int],
                           barrier: threading.Barrier, errors: list[BaseException]) -> None:
    def run(conversation_id: int) -> None:
        try:
            barrier.wait()
            with shop.db.session() as s:
                conversation = s.get(Conversation, conversation_id)
                assert conversation is not None
                desk.hand_off(s, conversation, desk.request_for("human_request"),
                              BotFindings(issue="refund_status"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in conversations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_simultaneous_handoffs_never_push_an_agent_past_max_load(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        shop.agent(s, "solo", ["L2"], max_load=1)
        conversations = [shop.customer(s).id for _ in range(4)]
    errors: list[BaseException] = []
    _hand_off_concurrently(shop, desk, conversations, threading.Barrier(4), errors)
    assert errors == []
    with shop.db.session() as s:
        owners = [o for o in s.scalars(select(Case.assignee_id)).all() if o is not None]
    assert len(owners) == 1  # the other three wait in the queue for a claim
