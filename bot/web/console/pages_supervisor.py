"""The supervisor dashboard: queue depths, oldest waiting, SLA today, overdue cases with their
escalation step, agents' load, assign/reassign, customer messages parked after repeated
failures (with a retry), and the report charts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select

from bot.channels.line.preview import event_preview
from bot.web.console import charts
from bot.web.console.common import PREFIX, render, require_role, runtime_of, see_other
from bot.web.console.floor import daily_reports, overdue_cases, queue_depths, today_report
from bot.web.console.pages.report import date_range, range_report, report_csv
from bot.web.console.service import agent_service, as_viewer
from handoff.agents.reports import build_report, first_response_vs_sla
from handoff.config.i18n import words
from handoff.config.tables import load_sla
from handoff.store.inbox import retry_parked, unfinished
from handoff.store.models import Agent, AgentRole

SUPERVISORS = (AgentRole.SUPERVISOR,)
WEEK = timedelta(days=7)


def _floor(runtime: Any) -> dict[str, Any]:
    now, tz = runtime.clock.now(), runtime.settings.timezone
    with runtime.db.session() as session:
        agents = list(session.scalars(select(Agent.name).where(
            Agent.active, Agent.role != AgentRole.TRAINER).order_by(Agent.name)))
        return {"depths": queue_depths(session, now), "overdue": overdue_cases(session, now),
                "today": today_report(session, now, tz), "agents": agents,
                "parked": [{"key": e.key, "channel": e.channel, "received_at": e.received_at,
                            "text": event_preview(e.payload),
                            "error": e.last_error[:200]}
                           for e in unfinished(session, parked_only=True)]}


async def dashboard(request: web.Request) -> web.StreamResponse:
    require_role(request, *SUPERVISORS)
    runtime = runtime_of(request)
    floor = await asyncio.to_thread(_floor, runtime)
    today = runtime.clock.now().astimezone(ZoneInfo(runtime.settings.timezone)).date()
    chosen = date_range(request.query, today)
    period = await asyncio.to_thread(range_report, runtime, chosen)
    service = agent_service(request)
    rows = await as_viewer(request, lambda s, a: service.list_cases(s, a))
    open_cases = [r for r in rows if r["status"] != "resolved"]
    stamp = int(runtime.clock.now().timestamp())  # new chart URLs when the figures may change
    return render(request, "dashboard.html", title="Dashboard", open_cases=open_cases,
                  stamp=stamp, chart_names=list(charts.CHARTS), **floor, **period)


async def assign(request: web.Request) -> web.StreamResponse:
    require_role(request, *SUPERVISORS)
    form = await request.post()
    number, assignee = str(form.get("number", "")), str(form.get("assignee", ""))
    service = agent_service(request)
    await as_viewer(request, lambda s, a: service.assign(s, a, number, assignee))
    raise see_other(f"{PREFIX}/dashboard")


async def retry_parked_event(request: web.Request) -> web.StreamResponse:
    """Run a parked webhook event again (after a fix); the channel's worker takes it next."""
    require_role(request, *SUPERVISORS)
    key = str((await request.post()).get("key", ""))
    runtime = runtime_of(request)

    def requeue() -> list[str]:
        with runtime.db.session() as session:
            return retry_parked(session, [key], runtime.clock.now())

    if not await asyncio.to_thread(requeue):
        raise web.HTTPNotFound(text=f"no parked event {key}")
    raise see_other(f"{PREFIX}/dashboard")


def _chart(runtime: Any, name: str) -> bytes:
    settings = runtime.settings
    now, tz = runtime.clock.now(), settings.timezone
    assert settings.sla_file is not None  # filled in by Settings
    targets = load_sla(settings.sla_file)
    # Chart labels in words, kept in English so the PNG never depends on a CJK font.
    label = words(settings.templates_dir, "en")
    with runtime.db.session() as session:
        report = build_report(session, now - WEEK, now)
        report = replace(report, top_contact_reasons={
            label.code("intent", k): v for k, v in report.top_contact_reasons.items()})
        data = charts.ChartData(daily_reports(session, now, tz), report,
                                first_response_vs_sla(session, now - WEEK, now, targets))
    return charts.CHARTS[name](data)


async def chart(request: web.Request) -> web.StreamResponse:
    require_role(request, *SUPERVISORS)
    name = request.match_info["name"]
    if name not in charts.CHARTS:
        raise web.HTTPNotFound()
    png = await asyncio.to_thread(_chart, runtime_of(request), name)
    return web.Response(body=png, content_type="image/png")


def setup_supervisor(app: web.Application) -> None:
    app.router.add_get("/dashboard", dashboard)
    app.router.add_get("/dashboard.csv", report_csv)
    app.router.add_post("/dashboard/assign", assign)
    app.router.add_post("/dashboard/inbox/retry", retry_parked_event)
    app.router.add_get("/charts/{name}.png", chart)
