"""The supervisor's webhook deliveries page: each delivery's endpoint, event, case, status,
attempts and last error, with "send again" (kept apart from the other console pages so the
console can be reworked around it)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.web.console.common import PREFIX, not_found, render, require_role, runtime_of, see_other
from handoff.integrations.webhooks.deliveries import recent_deliveries, send_again
from handoff.store.models import AgentRole


def _deliveries(runtime: Any) -> list[Any]:
    with runtime.db.session() as db:
        return list(recent_deliveries(db))


async def webhooks(request: web.Request) -> web.StreamResponse:
    require_role(request, AgentRole.SUPERVISOR)
    deliveries = await asyncio.to_thread(_deliveries, runtime_of(request))
    return render(request, "webhooks.html", title="Webhooks", deliveries=deliveries)


async def resend(request: web.Request) -> web.StreamResponse:
    require_role(request, AgentRole.SUPERVISOR)
    runtime = runtime_of(request)
    delivery_id = int(request.match_info["id"])

    def run() -> bool:
        with runtime.db.session() as db:
            return send_again(db, delivery_id, runtime.clock.now())

    if not await asyncio.to_thread(run):
        raise not_found(request, f"No webhook delivery {delivery_id}.")
    raise see_other(f"{PREFIX}/webhooks")


def setup_webhooks(app: web.Application) -> None:
    app.router.add_get("/webhooks", webhooks)
    app.router.add_post(r"/webhooks/{id:\d{1,18}}/send-again", resend)
