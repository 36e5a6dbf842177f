"""The review loop as one service over the store, the training data and the var folder.

The console's training page and ``aftersales nlu review`` both call this; neither holds logic.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import select

from bot.review.labels import LabelError, Relabel, ReviewStore
from bot.review.queue import ReviewItem, pending_items
from handoff.config.settings import Settings
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import Message
from nlu import load_config, load_examples

EXPORT_COLUMNS = ("message_id", "text", "predicted", "confidence", "language", "intent")
DISMISS = "-"  # in an import file: "not a training example" (noise, spam)
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class ImportResult:
    labelled: int
    dismissed: int


class ReviewDesk:
    """List, relabel, export and import the messages the model misunderstood."""

    def __init__(self, settings: Settings, db: Database, clock: Clock) -> None:
        self.settings, self.db, self.clock = settings, db, clock
        self.store = ReviewStore(settings.training_data_dir / "nlu", self.work_dir)

    @property
    def work_dir(self) -> Path:
        return self.settings.var_dir / "nlu_review"

    @cached_property
    def fallback_intent(self) -> str:
        config = self.settings.training_data_dir / "nlu_config.yml"
        return load_config(config if config.exists() else None).fallback.intent

    @cached_property
    def intents(self) -> tuple[str, ...]:
        """The intent taxonomy, as the training data defines it."""
        examples = load_examples([self.settings.training_data_dir / "nlu"])
        return tuple(sorted({e.intent for e in examples} | {self.fallback_intent}))

    def pending(self, limit: int = 100) -> list[ReviewItem]:
        with self.db.session() as session:
            return pending_items(
                session, threshold=self.settings.low_confidence_review_threshold,
                fallback_intent=self.fallback_intent, reviewed=self.store.reviewed_ids(),
                limit=limit)

    def relabel(self, message_id: int, intent: str | None, by: str) -> None:
        """Label a stored message with ``intent`` (None dismisses it)."""
        with self.db.session() as session:
            text = session.scalar(select(Message.text).where(Message.id == message_id))
        if text is None:
            raise LabelError(f"message {message_id} does not exist")
        relabel = Relabel(message_id, text, intent, by, self.clock.now())
        self.store.record(relabel, set(self.intents))

    def export_csv(self, path: Path, limit: int = 1000) -> int:
        """Write the pending messages with an empty ``intent`` column to fill in."""
        items = self.pending(limit)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            for item in items:
                writer.writerow([item.message_id, _cell(item.text), item.predicted,
                                 f"{item.confidence:.3f}", item.language, ""])
        return len(items)

    def import_csv(self, path: Path, by: str) -> ImportResult:
        """Apply a filled-in export; any bad row rejects the whole file (nothing half-applied)."""
        decisions = self._read_decisions(path)
        for message_id, intent in decisions:
            self.relabel(message_id, intent, by)
        dismissed = sum(1 for _, intent in decisions if intent is None)
        return ImportResult(len(decisions) - dismissed, dismissed)

    def _read_decisions(self, path: Path) -> list[tuple[int, str | None]]:
        decisions: list[tuple[int, str | None]] = []
        problems: list[str] = []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                intent = (row.get("intent") or "").strip()
                if not intent:
                    continue
                if not (row.get("message_id") or "").strip().isdigit():
                    problems.append(f"line {line}: message_id is not a number")
                elif intent != DISMISS and intent not in self.intents:
                    problems.append(f"line {line}: unknown intent {intent!r}")
                else:
                    label = None if intent == DISMISS else intent
                    decisions.append((int(row["message_id"]), label))
        if problems:
            raise LabelError(f"{path}: " + "; ".join(problems))
        return decisions


def _cell(text: str) -> str:
    # A leading = + - @ makes spreadsheets run the cell as a formula (CSV injection).
    return f"'{text}" if text.startswith(_FORMULA_START) else text
