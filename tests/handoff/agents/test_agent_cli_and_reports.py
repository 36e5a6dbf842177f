"""``aftersales agents add`` prints a token once and stores only its hash; ``aftersales report``
prints the quality figures; an agent reply written while the channel fails arrives once."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from handoff.agents.auth import agent_by_token
from handoff.agents.reports import build_report
from handoff.agents.service import AgentService
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.models.cases import Case
from handoff.store.models.people import Agent
from handoff.store.outbox import DeliveryError, OutboxWorker
from tests.handoff.handoff_shop import Shop


def test_agents_add_prints_a_token_once_and_stores_only_its_hash(shop: Shop) -> None:
    result = CliRunner().invoke(cli, ["agents", "add", "lin", "--role", "agent", "--queues",
                                      "L2,L3", "--skills", "appliances,phones"],
                                obj=shop.settings)
    assert result.exit_code == 0, result.output
    token = result.output.strip().rsplit(" ", 1)[-1]
    with shop.db.session() as s:
        agent = s.scalars(select(Agent)).one()
        assert (agent.queues, agent.skills) == (["L2", "L3"], ["appliances", "phones"])
        assert agent.token_hash and token not in agent.token_hash
        assert agent_by_token(s, token) is agent
    again = CliRunner().invoke(cli, ["agents", "add", "lin"], obj=shop.settings)
    assert again.exit_code != 0 and "already exists" in again.output


def _a_day_of_work(shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        agent = shop.agent(s, "lin", ["L2"])
        bot_only = shop.customer(s)
        shop.says(s, bot_only, "我的快递到哪了", intent="order_status")
        handed = shop.customer(s)
        shop.says(s, handed, "转人工", intent="request_human")
        ticket = desk.hand_off(s, handed, desk.request_for("human_request"),
                               BotFindings(issue="refund_status"))
        shop.clock.advance(minutes=4)
        service = AgentService(desk)
        service.reply(s, agent, ticket.case_number, "您好，我来处理")
        shop.clock.advance(hours=2)
        service.resolve(s, agent, ticket.case_number)
        case = s.scalars(select(Case)).one()
        case.csat = 5


def test_report_figures_for_a_day_with_one_bot_only_and_one_handed_off_conversation(
        shop: Shop, desk: Desk) -> None:
    start = shop.now()
    _a_day_of_work(shop, desk)
    with shop.db.session() as s:
        report = build_report(s, start, shop.now())
    assert (report.volume, report.cases_opened) == (2, 1)
    assert (report.first_contact_resolution_rate, report.escalation_rate) == (0.5, 0.5)
    assert report.handoff_reasons == {"human_request": 1}
    assert report.first_response_minutes_avg == 4.0
    assert report.first_response_sla_compliance == 1.0 and report.closure_24h_rate == 1.0
    assert report.csat_average == 5 and report.csat_distribution["5"] == 1
    assert report.top_contact_reasons == {"order_status": 1, "request_human": 1}
    assert report.agent_load == {"lin": {"open": 0, "handled": 1, "resolved": 1}}


def test_report_command_prints_json_and_csv(shop: Shop, desk: Desk) -> None:
    _a_day_of_work(shop, desk)
    args = ["report", "--since", "2026-11-01", "--until", "2026-12-01"]
    as_json = CliRunner().invoke(cli, [*args, "--format", "json"], obj=shop.settings)
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["cases_opened"] == 1
    as_csv = CliRunner().invoke(cli, [*args, "--format", "csv"], obj=shop.settings)
    rows = dict(csv.reader(io.StringIO(as_csv.output)))
    assert rows["handoff_reasons.human_request"] == "1"
    table = CliRunner().invoke(cli, args, obj=shop.settings)
    assert "escalation_rate" in table.output
    bad = CliRunner().invoke(cli, ["report", "--since", "yesterday"], obj=shop.settings)
    assert bad.exit_code != 0 and "ISO" in bad.output


class FlakyChannel:
    """A channel that is down until told otherwise, recording what got through."""

    def __init__(self) -> None:
        self.up = False
        self.delivered: list[dict[str, Any]] = []

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        if not self.up:
            raise DeliveryError("503 from the platform")
        self.delivered.append(payload)


async def test_agent_reply_written_while_the_channel_fails_is_delivered_once_after_recovery(
        shop: Shop, desk: Desk) -> None:
    with shop.db.session() as s:
        agent = shop.agent(s, "lin", ["L2"])
        conv = shop.customer(s, channel="line")
        number = desk.hand_off(s, conv, desk.request_for("human_request"),
                               BotFindings(issue="refund_status")).case_number
        AgentService(desk).reply(s, agent, number, "退款已批准")
    channel = FlakyChannel()
    worker = OutboxWorker(shop.db, shop.clock, {"line": channel})
    assert await worker.run_once() == 0
    shop.clock.advance(minutes=1)
    assert await worker.run_once() == 0
    channel.up = True
    shop.clock.advance(minutes=5)
    assert await worker.run_once() == 1
    shop.clock.advance(minutes=5)
    assert await worker.run_once() == 0
    assert [p["text"] for p in channel.delivered] == ["退款已批准"]


def test_sweep_command_runs_once(shop: Shop) -> None:
    result = CliRunner().invoke(cli, ["sweep"], obj=shop.settings)
    assert result.exit_code == 0 and "sweep: 0 notifications" in result.output
