"""The turn an action runs in: the engine's open transaction, or — under the standalone action
server — a transaction of its own on the conversation named by the tracker's ``sender_id``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from bot.runtime import Runtime, current
from handoff.ports import TurnFacts
from handoff.store.conversations import open_conversation
from handoff.store.models import Conversation, Customer, Message

ACTION_SERVER_CHANNEL = "rasa"


@dataclass(frozen=True)
class Turn:
    runtime: Runtime
    session: Session
    customer: Customer
    conversation: Conversation
    message: Message | None
    facts: TurnFacts | None
    now: datetime


_turn: ContextVar[Turn | None] = ContextVar("bot_turn", default=None)


@contextmanager
def engine_turn(turn: Turn) -> Iterator[None]:
    """Set by the engine around the actions it runs."""
    token = _turn.set(turn)
    try:
        yield
    finally:
        _turn.reset(token)


@contextmanager
def turn_for(tracker: Tracker) -> Iterator[Turn]:
    """The engine's turn, or a new transaction for a call from the action server."""
    turn = _turn.get()
    if turn is not None:
        yield turn
        return
    runtime = current()
    with runtime.db.session() as session:
        now = runtime.clock.now()
        customer, conversation = open_conversation(
            session, ACTION_SERVER_CHANNEL, str(tracker.sender_id), now)
        yield Turn(runtime, session, customer, conversation, None, None, now)


class TurnAction(Action, ABC):
    """A rasa-sdk action that works inside a turn (see `turn_for`).

    ``run`` is the rasa-sdk entry point, the same in-process and under the action server;
    subclasses implement ``execute``. Abstract, so rasa-sdk's executor does not register it.
    """

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        # Synchronous store access: in-process the engine already runs in a worker thread.
        with turn_for(tracker) as turn:
            return self.execute(dispatcher, tracker, turn)

    @abstractmethod
    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        """The action's work, given the turn's session, conversation and runtime."""
