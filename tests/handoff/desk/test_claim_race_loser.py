"""Point 6: the claim race's loser is told who won (read after the winner committed) or that
the case is already taken — never "claimed by None". Eight rounds of two agents claiming the
same fresh case at the same instant, on both engines."""

from __future__ import annotations

import threading

from handoff.agents.service import AgentService, Conflict
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.models.people import Agent
from tests.handoff.handoff_shop import Shop

ROUNDS = 8


def _claim(shop: Shop, service: AgentService, agent_id: int, number: str,
           barrier: threading.Barrier, answers: list[str]) -> None:
    barrier.wait()
    try:
        with shop.db.session() as s:
            agent = s.get(Agent, agent_id)
            assert agent is not None
            service.claim(s, agent, number)
        answers.append("won")
    except Conflict as exc:
        answers.append(str(exc))


def test_the_race_loser_hears_the_winners_name_never_none(shop: Shop, desk: Desk) -> None:
    service = AgentService(desk)
    with shop.db.session() as s:
        agents = {shop.agent(s, name, ["L2"]).id: name for name in ("wang", "li")}
    for _ in range(ROUNDS):
        with shop.db.session() as s:
            number = desk.hand_off(s, shop.customer(s), desk.request_for("human_request"),
                                   BotFindings(issue="refund_status")).case_number
        answers: list[str] = []
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_claim,
                                    args=(shop, service, a, number, barrier, answers))
                   for a in agents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(answers)[-1] == "won" and len(answers) == 2, answers
        loser = sorted(answers)[0]
        assert "None" not in loser, loser
        assert any(f"claimed by {name}" in loser for name in agents.values()) \
            or "already taken" in loser, loser
