"""The agent REST API: a thin aiohttp adapter over `handoff.agents.service.AgentService`.

Routes (all JSON, ``Authorization: Bearer <token>`` from ``aftersales agents add``):
  GET  /api/cases?queue=&status=&assignee=me|none|NAME      GET /api/cases/{number}
       (the case carries ``summary``, the facts as JSON, and ``summary_text``, the same summary
       as plain sentences in the calling agent's language)
  POST /api/cases/{number}/claim | /messages {"text"} | /notes {"text"} | /transfer {"queue"}
       | /resolve | /reopen | /handback | /assign {"agent"} (supervisors)
  POST /api/me/availability {"availability": "online"|"away"|"offline"}  (auto-assignment
       gives cases only to online agents; the console sets it on sign-in and sign-out)
  GET  /api/reports?since=&until=   (ISO dates or instants; supervisors)
Service errors map to 400/401/403/404/409 with ``{"error": message}``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.orm import Session

from bot.http.errors import ApiError
from bot.http.payloads import read_json
from bot.runtime import Runtime
from handoff.agents.preferences import PreferenceError, set_availability
from handoff.agents.reports import build_report
from handoff.agents.service import AgentApiError, AgentService, BadRequest, Forbidden
from handoff.config.paths import default_templates_dir
from handoff.desk.summary import summary_text
from handoff.store.db import Database
from handoff.store.models.enums import AgentRole
from handoff.store.models.people import Agent

log = logging.getLogger(__name__)
T = TypeVar("T")
DB = web.AppKey("agent_api_db", Database)
SERVICE = web.AppKey("agent_api_service", AgentService)
ZONE = web.AppKey("agent_api_zone", ZoneInfo)
TEMPLATES = web.AppKey("agent_api_templates", Path)


def setup_agent_api(app: web.Application, runtime: Runtime) -> None:
    """Mount the agent API on the app, over the runtime's agent service."""
    add_agent_routes(app, runtime.db, runtime.agents, runtime.settings.timezone,
                     runtime.settings.templates_dir)


def add_agent_routes(app: web.Application, db: Database, service: AgentService,
                     timezone: str, templates_dir: Path | None = None) -> None:
    app[DB], app[SERVICE], app[ZONE] = db, service, ZoneInfo(timezone)
    app[TEMPLATES] = templates_dir or default_templates_dir()
    app.router.add_get("/api/cases", list_cases)
    app.router.add_get("/api/cases/{number}", get_case)
    for action in ("claim", "messages", "notes", "transfer", "resolve", "reopen", "handback",
                   "assign"):
        app.router.add_post(f"/api/cases/{{number}}/{action}", case_action)
    app.router.add_get("/api/reports", reports)
    app.router.add_post("/api/me/availability", availability)


async def _call(request: web.Request, work: Callable[[Session, Agent], T]) -> T:
    """Authenticate and run ``work`` in one transaction on a worker thread."""
    token = _bearer(request)
    db, service = request.app[DB], request.app[SERVICE]

    def run() -> T:
        with db.session() as session:
            return work(session, service.authenticate(session, token))

    try:
        return await asyncio.to_thread(run)
    except AgentApiError as exc:
        raise ApiError(exc.status, str(exc)) from exc


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def list_cases(request: web.Request) -> web.Response:
    service, q = request.app[SERVICE], request.query
    rows = await _call(request, lambda s, a: service.list_cases(
        s, a, queue=q.get("queue"), status=q.get("status"), assignee=q.get("assignee")))
    return web.json_response({"cases": rows})


async def get_case(request: web.Request) -> web.Response:
    service, number = request.app[SERVICE], request.match_info["number"]
    templates = request.app[TEMPLATES]

    def detail(session: Session, agent: Agent) -> dict[str, Any]:
        case = service.get_case(session, agent, number)
        summary = case.get("summary")
        case["summary_text"] = (summary_text(templates, summary, agent.locale)
                                if summary else None)
        return case

    return web.json_response(await _call(request, detail))


async def case_action(request: web.Request) -> web.Response:
    action = request.path.rsplit("/", 1)[-1]
    number = request.match_info["number"]
    body = await read_json(request) if request.can_read_body else {}
    service = request.app[SERVICE]
    calls: dict[str, Callable[[Session, Agent], Any]] = {
        "claim": lambda s, a: service.claim(s, a, number),
        "messages": lambda s, a: service.reply(s, a, number, body.get("text")),
        "notes": lambda s, a: service.note(s, a, number, body.get("text")),
        "transfer": lambda s, a: service.transfer(s, a, number, str(body.get("queue") or "")),
        "resolve": lambda s, a: service.resolve(s, a, number),
        "reopen": lambda s, a: service.reopen(s, a, number),
        "handback": lambda s, a: service.handback(s, a, number),
        "assign": lambda s, a: service.assign(s, a, number, str(body.get("agent") or "")),
    }
    return web.json_response(await _call(request, calls[action]))


async def availability(request: web.Request) -> web.Response:
    body = await read_json(request)
    wanted = str(body.get("availability") or "")

    def change(session: Session, agent: Agent) -> dict[str, Any]:
        try:
            set_availability(session, agent.id, wanted)
        except PreferenceError as exc:
            raise BadRequest(str(exc)) from exc
        return {"agent": agent.name, "availability": wanted}

    return web.json_response(await _call(request, change))


async def reports(request: web.Request) -> web.Response:
    zone = request.app[ZONE]
    until = _instant(request.query.get("until"), zone, default=datetime.now(zone))
    since = _instant(request.query.get("since"), zone, default=until - timedelta(days=7))

    def report(session: Session, agent: Agent) -> dict[str, Any]:
        if agent.role is not AgentRole.SUPERVISOR:
            raise Forbidden("reports are for supervisors")
        return build_report(session, since, until).to_dict()

    return web.json_response(await _call(request, report))


def _instant(raw: str | None, zone: ZoneInfo, default: datetime) -> datetime:
    if not raw:
        return default
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ApiError(400, f"not an ISO date: {raw!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=zone)
