"""The training page: review misunderstood messages, relabel, retrain, deploy, try a sentence.

Thin adapter over `bot.review` (ReviewDesk, Retrainer); the page only reads forms and renders.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.review.jobs import JobBusy, JobState
from bot.review.labels import LabelError
from bot.review.service import DISMISS, ReviewDesk
from bot.web.console.common import (
    PREFIX,
    RETRAINER,
    render,
    require_role,
    runtime_of,
    see_other,
)
from bot.workers.models import record_deployment
from handoff.store.models import AgentRole

TRAINERS = (AgentRole.TRAINER, AgentRole.SUPERVISOR)
PAGE = f"{PREFIX}/training"


def _desk(request: web.Request) -> ReviewDesk:
    runtime = runtime_of(request)
    return ReviewDesk(runtime.settings, runtime.db, runtime.clock)


async def training(request: web.Request) -> web.StreamResponse:
    require_role(request, *TRAINERS)
    desk = _desk(request)
    sample = request.query.get("try", "").strip()
    parsed = runtime_of(request).models.model.parse(sample) if sample else None
    return render(request, "training.html", title="Training", items=desk.pending(),
                  intents=desk.intents, dismiss=DISMISS, job=request.app[RETRAINER].status,
                  states=JobState, sample=sample, parsed=parsed,
                  notice=request.query.get("notice", ""))


async def relabel(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, *TRAINERS)
    form = await request.post()
    intent = str(form.get("intent", ""))
    try:
        message_id = int(str(form.get("message_id", "")))
        _desk(request).relabel(message_id, None if intent == DISMISS else intent, viewer.name)
    except (ValueError, LabelError) as exc:
        raise web.HTTPBadRequest(text=f"Cannot relabel: {exc}") from exc
    raise see_other(f"{PAGE}?notice=saved")


async def retrain(request: web.Request) -> web.StreamResponse:
    require_role(request, *TRAINERS)
    try:
        request.app[RETRAINER].start()
    except JobBusy:
        raise see_other(f"{PAGE}?notice=busy") from None
    raise see_other(PAGE)


async def deploy(request: web.Request) -> web.StreamResponse:
    require_role(request, *TRAINERS)
    runtime = runtime_of(request)
    try:
        await request.app[RETRAINER].deploy(runtime.models)
    except JobBusy as exc:
        raise web.HTTPConflict(text=str(exc)) from exc
    # Recorded for the other workers, which swap to it within AFTERSALES_MODEL_FOLLOW_SECONDS.
    await asyncio.to_thread(record_deployment, runtime.db, runtime.settings.nlu_model_path,
                            runtime.clock.now())
    raise see_other(f"{PAGE}?notice=deployed")


def setup_trainer(app: web.Application) -> None:
    app.router.add_get("/training", training)
    app.router.add_post("/training/relabel", relabel)
    app.router.add_post("/training/retrain", retrain)
    app.router.add_post("/training/deploy", deploy)
