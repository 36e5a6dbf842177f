"""The risk review page beside the intent review: messages the risk detection fired on, with
category, score, span and source; a trainer confirms or relabels each (``bot.review.risk``)."""

from __future__ import annotations

from aiohttp import web

from bot.review.labels import LabelError
from bot.review.risk import RiskReview
from bot.web.console.common import PREFIX, render, require_role, runtime_of, see_other
from bot.web.console.pages_trainer import TRAINERS

PAGE = f"{PREFIX}/training/risk"


def _review(request: web.Request) -> RiskReview:
    settings = runtime_of(request).settings
    return RiskReview(settings.training_data_dir / "risk", settings.var_dir / "nlu_review")


async def risk_page(request: web.Request) -> web.StreamResponse:
    require_role(request, *TRAINERS)
    review = _review(request)
    with runtime_of(request).db.session() as session:
        items = review.pending(session)
    return render(request, "risk_review.html", title="Risk hits", items=items,
                  labels=review.labels, notice=request.query.get("notice", ""))


async def risk_relabel(request: web.Request) -> web.StreamResponse:
    viewer = require_role(request, *TRAINERS)
    form = await request.post()
    try:
        message_id = int(str(form.get("message_id", "")))
        with runtime_of(request).db.session() as session:
            _review(request).relabel(session, message_id, str(form.get("label", "")), viewer.name)
    except (ValueError, LabelError) as exc:
        raise web.HTTPBadRequest(text=f"Cannot relabel: {exc}") from exc
    raise see_other(f"{PAGE}?notice=saved")


def setup_risk_review(app: web.Application) -> None:
    app.router.add_get("/training/risk", risk_page)
    app.router.add_post("/training/risk/relabel", risk_relabel)
