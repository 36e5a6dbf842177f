"""Risk hits for trainers: the recent customer messages the risk detection fired on, and their
relabels, appended to ``training_data/risk/reviewed_<label>.yml`` for the next retrain.
Reviewed message ids are kept in the review work folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.review.labels import LabelError
from bot.review.queue import SCAN_LIMIT
from handoff.store.models import Author, Direction, Message
from nlu.risk.data import LABELS, append_review


@dataclass(frozen=True)
class RiskItem:
    """A message with its risk hits (category, score, span, source per hit)."""

    message_id: int
    text: str
    language: str
    hits: tuple[dict[str, Any], ...]
    intent: str


class RiskReview:
    """List risk hits not yet reviewed; record a trainer's label for one."""

    labels = LABELS

    def __init__(self, risk_dir: Path, work_dir: Path) -> None:
        self.risk_dir, self.work_dir = risk_dir, work_dir

    @property
    def _reviewed_file(self) -> Path:
        return self.work_dir / "risk_reviewed.txt"

    def reviewed_ids(self) -> set[int]:
        if not self._reviewed_file.exists():
            return set()
        return {int(x) for x in self._reviewed_file.read_text().split() if x.isdigit()}

    def pending(self, session: Session, limit: int = 50) -> list[RiskItem]:
        rows = session.scalars(
            select(Message).where(Message.direction == Direction.INBOUND,
                                  Message.author == Author.CUSTOMER, Message.nlu.is_not(None))
            .order_by(Message.id.desc()).limit(SCAN_LIMIT)).all()
        reviewed, items = self.reviewed_ids(), []
        for m in rows:
            nlu = m.nlu or {}
            hits = nlu.get("sensitive") or []
            if hits and m.id not in reviewed:
                items.append(RiskItem(m.id, m.text, str(nlu.get("language") or ""),
                                      tuple(hits), str((nlu.get("intent") or {}).get("name"))))
            if len(items) >= limit:
                break
        return items

    def relabel(self, session: Session, message_id: int, label: str, by: str) -> Path:
        """Append the message under ``label`` (a category or ``none``) and mark it reviewed."""
        if label not in LABELS:
            raise LabelError(f"unknown risk label {label!r}")
        message = session.get(Message, message_id)
        if message is None:
            raise LabelError(f"message {message_id} does not exist")
        language = str((message.nlu or {}).get("language") or "")
        path = append_review(self.risk_dir, message.text, label, language, by)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with self._reviewed_file.open("a", encoding="utf-8") as fh:
            fh.write(f"{message_id}\n")
        return path
