"""Agent pages: the inbox and the case view with its actions (claim, reply, note, transfer,
resolve, hand back). Every read and write goes through `handoff.agents.service`."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from jinja2 import TemplateError
from markupsafe import Markup
from sqlalchemy import select

from bot.web.console.common import PREFIX, render, require_role, runtime_of, see_other
from bot.web.console.service import agent_service, as_viewer
from handoff.config.templating import environment
from handoff.desk.summary import render_summary
from handoff.store.models import AgentRole, CaseStatus, Queue

WORKERS = (AgentRole.AGENT, AgentRole.SUPERVISOR)
FAR_FUTURE = "9999-12-31T00:00:00+00:00"


def next_due(row: dict[str, Any]) -> str | None:
    """The due time the agent races now: first response until answered, then resolution."""
    if row["first_response_at"] is None and row["first_response_due"]:
        return str(row["first_response_due"])
    return row["resolution_due"]


def inbox_rows(rows: list[dict[str, Any]], me: str) -> list[dict[str, Any]]:
    """Open cases that are mine or unclaimed, most urgent due time first."""
    mine_or_free = [r for r in rows if r["status"] != CaseStatus.RESOLVED
                    and r["assignee"] in (None, me)]
    return sorted(mine_or_free, key=lambda r: (next_due(r) or FAR_FUTURE, r["priority"]))


async def inbox(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, *WORKERS)
    service = agent_service(request)
    rows = await as_viewer(request, lambda s, a: service.list_cases(s, a))
    if viewer.role is AgentRole.SUPERVISOR:
        cases = sorted((r for r in rows if r["status"] != CaseStatus.RESOLVED),
                       key=lambda r: (next_due(r) or FAR_FUTURE, r["priority"]))
    else:
        cases = inbox_rows(rows, viewer.name)
    for row in cases:
        row["due"] = next_due(row)
    p1 = sum(1 for r in cases if r["priority"] == "P1")
    return render(request, "inbox.html", title="Inbox", cases=cases, p1=p1, me=viewer.name)


async def case_view(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, *WORKERS)
    number = request.match_info["number"]
    service = agent_service(request)
    case = await as_viewer(request, lambda s, a: service.get_case(s, a, number))
    settings = runtime_of(request).settings
    queues = await asyncio.to_thread(_queue_names, runtime_of(request))
    return render(
        request, "case.html", title=f"Case {number}", case=case,
        summary=_summary_html(settings.templates_dir, case, _locale(viewer.name, case)),
        due=next_due(case), notes=[e for e in case["events"] if e["kind"] == "note"],
        suggestions=_suggestions(request, case, viewer.label), queues=queues,
        mine=case["assignee"] == viewer.name, is_open=case["status"] != CaseStatus.RESOLVED)


def _locale(_agent: str, case: dict[str, Any]) -> str:
    summary = case.get("summary") or {}
    return str((summary.get("customer") or {}).get("language") or "en")


def _summary_html(templates_dir: Any, case: dict[str, Any], locale: str) -> Markup | None:
    # The summary template is rendered by the one autoescaping environment: it is safe markup.
    if not case.get("summary"):
        return None
    for candidate in (locale, "en"):
        try:
            return Markup(render_summary(templates_dir, case["summary"], candidate, fmt="html"))
        except (TemplateError, KeyError, TypeError, AttributeError):  # old or partial summary
            continue
    return None


def _suggestions(request: web.Request, case: dict[str, Any], agent: str) -> list[str]:
    """The editable reply suggestions in the customer's language."""
    settings = runtime_of(request).settings
    customer = (case.get("summary") or {}).get("customer") or {}
    locale = str(customer.get("language") or settings.default_locale)
    env = environment(settings.templates_dir)
    name = f"console/agent_replies/{locale}.txt"
    if name not in env.list_templates(extensions=["txt"]):
        name = "console/agent_replies/en.txt"
    text = env.get_template(name).render(name=customer.get("name") or "", agent=agent,
                                         case=case["number"])
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def _queue_names(runtime: Any) -> list[str]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Queue.name).order_by(Queue.name)))


async def act(request: web.Request) -> web.StreamResponse:
    """One form post of the case view: the action name is in the URL."""
    require_role(request, *WORKERS)
    number, action = request.match_info["number"], request.match_info["action"]
    form = await request.post()
    service = agent_service(request)
    text, queue = str(form.get("text", "")), str(form.get("queue", ""))
    calls = {
        "claim": lambda s, a: service.claim(s, a, number),
        "reply": lambda s, a: service.reply(s, a, number, text),
        "note": lambda s, a: service.note(s, a, number, text),
        "transfer": lambda s, a: service.transfer(s, a, number, queue),
        "resolve": lambda s, a: service.resolve(s, a, number),
        "handback": lambda s, a: service.handback(s, a, number),
    }
    if action not in calls:
        raise web.HTTPNotFound()
    await as_viewer(request, calls[action])
    raise see_other(f"{PREFIX}/cases/{number}")


async def evidence(request: web.Request) -> web.StreamResponse:
    """A photo of a case, full size (the case view shows it as a thumbnail)."""
    require_role(request, *WORKERS)
    number, wanted = request.match_info["number"], int(request.match_info["id"])
    service = agent_service(request)
    case = await as_viewer(request, lambda s, a: service.get_case(s, a, number))
    item = next((e for e in case["evidence"] if e["id"] == wanted), None)
    store = getattr(runtime_of(request), "evidence", None)
    if item is None or store is None:
        raise web.HTTPNotFound()
    data = await asyncio.to_thread(store.read, item["uri"])
    return web.Response(body=data, content_type=item["content_type"],
                        headers={"Cache-Control": "private, max-age=3600"})


def setup_agent_pages(app: web.Application) -> None:
    app.router.add_get("/inbox", inbox)
    app.router.add_get("/cases/{number}", case_view)
    app.router.add_get(r"/cases/{number}/evidence/{id:\d+}", evidence)
    app.router.add_post("/cases/{number}/{action}", act)
