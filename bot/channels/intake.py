"""What every channel adapter shares: the engine's entry point and the store-down signal.

A channel turns a platform update into an `InboundMessage` and gives it to `ChannelIntake`,
which runs the (synchronous) dialogue engine off the event loop. The engine stores the message
and writes its replies to the outbox itself; the outbox worker wakes when that transaction
commits, so the adapter has nothing more to do. The composition root builds one intake over the
one engine and hands it to every channel (the web chat included).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError

from bot.messages import InboundMessage, OutboundMessage
from handoff.store.text import storable

Handle = Callable[[InboundMessage], list[OutboundMessage]]
"""The engine's transport-free turn: store the message, decide, queue the replies."""
T = TypeVar("T")


class StoreUnavailable(Exception):
    """The database did not answer. The platform must redeliver later (webhook: 503)."""


def is_store_outage(exc: BaseException) -> bool:
    """Connection-level database failures (as opposed to bugs or constraint violations)."""
    return isinstance(exc, OperationalError | InterfaceError)


class ChannelIntake:
    """Hands inbound messages to the engine, off the event loop."""

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    async def accept(self, message: InboundMessage) -> list[OutboundMessage]:
        """Run one turn; a database outage surfaces as `StoreUnavailable`."""
        return await self.run(lambda handle: handle(message))

    async def run(self, work: Callable[[Handle], T]) -> T:
        """``work(handle)`` off the event loop: a channel that reads the store around the turn
        (the web chat checks the token before, reads the reply ids after) does it in the same
        thread hop as the turn; each hop is a wait for a pool thread and the GIL."""
        try:
            return await asyncio.to_thread(work, self._storable_turn)
        except Exception as exc:
            if is_store_outage(exc):
                raise StoreUnavailable(str(exc)) from exc
            raise

    def _storable_turn(self, message: InboundMessage) -> list[OutboundMessage]:
        return self._handle(storable_message(message))

_NAME_COLUMN = 128  # Customer.display_name is VARCHAR(128); PostgreSQL refuses longer values


def storable_message(message: InboundMessage) -> InboundMessage:
    """The platform's text as every engine stores it (NUL removed, lone surrogates replaced:
    see `handoff.store.text`), so a turn never fails, or differs, on one engine only."""
    payload = None if message.payload is None else storable(message.payload)
    name = storable(message.display_name)[:_NAME_COLUMN]
    return replace(message, external_id=storable(message.external_id),
                   text=storable(message.text), display_name=name, payload=payload)
