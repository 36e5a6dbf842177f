"""Canned replies: supervisors manage them per locale (``/shortcut`` → text); agents get them,
filled in for the case, in the reply box (see case.html and static/console.js)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.web.console.common import PREFIX, render, require_role, runtime_of, see_other
from handoff.agents.canned import (
    Canned,
    CannedReplyError,
    delete_canned,
    filled,
    list_canned,
    save_canned,
)
from handoff.store.models import AgentRole

T = TypeVar("T")


async def canned_page(request: web.Request, error: str = "", status: int = 200
                      ) -> web.Response:
    require_role(request, AgentRole.SUPERVISOR)
    rows = await _run(request, lambda s: list_canned(s))
    return render(request, "canned.html", status=status, title="Canned replies", rows=rows,
                  error=error)


async def save(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, AgentRole.SUPERVISOR)
    form = await request.post()
    now = runtime_of(request).clock.now()
    try:
        await _run(request, lambda s: save_canned(
            s, str(form.get("locale", "")), str(form.get("shortcut", "")),
            str(form.get("text", "")), viewer.name, now))
    except CannedReplyError as exc:
        return await canned_page(request, error=str(exc), status=400)
    raise see_other(f"{PREFIX}/canned")


async def delete(request: web.Request) -> web.StreamResponse:
    require_role(request, AgentRole.SUPERVISOR)
    canned_id = int(request.match_info["id"])
    await _run(request, lambda s: delete_canned(s, canned_id))
    raise see_other(f"{PREFIX}/canned")


async def for_case(request: web.Request, locale: str, name: str,
                   order: str) -> list[dict[str, Any]]:
    """The replies of ``locale`` with the case's name and order filled in (reply box)."""
    rows: list[Canned] = await _run(request, lambda s: list_canned(s, locale))
    return [{"shortcut": r.shortcut, "text": filled(r.text, name=name, order=order)}
            for r in rows]


async def _run(request: web.Request, work: Callable[[Session], T]) -> T:
    db = runtime_of(request).db

    def run() -> T:
        with db.session() as session:
            return work(session)

    return await asyncio.to_thread(run)


def setup_canned(app: web.Application) -> None:
    app.router.add_get("/canned", canned_page)
    app.router.add_post("/canned", save)
    app.router.add_post(r"/canned/{id:\d+}/delete", delete)
