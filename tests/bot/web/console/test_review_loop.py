"""The trainer's review loop without a browser: queue, relabel, CLI export/import, retrain."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.review.jobs import JobState, Retrainer
from bot.review.labels import LabelError
from bot.review.service import ReviewDesk
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from nlu import load_examples, load_model


def test_low_confidence_and_not_understood_messages_wait_for_review(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    unsure = customer_turns("is the thingy coming", "order_status", 0.41, clock.now())
    lost = customer_turns("zorblax quux", "out_of_scope", 0.9, clock.now())
    customer_turns("where is my order", "order_status", 0.95, clock.now())
    desk = ReviewDesk(review_settings, sqlite_db, clock)
    assert [i.message_id for i in desk.pending()] == [lost, unsure]


def test_a_relabel_becomes_a_training_example_and_leaves_the_queue(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    message = customer_turns("zorblax quux: my parcel", "out_of_scope", 0.3, clock.now())
    desk = ReviewDesk(review_settings, sqlite_db, clock)
    desk.relabel(message, "order_status", by="tina")
    desk.relabel(message, "shipping_damage", by="tina")  # changed her mind: replaces, not adds
    reviewed = load_examples([review_settings.training_data_dir / "nlu" / "reviewed.yml"])
    assert [(e.text, e.intent) for e in reviewed] == [
        ("zorblax quux: my parcel", "shipping_damage")]
    assert desk.pending() == []


def test_an_unknown_intent_is_refused(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    message = customer_turns("hm", "out_of_scope", 0.3, clock.now())
    with pytest.raises(LabelError, match="unknown intent"):
        ReviewDesk(review_settings, sqlite_db, clock).relabel(message, "make_coffee", by="tina")


def _run(settings: Settings, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def test_cli_export_then_import_applies_the_filled_in_intents(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any,
    tmp_path: Path,
) -> None:
    first = customer_turns("=cmd|' /C calc'!A0 parcel?", "out_of_scope", 0.2, clock.now())
    second = customer_turns("asdfgh", "out_of_scope", 0.2, clock.now())
    exported = tmp_path / "review.csv"
    result = _run(review_settings, "nlu", "review", "--export", str(exported))
    assert result.exit_code == 0 and "2 messages" in result.output
    with exported.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[1]["text"].startswith("'=cmd")  # no formula runs when a trainer opens the file
    labels = {str(first): "order_status", str(second): "-"}
    with exported.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "intent": labels[row["message_id"]]} for row in rows)
    result = _run(review_settings, "nlu", "review", "--import", str(exported), "--by", "tina")
    assert result.exit_code == 0 and "1 labelled, 1 dismissed" in result.output
    reviewed = load_examples([review_settings.training_data_dir / "nlu" / "reviewed.yml"])
    assert [(e.text, e.intent) for e in reviewed] == [
        ("=cmd|' /C calc'!A0 parcel?", "order_status")]


def test_cli_import_with_a_bad_row_applies_nothing(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any,
    tmp_path: Path,
) -> None:
    good = customer_turns("blorp", "out_of_scope", 0.2, clock.now())
    bad = tmp_path / "bad.csv"
    bad.write_text(f"message_id,text,intent\n{good},blorp,greet\n99,x,make_coffee\n",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["nlu", "review", "--import", str(bad)], obj=review_settings)
    assert result.exit_code != 0 and "line 3: unknown intent 'make_coffee'" in result.output
    assert not (review_settings.training_data_dir / "nlu" / "reviewed.yml").exists()


class _Slot:
    def __init__(self) -> None:
        self.models: list[Any] = []

    @property
    def model(self) -> Any:
        return self.models[-1]

    def swap(self, model: Any) -> None:
        self.models.append(model)


async def test_retrain_evaluates_against_the_current_model_and_deploy_swaps_it(
    review_settings: Settings, sqlite_db: Database, clock: ManualClock, customer_turns: Any
) -> None:
    text = "zorblax quux frobnicate my parcel"
    message = customer_turns(text, "out_of_scope", 0.3, clock.now())
    ReviewDesk(review_settings, sqlite_db, clock).relabel(message, "order_status", by="tina")
    retrainer = Retrainer(review_settings.training_data_dir, review_settings.nlu_model_path,
                          review_settings.var_dir / "nlu_review")
    retrainer.start()
    status = await retrainer.wait()
    assert status.state is JobState.READY, status.message
    assert status.report is not None and status.report["reviewed"]["candidate"]["accuracy"] == 1.0
    assert status.report["reviewed"]["current"] is None  # no model was in use yet
    slot = _Slot()
    await retrainer.deploy(slot)
    assert slot.models[0].parse(text)["intent"]["name"] == "order_status"
    in_service = load_model(review_settings.nlu_model_path)
    assert in_service.parse(text)["intent"]["name"] == "order_status"
