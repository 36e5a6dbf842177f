"""The whole warm handoff, from the customer's first words to the agent's reply, through the
real web chat API, engine, desk, agent REST API and outbox — once per engine."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from handoff.agents.auth import add_agent
from handoff.store.clock import ManualClock
from handoff.store.models import AgentRole
from tests.bot.chat import Chat


def _agent_token(chat: Chat, clock: ManualClock) -> str:
    with chat.runtime.db.session() as session:
        _, token = add_agent(session, name="alice", role=AgentRole.AGENT, queues=["L2", "L3"],
                             skills=["*"], now=clock.now())
    return token


async def _api(chat: Chat, token: str, method: str, path: str, **body: Any) -> dict[str, Any]:
    async with chat.http.request(method, chat.url(path), json=body or None,
                                 headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 200, await response.text()
        result: dict[str, Any] = await response.json()
        return result


async def _agent_replies(chat: Chat) -> list[str]:
    for _ in range(50):  # the outbox worker runs in the app; give it a few rounds
        texts = [m["text"] for m in (await chat.poll()).get("messages", [])
                 if m.get("author") == "agent"]
        if texts:
            return texts
        await asyncio.sleep(0.1)
    return []


async def test_refund_over_limit_reaches_an_agent_with_a_warm_summary_and_the_reply_comes_back(
    chat: Chat, clock: ManualClock, demo_orders: None
) -> None:
    await chat.say("扫地机器人不想要了，我要退货")
    await chat.say("2026110500005")
    await chat.say("3333")
    case_number = chat.conversation["case_number"]
    assert chat.conversation["mode"] == "human" and chat.conversation["queue"] == "L2"
    assert case_number in chat.text  # the customer is told the case number

    token = _agent_token(chat, clock)
    detail = await _api(chat, token, "GET", f"/api/cases/{case_number}")
    summary = detail["summary"]
    assert summary["order"]["id"] == "2026110500005"
    assert summary["rule"] == "refund_over_limit"
    assert summary["decision"]["outcome"] and summary["decision"]["reason"]
    assert "received" in summary["evidence"] and "missing" in summary["evidence"]
    assert any("3333" in m["text"] for m in summary["last_messages"])
    assert not re.search(r"13522223333", str(detail))  # the phone appears only masked

    await _api(chat, token, "POST", f"/api/cases/{case_number}/claim")
    reply = "您好，我是售后专员小艾，退款审批已提交，今天内给您结果。"
    await _api(chat, token, "POST", f"/api/cases/{case_number}/messages", text=reply)
    assert await _agent_replies(chat) == [reply]

    # While a human works the case the bot stays quiet, whatever the customer asks.
    for text in ("我的订单到哪了", "怎么开发票", "谢谢"):
        assert await chat.say(text) == []
