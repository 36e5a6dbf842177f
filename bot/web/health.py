"""``/healthz`` (the process answers), ``/readyz`` (it can serve: database reachable, model
loaded; each channel's connection and the outbox backlog are reported) and ``/metrics``.

``/readyz`` is 503 when the database or the model is missing, so a load balancer stops sending
traffic; a channel that is ``retrying`` does not make it 503 (the web chat and the console still
work), it is shown so a supervisor or an alert can act on it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.channels.health import CHANNEL_HEALTH
from bot.runtime import Runtime
from bot.web.keys import RUNTIME
from bot.web.observe import Metrics, outbox_backlog

METRICS = web.AppKey("metrics", Metrics)


def setup_health(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    report: dict[str, Any] = {
        "database": await asyncio.to_thread(_database, runtime),
        "model": {"loaded": runtime.models.model is not None,
                  "trained_at": str(runtime.models.model.metadata.get("trained_at", ""))},
        "channels": {h.name: h.to_dict() for h in request.app.get(CHANNEL_HEALTH, [])},
    }
    if report["database"]["reachable"]:
        backlog, oldest = await asyncio.to_thread(outbox_backlog, runtime)
        report["outbox"] = {"backlog": backlog, "oldest_pending_seconds": oldest}
    ready = report["database"]["reachable"] and report["model"]["loaded"]
    report["status"] = "ready" if ready else "not ready"
    return web.json_response(report, status=200 if ready else 503)


def _database(runtime: Runtime) -> dict[str, Any]:
    try:
        with runtime.db.read_session() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not reachable"; say which
        return {"reachable": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"reachable": True}


async def metrics(request: web.Request) -> web.Response:
    registry = request.app[METRICS].registry
    body = await asyncio.to_thread(generate_latest, registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
