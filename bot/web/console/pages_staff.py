"""The supervisor's staff page: agents' credentials (deactivate, reset a password, rotate the
API token, sign out everywhere) and the audit log of those changes. Every change goes through
`handoff.agents.credentials`, like the CLI, with the supervisor's name as the actor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot.web.console.common import (
    PREFIX,
    not_found,
    render,
    require_role,
    runtime_of,
    see_other,
)
from handoff.agents import credentials
from handoff.store.models import Agent, AgentAuditEntry, AgentRole, AgentSession

AUDIT_ROWS = 50


def _staff(runtime: Any) -> dict[str, Any]:
    with runtime.db.session() as db:
        sessions = dict(db.execute(select(AgentSession.agent_id, func.count())
                                   .group_by(AgentSession.agent_id)).all())
        agents = [{"name": a.name, "role": str(a.role), "active": a.active,
                   "sessions": sessions.get(a.id, 0)}
                  for a in db.scalars(select(Agent).order_by(Agent.name))]
        audit = [{"at": e.at, "actor": e.actor, "action": e.action, "agent": name,
                  "detail": e.detail}
                 for e, name in db.execute(select(AgentAuditEntry, Agent.name)
                                           .join(Agent, Agent.id == AgentAuditEntry.agent_id)
                                           .order_by(AgentAuditEntry.id.desc())
                                           .limit(AUDIT_ROWS)).all()]
    return {"agents": agents, "audit": audit}


async def staff(request: web.Request) -> web.StreamResponse:
    require_role(request, AgentRole.SUPERVISOR)
    data = await asyncio.to_thread(_staff, runtime_of(request))
    return render(request, "staff.html", title="Staff", token=None, **data)


def _change(action: str, password: str) -> Callable[[Any, Agent, str, Any], Any]:
    changes: dict[str, Callable[[Any, Agent, str, Any], Any]] = {
        "deactivate": credentials.deactivate,
        "reset-password": lambda db, a, who, now: credentials.reset_password(
            db, a, password, who, now),
        "rotate-token": credentials.rotate_token,
        "sign-out-everywhere": credentials.sign_out_everywhere,
    }
    return changes[action]


async def change(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, AgentRole.SUPERVISOR)
    action = request.match_info["action"]
    form = await request.post()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    runtime = runtime_of(request)

    def run() -> Any:
        with runtime.db.session() as db:
            agent = credentials.agent_named(db, name)
            return _change(action, password)(db, agent, viewer.name, runtime.clock.now())

    try:
        result = await asyncio.to_thread(run)
    except credentials.UnknownAgent as exc:
        raise not_found(request, f"No agent named {name}.") from exc
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    if action == "rotate-token":  # shown once, on this page only (no-store)
        data = await asyncio.to_thread(_staff, runtime)
        return render(request, "staff.html", title="Staff", token={"name": name, "value": result},
                      **data)
    raise see_other(f"{PREFIX}/staff")


def setup_staff(app: web.Application) -> None:
    app.router.add_get("/staff", staff)
    app.router.add_post(r"/staff/{action:deactivate|reset-password|rotate-token|sign-out-everywhere}",
                        change)
