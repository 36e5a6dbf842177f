"""Signed webhooks on case events: a receiver that is down for a while gets every event once it
is back, in order, none twice, each signature verifying with its secret."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from handoff.agents.service import AgentService
from handoff.desk.desk import Desk
from handoff.integrations.webhooks.config import Endpoint, WebhooksConfig, parse_secrets
from handoff.integrations.webhooks.deliveries import recent_deliveries, send_again
from handoff.integrations.webhooks.emitter import CHANNEL, WebhookEmitter
from handoff.integrations.webhooks.events import CaseEventType
from handoff.integrations.webhooks.sender import WebhookSender
from handoff.integrations.webhooks.signature import HEADER, signature, verify
from handoff.ports import BotFindings
from handoff.store.clock import ManualClock
from handoff.store.models import Agent, Case, Conversation
from handoff.store.outbox import OutboxWorker
from tests.handoff.handoff_shop import Shop

SECRET = "whsec_test"


class Receiver:
    """The shop's CRM: records every body it accepts, with whether its signature verified."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.events: list[dict[str, Any]] = []
        self.verified: list[bool] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", self.hook)
        return app

    async def hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.verified.append(verify(SECRET, request.headers[HEADER], body,
                                    int(self.clock.now().timestamp())))
        self.events.append(json.loads(body))
        return web.json_response({"ok": True})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config(port: int) -> WebhooksConfig:
    return WebhooksConfig((Endpoint("crm", f"http://127.0.0.1:{port}/hook",
                                    frozenset(CaseEventType), SECRET),), timeout_seconds=2)


async def deliver_all(worker: OutboxWorker, clock: ManualClock) -> None:
    for _ in range(20):  # bounded: each round moves past every backoff
        clock.advance(timedelta(hours=1))
        if await worker.run_once() == 0:
            return


def opened_and_worked(shop: Shop, desk: Desk) -> tuple[int, str]:
    with shop.db.session() as s:
        agent = shop.agent(s, "lin", ["L1", "L2", "L3"])
        conv = shop.customer(s)
        desk.hand_off(s, conv, desk.request_for("human_request"), BotFindings(issue="quality"))
        case = s.scalars(select(Case).where(Case.conversation_id == conv.id)).one()
        AgentService(desk).reply(s, agent, case.number, "已为您安排换货")
        return conv.id, case.number


async def test_receiver_down_for_a_while_gets_every_event_in_order_once_it_is_back(
        shop: Shop, desk: Desk, clock: ManualClock) -> None:
    port = free_port()
    WebhookEmitter(config(port)).install(shop.db)
    worker = OutboxWorker(shop.db, clock, {CHANNEL: WebhookSender(config(port), clock)})
    receiver = Receiver(clock)
    conv_id, number = opened_and_worked(shop, desk)
    assert await worker.run_once() == 0  # nobody listens on the port yet
    server = TestServer(receiver.app(), host="127.0.0.1", port=port)
    await server.start_server()  # back, while the first events wait for their retry
    try:
        with shop.db.session() as s:
            lin = s.scalars(select(Agent).where(Agent.name == "lin")).one()
            mei = shop.agent(s, "mei", ["ops"])
            service = AgentService(desk)
            service.transfer(s, lin, number, "ops")
            service.claim(s, mei, number)
            service.resolve(s, mei, number)
        assert await worker.run_once() == 0  # due, but not before the earlier events
        with shop.db.session() as s:
            conv = s.get(Conversation, conv_id)
            assert conv is not None
            message = shop.says(s, conv, "★★★★", payload={"payload": "csat:4"})
            desk.intercept(s, conv, message, None)
        await deliver_all(worker, clock)
    finally:
        await server.close()
    types = [e["type"] for e in receiver.events]
    assert types == ["case.opened", "case.assigned", "case.agent_reply", "case.transferred",
                     "case.assigned", "case.resolved", "case.csat_received"]
    assert len({e["id"] for e in receiver.events}) == len(receiver.events)  # none twice
    assert all(receiver.verified)
    assert {e["case"]["number"] for e in receiver.events} == {number}
    assert receiver.events[-1]["data"]["rating"] == 4
    assert receiver.events[0]["schema"] == "aftersales.case_event"
    assert receiver.events[0]["version"] == 1
    with shop.db.session() as s:
        deliveries = recent_deliveries(s)
        assert {d.status for d in deliveries} == {"sent"}
        assert max(d.attempts for d in deliveries) >= 2
        assert deliveries[-1].event == "case.opened" and deliveries[-1].last_error == ""


async def test_send_again_delivers_the_same_event_once_more(
        shop: Shop, desk: Desk, clock: ManualClock) -> None:
    receiver = Receiver(clock)
    server = TestServer(receiver.app(), host="127.0.0.1")
    await server.start_server()
    try:
        WebhookEmitter(config(server.port or 0)).install(shop.db)
        worker = OutboxWorker(shop.db, clock,
                              {CHANNEL: WebhookSender(config(server.port or 0), clock)})
        opened_and_worked(shop, desk)
        await deliver_all(worker, clock)
        count = len(receiver.events)
        with shop.db.session() as s:
            opened = recent_deliveries(s)[-1]
            assert send_again(s, opened.id, clock.now())
        await deliver_all(worker, clock)
    finally:
        await server.close()
    assert len(receiver.events) == count + 1
    assert receiver.events[-1]["id"] == receiver.events[0]["id"]


def test_signature_verifies_only_with_the_secret_and_a_fresh_timestamp() -> None:
    body = b'{"type":"case.opened"}'
    header = signature(SECRET, body, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify(SECRET, header, body, 1_700_000_010)
    assert not verify("other", header, body, 1_700_000_010)
    assert not verify(SECRET, header, body + b" ", 1_700_000_010)
    assert not verify(SECRET, header, body, 1_700_001_000)  # a replay an hour later


@pytest.mark.parametrize("value,expected", [
    ("crm=a,erp=b=c", {"crm": "a", "erp": "b=c"}), ("", {}),
])
def test_webhook_secrets_setting_names_each_endpoint(value: str,
                                                     expected: dict[str, str]) -> None:
    assert parse_secrets(value) == expected
