"""Runs conversation tests against the engine, each on a fresh SQLite store with the demo orders
dated relative to the conversation's day, on a clock that only moves when a turn says ``wait``.

The engine is called directly (`Bot.handle`, as every channel does); what a turn "said" is every
outbound message stored since the previous turn, so the sweeper's and the desk's messages count
too. After a ``wait`` the sweeper runs once, as the app's background job would.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations.checks import TurnView, failures
from bot.conversations.script import Conversation, Turn
from bot.demo import load_demo_orders
from bot.engine.bot import Bot
from bot.messages import Attachment, AttachmentKind, InboundMessage
from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.migrate import upgrade
from handoff.store.models import Case, Direction, Message
from handoff.store.models import Conversation as ConversationRow

# A Thursday morning in shop time: inside business hours, so handoff replies are stable.
DEFAULT_START = datetime(2026, 11, 5, 10, 0)


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    transcript: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


class ConversationRunner:
    """Runs conversations in ``workdir`` with the shop's settings and one loaded model."""

    def __init__(self, settings: Settings, models: ModelHolder, workdir: Path) -> None:
        self._settings = settings
        self._models = models
        self._workdir = workdir
        self._template = workdir / "template.db"
        workdir.mkdir(parents=True, exist_ok=True)
        database = Database(f"sqlite:///{self._template}")
        upgrade(database)
        assert settings.queues_file is not None
        with database.session() as session:
            sync_queues(session, load_queues(settings.queues_file))
        database.dispose()

    def run(self, conversation: Conversation, number: int = 0) -> Outcome:
        path = self._workdir / f"conversation-{number}.db"
        shutil.copy(self._template, path)
        runtime = self._runtime(path, conversation)
        try:
            return _Session(runtime, conversation).play()
        finally:
            runtime.db.dispose()
            path.unlink(missing_ok=True)

    def _runtime(self, path: Path, conversation: Conversation) -> Runtime:
        settings = self._settings.model_copy(update={"database_url": f"sqlite:///{path}"})
        zone = ZoneInfo(settings.timezone)
        start = (conversation.at or DEFAULT_START).replace(tzinfo=zone)
        clock = ManualClock(start.astimezone(UTC))
        runtime = build_runtime(settings, clock, models=self._models)
        with runtime.db.session() as session:
            load_demo_orders(session, settings, start.date())
        return runtime


class _Session:
    """One conversation being played: the customer, the clock, what was said so far."""

    def __init__(self, runtime: Runtime, conversation: Conversation) -> None:
        self.runtime, self.conversation = runtime, conversation
        self.engine = Bot(runtime)
        self.user = f"conversation-{abs(hash(conversation.source)) % 10**8}"
        self.seen = 0
        self.transcript: list[str] = []
        self.problems: list[str] = []

    def play(self) -> Outcome:
        previous: tuple[str, ...] = ()
        for index, turn in enumerate(self.conversation.turns, 1):
            said = self._step(index, turn)
            view = self._view(said)
            for problem in failures(turn.expect, view, previous, self.conversation.locale):
                self.problems.append(f"turn {index}: {problem}")
            previous = said or previous
        return Outcome(self.conversation, tuple(self.transcript), tuple(self.problems))

    def _step(self, index: int, turn: Turn) -> tuple[str, ...]:
        if turn.wait is not None:
            assert isinstance(self.runtime.clock, ManualClock)
            self.runtime.clock.advance(turn.wait)
            self.transcript.append(f"… {turn.wait} later")
            with self.runtime.db.session() as session:
                self.runtime.sweeper.sweep(session)
        else:
            self.transcript.append(_customer_line(turn))
            self.engine.handle(self._message(index, turn))
        said = self._said_since()
        self.transcript += [f"bot: {text}" for text in said]
        return said

    def _message(self, index: int, turn: Turn) -> InboundMessage:
        photos = (Attachment(AttachmentKind.IMAGE, "image/png", _png(), "photo.png"),) \
            if turn.photo is not None else ()
        return InboundMessage(self.conversation.channel, self.user, turn.text, photos,
                              update_id=str(index), language_hint=self.conversation.language_hint)

    def _said_since(self) -> tuple[str, ...]:
        with self.runtime.db.session() as session:
            rows = session.scalars(select(Message).where(
                Message.direction == Direction.OUTBOUND, Message.id > self.seen,
                Message.conversation_id.in_(select(ConversationRow.id).where(
                    ConversationRow.channel == self.conversation.channel)),
            ).order_by(Message.id)).all()
            self.seen = max([self.seen, *(r.id for r in rows)])
            return tuple(r.text for r in rows)

    def _view(self, said: tuple[str, ...]) -> TurnView:
        with self.runtime.db.session() as session:
            row = session.scalars(select(ConversationRow)).first()
            if row is None:
                return TurnView(said, "bot", None, {})
            case = session.get(Case, row.case_id) if row.case_id else None
            open_case = case if case is not None and case.status.is_open else None
            state = row.state or {}
            return TurnView(said, row.mode.value, row.locale,
                            {**(state.get("slots") or {}), "flow": state.get("flow")},
                            open_case.queue if open_case else None,
                            open_case.priority.value if open_case else None,
                            _faq_entry(session, row.id),
                            open_case.rule if open_case else None, _offers(state))


def _faq_entry(session: Session, conversation_id: int) -> str | None:
    """The FAQ entry that answered the latest customer message ("generic": the intent's
    generic answer; None: no FAQ answer)."""
    nlu = session.scalars(select(Message.nlu).where(
        Message.conversation_id == conversation_id, Message.direction == Direction.INBOUND,
    ).order_by(Message.id.desc()).limit(1)).first() or {}
    if "faq_entry" not in nlu:
        return None
    return str(nlu["faq_entry"] or "generic")


def _offers(state: dict[str, Any]) -> tuple[str, ...]:
    extra = (state.get("findings") or {}).get("extra") or {}
    return tuple(" ".join(str(o[k]) for k in ("kind", "amount", "currency") if o.get(k))
                 for o in extra.get("offers") or ())


def _customer_line(turn: Turn) -> str:
    if turn.photo is not None:
        caption = f" “{turn.text}”" if turn.text else ""
        return f"customer: [photo: {turn.photo}]{caption}"
    return f"customer: {turn.text}"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(buffer, format="PNG")
    return buffer.getvalue()
