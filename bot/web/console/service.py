"""Glue between console pages and `handoff.agents.service`: one service per app, typed errors
turned into pages (403, 404, 409, 400), calls run in a thread inside one store transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.web.console.common import (
    forbidden,
    not_found,
    render,
    runtime_of,
    viewer_of,
)
from handoff.agents.service import (
    AgentApiError,
    AgentService,
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
)
from handoff.store.models import Agent

T = TypeVar("T")
AGENT_SERVICE = web.AppKey("console_agent_service", AgentService)


def agent_service(request: web.Request) -> AgentService:
    return request.app[AGENT_SERVICE]


async def as_viewer(request: web.Request, call: Callable[[Session, Agent], T]) -> T:
    """Run ``call(session, agent)`` for the signed-in agent in one transaction (in a thread);
    the service's typed errors become error pages."""
    viewer = viewer_of(request)
    database = runtime_of(request).db

    def work() -> T:
        with database.session() as session:
            agent = session.get(Agent, viewer.id)
            if agent is None:
                raise Unauthorized("your agent account no longer exists")
            return call(session, agent)

    try:
        return await asyncio.to_thread(work)
    except AgentApiError as exc:
        raise error_page(request, exc) from exc


def error_page(request: web.Request, exc: AgentApiError) -> web.HTTPException:
    message = str(exc)
    if isinstance(exc, Forbidden):
        return forbidden(request, message)
    if isinstance(exc, NotFound):
        return not_found(request, message)
    if isinstance(exc, Unauthorized):
        return web.HTTPFound("/console/signin")
    status = 409 if isinstance(exc, Conflict) else 400
    page = render(request, "error.html", status=status,
                  title="Conflict" if status == 409 else "Not accepted", message=message)
    cls: Any = web.HTTPConflict if status == 409 else web.HTTPBadRequest
    return cls(text=page.text, content_type="text/html")
