"""Agent pages: the workspace — the case list (filters, search), the case view in three panes
(list, conversation with the reply box, context) and its actions (claim, reply, note, transfer,
resolve, reopen, hand back). Every case read and write goes through `handoff.agents.service`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web
from jinja2 import TemplateError
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.web.console.common import (
    PREFIX,
    Viewer,
    render,
    require_role,
    runtime_of,
    see_other,
    viewer_of,
)
from bot.web.console.pages.canned import for_case, setup_canned
from bot.web.console.pages.caselist import Filters, filtered, next_due
from bot.web.console.pages.preferences import setup_preferences
from bot.web.console.service import agent_service, as_viewer
from handoff.agents.workspace import case_context, matching_cases
from handoff.config.i18n import Words, supported, words
from handoff.config.templating import environment
from handoff.desk.summary import summary_html
from handoff.desk.summary.readable import customer_name
from handoff.store.models import AgentRole, CaseStatus, Queue

T = TypeVar("T")

WORKERS = (AgentRole.AGENT, AgentRole.SUPERVISOR)


async def _case_list(request: web.Request, viewer: Viewer) -> tuple[list[dict[str, Any]],
                                                                     Filters]:
    """The visible cases the list's filters and search keep."""
    service = agent_service(request)
    default_view = "all" if viewer.role is AgentRole.SUPERVISOR else "mine_or_free"
    filters = Filters.from_query(request.query, "all")
    rows = await as_viewer(request, lambda s, a: service.list_cases(s, a))
    matches = (await _db(request, lambda s: matching_cases(s, filters.q))) if filters.q else None
    if default_view == "mine_or_free" and "view" not in request.query:
        rows = [r for r in rows if r["assignee"] in (None, viewer.name)]
    return filtered(rows, filters, viewer.name, matches), filters


async def inbox(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, *WORKERS)
    cases, filters = await _case_list(request, viewer)
    queues = await asyncio.to_thread(_queue_names, runtime_of(request))
    p1 = sum(1 for r in cases if r["priority"] == "P1")
    return render(request, "inbox.html", title=render_words(request)("console.inbox"),
                  cases=cases, p1=p1, me=viewer.name, filters=filters, queues=queues,
                  mine_ids=[r["number"] for r in cases if r["assignee"] == viewer.name])


async def case_view(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, *WORKERS)
    number = request.match_info["number"]
    service = agent_service(request)
    case = await as_viewer(request, lambda s, a: service.get_case(s, a, number))
    settings = runtime_of(request).settings
    queues = await asyncio.to_thread(_queue_names, runtime_of(request))
    cases, filters = await _case_list(request, viewer)
    context = await _db(request, lambda s: case_context(s, number))
    summary = case.get("summary") or {}
    name = customer_name(summary) if summary else context["customer"].get("name", "")
    customer_locale = str(case.get("locale") or context["customer"].get("language")
                          or settings.default_locale)
    return render(
        request, "case.html", title=f"{render_words(request)('console.case')} {number}",
        wide=True,
        case=case, cases=cases, filters=filters, context=context,
        summary=_summary_html(settings.templates_dir, case, viewer.locale),
        due=next_due(case), notes=[e for e in case["events"] if e["kind"] == "note"],
        history=[{**e, "text": history_text(e, render_words(request))}
                 for e in case["events"] if e["kind"] != "note"],
        suggestions=_suggestions(request, case, viewer.label, name, customer_locale),
        canned=await for_case(request, supported(customer_locale), name,
                              str(case.get("order_id") or "")),
        queues=queues, mine=case["assignee"] == viewer.name,
        is_open=case["status"] != CaseStatus.RESOLVED)


def history_text(event: dict[str, Any], agent_words: Words) -> str:
    """One history line in words, with its detail ("status: 待分派 → 处理中")."""
    data = dict(event.get("data") or {})
    sections = {"status": "status", "transferred": "", "escalated": ""}
    section = sections.get(str(event["kind"]), "")
    for key in ("before", "after"):
        if section and key in data:
            data[key] = agent_words.code(section, data[key])
    if data.get("rule"):
        data["rule"] = agent_words.code("rule", data["rule"])
    return agent_words(f"history.{event['kind']}", **data)


def render_words(request: web.Request) -> Words:
    viewer = viewer_of(request)
    return words(runtime_of(request).settings.templates_dir, viewer.locale)


async def _db(request: web.Request, work: Callable[[Session], T]) -> T:
    db = runtime_of(request).db

    def run() -> T:
        with db.session() as session:
            return work(session)

    return await asyncio.to_thread(run)


def _summary_html(templates_dir: Any, case: dict[str, Any], locale: str) -> Markup | None:
    # The summary template is rendered by the one autoescaping environment: it is safe markup.
    if not case.get("summary"):
        return None
    try:
        return Markup(summary_html(templates_dir, case["summary"], locale))
    except (TemplateError, KeyError, TypeError, AttributeError, ValueError):  # old summary
        return None


def _suggestions(request: web.Request, case: dict[str, Any], agent: str, name: str,
                 locale: str) -> list[str]:
    """The editable reply suggestions in the customer's language (no "Hello , …" when the
    name is unknown: the templates leave the name out)."""
    settings = runtime_of(request).settings
    env = environment(settings.templates_dir)
    template = f"console/agent_replies/{supported(locale)}.txt"
    if template not in env.list_templates(extensions=["txt"]):
        template = "console/agent_replies/en.txt"
    text = env.get_template(template).render(name=name.strip(), agent=agent,
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
        "reopen": lambda s, a: service.reopen(s, a, number),
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
    setup_preferences(app)
    setup_canned(app)
    app.router.add_get("/cases/{number}", case_view)
    app.router.add_get(r"/cases/{number}/evidence/{id:\d+}", evidence)
    app.router.add_post("/cases/{number}/{action}", act)
