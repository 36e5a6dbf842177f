"""The agent REST API over a real aiohttp server on loopback: bearer tokens, queues, ownership,
replies through the outbox, CSAT on resolve, reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.http.errors import json_errors
from bot.web.agent_api import add_agent_routes
from handoff.agents.auth import add_agent
from handoff.agents.service import AgentService
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.models.chat import OutboxMessage
from handoff.store.models.enums import AgentRole
from tests.handoff.handoff_shop import Shop


@dataclass
class Api:
    base: str
    session: aiohttp.ClientSession

    async def call(self, method: str, path: str, token: str,
                   body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"}
        async with self.session.request(method, self.base + path, headers=headers,
                                        json=body) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def api(shop: Shop, desk: Desk) -> AsyncIterator[Api]:
    app = web.Application(middlewares=[json_errors])
    add_agent_routes(app, shop.db, AgentService(desk), shop.settings.timezone)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield Api(str(server.make_url("")), session)
    await server.close()


def _tokens_and_case(shop: Shop, desk: Desk) -> tuple[dict[str, str], str]:
    """A refund case waiting in L2 (handed off before any agent existed), and four agents."""
    with shop.db.session() as s:
        conv = shop.customer(s)
        shop.says(s, conv, "我要退款，电话13812345678", intent="refund_status")
        ticket = desk.hand_off(s, conv, desk.request_for("refund_over_limit"),
                               BotFindings(issue="return_request", refund_amount="899"))
        tokens = {}
        for name, role, queues in (("lin", AgentRole.AGENT, ["L2"]),
                                   ("chen", AgentRole.AGENT, ["L2"]),
                                   ("l3guy", AgentRole.AGENT, ["L3"]),
                                   ("boss", AgentRole.SUPERVISOR, [])):
            _, tokens[name] = add_agent(s, name=name, role=role, queues=queues, skills=[],
                                        now=shop.now())
    return tokens, ticket.case_number


async def test_wrong_token_is_401(api: Api, shop: Shop, desk: Desk) -> None:
    _, number = _tokens_and_case(shop, desk)
    status, body = await api.call("GET", f"/api/cases/{number}", "not-a-token")
    assert status == 401 and "token" in body["error"]


async def test_other_queue_is_403(api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    status, _ = await api.call("POST", f"/api/cases/{number}/claim", tokens["l3guy"])
    assert status == 403


async def test_other_agents_claimed_case_is_409(api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    assert (await api.call("POST", f"/api/cases/{number}/claim", tokens["lin"]))[0] == 200
    for action, body in (("claim", None), ("messages", {"text": "hi"}), ("resolve", None)):
        status, reply = await api.call("POST", f"/api/cases/{number}/{action}", tokens["chen"],
                                       body)
        assert status == 409 and "lin" in reply["error"]


async def test_unknown_case_is_404_and_empty_reply_is_400(
        api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    assert (await api.call("GET", "/api/cases/2099010001", tokens["lin"]))[0] == 404
    status, _ = await api.call("POST", f"/api/cases/{number}/messages", tokens["lin"],
                               {"text": "  "})
    assert status == 400


async def test_agent_reply_goes_to_the_customer_through_the_outbox(
        api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    status, body = await api.call("POST", f"/api/cases/{number}/messages", tokens["lin"],
                                  {"text": "您好，退款已提交审批"})
    assert status == 200 and body["case"]["status"] == "waiting_customer"
    assert body["case"]["first_response_at"] is not None
    with shop.db.session() as s:
        rows = s.scalars(select(OutboxMessage)).all()
        assert [r.payload["text"] for r in rows] == ["您好，退款已提交审批"]


async def test_case_detail_has_summary_transcript_and_events_with_phones_masked(
        api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    status, case = await api.call("GET", f"/api/cases/{number}", tokens["lin"])
    assert status == 200
    assert case["summary"]["rule"] == "refund_over_limit"
    assert case["transcript"][0]["text"] == "我要退款，电话138****5678"
    assert case["events"][0]["kind"] == "opened"


async def test_list_filters_by_queue_status_and_me(api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    _, listed = await api.call("GET", "/api/cases?queue=L2&status=new", tokens["lin"])
    assert [c["number"] for c in listed["cases"]] == [number]
    _, mine = await api.call("GET", "/api/cases?assignee=me", tokens["lin"])
    assert mine["cases"] == []
    _, l3 = await api.call("GET", "/api/cases", tokens["l3guy"])
    assert l3["cases"] == []
    _, everything = await api.call("GET", "/api/cases", tokens["boss"])
    assert len(everything["cases"]) == 1


async def test_supervisor_assigns_and_agent_transfers_and_resolves_with_csat(
        api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    assert (await api.call("POST", f"/api/cases/{number}/assign", tokens["lin"],
                           {"agent": "chen"}))[0] == 403
    status, case = await api.call("POST", f"/api/cases/{number}/assign", tokens["boss"],
                                  {"agent": "chen"})
    assert status == 200 and case["assignee"] == "chen"
    status, case = await api.call("POST", f"/api/cases/{number}/resolve", tokens["chen"])
    assert status == 200 and case["status"] == "resolved"
    with shop.db.session() as s:
        prompt = s.scalars(select(OutboxMessage)).one().payload
    assert [b["payload"] for b in prompt["buttons"]][-1] == "csat:not_solved"
    assert len(prompt["buttons"]) == 6


async def test_transfer_to_another_queue_frees_the_case(api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    await api.call("POST", f"/api/cases/{number}/claim", tokens["lin"])
    assert (await api.call("POST", "/api/me/availability", tokens["l3guy"],
                           {"availability": "busy"}))[0] == 400
    assert (await api.call("POST", "/api/me/availability", tokens["l3guy"],
                           {"availability": "online"}))[0] == 200
    status, case = await api.call("POST", f"/api/cases/{number}/transfer", tokens["lin"],
                                  {"queue": "L3"})
    # the online L3 agent with the lowest load gets it at once
    assert status == 200 and (case["queue"], case["assignee"]) == ("L3", "l3guy")
    assert (await api.call("POST", f"/api/cases/{number}/messages", tokens["lin"],
                           {"text": "还在吗"}))[0] == 403
    status, _ = await api.call("POST", f"/api/cases/{number}/transfer", tokens["l3guy"],
                               {"queue": "nowhere"})
    assert status == 400


async def test_reports_are_for_supervisors(api: Api, shop: Shop, desk: Desk) -> None:
    tokens, _ = _tokens_and_case(shop, desk)
    assert (await api.call("GET", "/api/reports", tokens["lin"]))[0] == 403
    status, report = await api.call(
        "GET", "/api/reports?since=2026-11-01&until=2026-11-30", tokens["boss"])
    assert status == 200 and report["cases_opened"] == 1
    assert report["handoff_reasons"] == {"refund_over_limit": 1}


async def test_a_resolved_case_is_reopened_to_the_agent_and_its_summary_reads_in_words(
        api: Api, shop: Shop, desk: Desk) -> None:
    tokens, number = _tokens_and_case(shop, desk)
    await api.call("POST", f"/api/cases/{number}/claim", tokens["lin"])
    assert (await api.call("POST", f"/api/cases/{number}/reopen", tokens["lin"]))[0] == 409
    await api.call("POST", f"/api/cases/{number}/resolve", tokens["lin"])
    status, case = await api.call("POST", f"/api/cases/{number}/reopen", tokens["chen"])
    assert status == 200 and (case["status"], case["assignee"]) == ("in_progress", "chen")
    assert case["reopen_count"] == 1
    status, detail = await api.call("GET", f"/api/cases/{number}", tokens["chen"])
    assert detail["summary"]["rule"] == "refund_over_limit"
    assert "退款金额超出机器人可审批额度" in detail["summary_text"]  # chen reads zh-Hans
    assert "refund_over_limit" not in detail["summary_text"]
