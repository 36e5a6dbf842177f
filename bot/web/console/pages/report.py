"""The dashboard's report for a chosen date range: the figures, the SOP's quality metrics
against their targets (met / not met), and the same report as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select

from bot.web.console.common import require_role, runtime_of, viewer_of
from handoff.agents.quality import QualityResult, evaluate, load_quality
from handoff.agents.reports import Report, build_report
from handoff.config.i18n import words
from handoff.store.models import Agent, AgentRole

DEFAULT_DAYS = 7
MAX_DAYS = 366


@dataclass(frozen=True)
class Range:
    first: date
    last: date  # inclusive

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(self.first, time.min, zone)
        return start, datetime.combine(self.last + timedelta(days=1), time.min, zone)


def date_range(query: Any, today: date) -> Range:
    """``?since=YYYY-MM-DD&until=YYYY-MM-DD`` (both days included); a bad or reversed range is a
    400 with the reason, a missing one the last seven days."""
    try:
        last = date.fromisoformat(query["until"]) if query.get("until") else today
        first = (date.fromisoformat(query["since"]) if query.get("since")
                 else last - timedelta(days=DEFAULT_DAYS - 1))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="dates are YYYY-MM-DD") from exc
    if first > last or (last - first).days >= MAX_DAYS:
        raise web.HTTPBadRequest(text=f"the range must run forward and span at most {MAX_DAYS}"
                                      " days")
    return Range(first, last)


def range_report(runtime: Any, chosen: Range) -> dict[str, Any]:
    """The report, quality results and agents' availability for the dashboard."""
    settings = runtime.settings
    since, until = chosen.bounds(ZoneInfo(settings.timezone))
    targets = load_quality(settings.training_data_dir / "handoff" / "quality.yml")
    with runtime.db.session() as session:
        report = build_report(session, since, until)
        people = [(a.name, str(a.availability)) for a in session.scalars(
            select(Agent).where(Agent.active, Agent.role != AgentRole.TRAINER)
            .order_by(Agent.name))]
    return {"report": report, "quality": evaluate(report, targets), "range": chosen,
            "availability": people}


async def report_csv(request: web.Request) -> web.StreamResponse:
    require_role(request, AgentRole.SUPERVISOR)
    runtime = runtime_of(request)
    today = runtime.clock.now().astimezone(ZoneInfo(runtime.settings.timezone)).date()
    chosen = date_range(request.query, today)
    data = await asyncio.to_thread(range_report, runtime, chosen)
    agent_words = words(runtime.settings.templates_dir, viewer_of(request).locale)
    body = as_csv(data["report"], data["quality"], agent_words)
    name = f"report-{chosen.first.isoformat()}-{chosen.last.isoformat()}.csv"
    return web.Response(body=body.encode("utf-8-sig"), content_type="text/csv",
                        charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def as_csv(report: Report, quality: list[QualityResult], agent_words: Any) -> str:
    """One row per figure (section, name, value, target, met); names in the agent's words."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "name", "value", "target", "met"])
    for name in ("volume", "cases_opened", "first_response_minutes_avg",
                 "first_response_sla_compliance", "resolution_hours_avg",
                 "resolution_sla_compliance"):
        writer.writerow(["figure", agent_words(f"report.{name}"), getattr(report, name), "", ""])
    for result in quality:
        met = {True: "met", False: "not_met", None: "no_data"}[result.met]
        writer.writerow(["quality", agent_words(f"console.{result.target.name}"),
                         result.actual_text, result.target_text, agent_words(f"console.{met}")])
    for rule, count in report.handoff_reasons.items():
        writer.writerow(["handoff_reason", agent_words.code("rule", rule), count, "", ""])
    for intent, count in report.top_contact_reasons.items():
        writer.writerow(["contact_reason", agent_words.code("intent", intent), count, "", ""])
    return out.getvalue()
