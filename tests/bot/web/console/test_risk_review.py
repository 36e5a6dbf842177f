"""Risk hits beside the intent review: a trainer sees each hit (category, score, span, source)
and relabels it; the relabel lands in training_data/risk/reviewed_<label>.yml."""

from __future__ import annotations

from typing import Any

import pytest

from bot.review.labels import LabelError
from bot.review.risk import RiskReview
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Message
from nlu.risk.data import load_risk_examples
from tests.bot.web.console.helpers import PASSWORD, client, csrf_token, sign_in

HIT = {"word": "我在法院上班", "category": "legal", "start": 0, "end": 6, "span": "我在法院上班",
       "score": 0.41, "source": "model"}


def _with_hits(db: Database, message_id: int, hits: list[dict[str, Any]]) -> None:
    with db.session() as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.nlu = {**(message.nlu or {}), "sensitive": hits, "language": "zh-Hans"}


def _review(settings: Settings) -> RiskReview:
    return RiskReview(settings.training_data_dir / "risk", settings.var_dir / "nlu_review")


def test_a_trainer_sees_only_messages_with_risk_hits(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    flagged = customer_turns("我在法院上班，只想问物流", "order_status", 0.9, clock.now())
    customer_turns("where is my order", "order_status", 0.95, clock.now())
    _with_hits(sqlite_db, flagged, [HIT])
    with sqlite_db.session() as session:
        items = _review(review_settings).pending(session)
    assert [(i.message_id, i.hits[0]["span"], i.hits[0]["source"]) for i in items] == [
        (flagged, "我在法院上班", "model")]


def test_a_false_alarm_relabelled_none_becomes_a_hard_negative_and_leaves_the_list(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    flagged = customer_turns("我在法院上班，只想问物流", "order_status", 0.9, clock.now())
    _with_hits(sqlite_db, flagged, [HIT])
    review = _review(review_settings)
    with sqlite_db.session() as session:
        review.relabel(session, flagged, "none", by="tina")
        assert review.pending(session) == []
    examples = load_risk_examples(review_settings.training_data_dir / "risk")
    relabelled = [e for e in examples if e.source == "reviewed_none.yml"]
    assert [(e.text, e.label, e.locale) for e in relabelled] == [
        ("我在法院上班，只想问物流", "none", "zh-Hans")]


def test_an_unknown_risk_label_is_refused(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    flagged = customer_turns("you'll hear from us", "out_of_scope", 0.4, clock.now())
    with sqlite_db.session() as session, pytest.raises(LabelError, match="unknown risk label"):
        _review(review_settings).relabel(session, flagged, "gossip", by="tina")


async def test_a_trainer_relabels_a_risk_hit_on_the_page_and_an_agent_cannot_open_it(
    console: str, review_settings: Settings, sqlite_db: Database, clock: ManualClock,
    customer_turns: Any,
) -> None:
    flagged = customer_turns("<b>我在法院上班</b>，只想问物流", "order_status", 0.9, clock.now())
    _with_hits(sqlite_db, flagged, [HIT])
    async with client() as http:
        await sign_in(http, console, "tina", PASSWORD)
        async with http.get(f"{console}/console/training/risk") as page:
            html = await page.text()
        assert page.status == 200 and "&lt;b&gt;我在法院上班" in html and "<b>" not in html
        assert 'data-risk-category="legal"' in html and "0.41" in html and "model" in html
        form = {"message_id": str(flagged), "label": "none", "csrf_token": csrf_token(html)}
        async with http.post(f"{console}/console/training/risk/relabel", data=form) as done:
            assert done.status == 200 and "Label saved" in await done.text()
        bad = {**form, "label": "gossip"}
        async with http.post(f"{console}/console/training/risk/relabel", data=bad) as refused:
            assert refused.status == 400
    reviewed = review_settings.training_data_dir / "risk" / "reviewed_none.yml"
    assert "我在法院上班" in reviewed.read_text(encoding="utf-8")
    async with client() as http:
        await sign_in(http, console, "amy", PASSWORD)
        async with http.get(f"{console}/console/training/risk") as response:
            assert response.status == 403
