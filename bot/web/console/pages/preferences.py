"""The header's switches: the agent's language and availability (stored on the agent)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web
from sqlalchemy.orm import Session

from bot.web.console.common import PREFIX, runtime_of, see_other, viewer_of
from handoff.agents.preferences import PreferenceError, set_availability, set_locale


async def language(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    return await _save(request, lambda s, agent_id: set_locale(
        s, agent_id, str(form.get("locale", ""))), str(form.get("next", "")))


async def availability(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    return await _save(request, lambda s, agent_id: set_availability(
        s, agent_id, str(form.get("availability", ""))), str(form.get("next", "")))


async def _save(request: web.Request, change: Callable[[Session, int], None],
                target: str) -> web.StreamResponse:
    viewer = viewer_of(request)
    runtime = runtime_of(request)

    def run() -> None:
        with runtime.db.session() as session:
            change(session, viewer.id)

    try:
        await asyncio.to_thread(run)
    except PreferenceError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    # Only a path inside the console: never an open redirect.
    safe = target if target.startswith(f"{PREFIX}/") and "//" not in target else f"{PREFIX}/"
    raise see_other(safe)


def setup_preferences(app: web.Application) -> None:
    app.router.add_post("/me/language", language)
    app.router.add_post("/me/availability", availability)
