"""Which writes change what, and how the word gets out.

A flush or an ORM bulk statement that writes a watched table marks the session with the topic.
At the commit of the outermost transaction, on PostgreSQL, one ``pg_notify`` per marked topic is
queued inside that same transaction: PostgreSQL delivers a notification only if its transaction
commits, and only after the rows are visible, so a listener never re-reads too early and never
hears of a write that was rolled back (a NOTIFY sent after the commit, on another connection,
could be lost in a crash between the two or overtake the commit). After the commit this
process's feed publishes the topics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from handoff.store.changes.feed import ChangeFeed, Topic

CHANNEL = "aftersales_changes"
# The tables whose writes the topics stand for (the live pages' fingerprint reads the first three).
TOPICS = {"cases": Topic.FLOOR, "case_events": Topic.FLOOR, "messages": Topic.FLOOR,
          "model_deployments": Topic.MODEL}
_MARKS = "aftersales_changes"  # the session.info key
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


@dataclass(frozen=True, eq=False)
class _Marks:
    transaction: SessionTransaction | None  # the outermost transaction the topics belong to
    topics: set[Topic] = field(default_factory=set)


def watch(factory: sessionmaker[Session], feed: ChangeFeed, *, notify: bool) -> None:
    """Mark the sessions of ``factory`` that write watched tables; publish on commit to
    ``feed`` and, when ``notify`` (PostgreSQL), to the other processes."""
    watcher = _Watcher(feed, notify)
    event.listen(factory, "before_flush", watcher.flushing)
    event.listen(factory, "do_orm_execute", watcher.executing)
    event.listen(factory, "before_commit", watcher.committing)
    event.listen(factory, "after_commit", watcher.committed)
    event.listen(factory, "after_transaction_end", watcher.ended)


def _topic_of(instance: object) -> Topic | None:
    table = getattr(type(instance), "__tablename__", None)
    return TOPICS.get(table) if isinstance(table, str) else None


class _Watcher:
    """The session events; holds the feed, never the Database (no reference cycle through the
    session factory: see `Database`)."""

    def __init__(self, feed: ChangeFeed, notify: bool) -> None:
        self._feed, self._notify = feed, notify

    def flushing(self, session: Session, _context: object, _instances: object) -> None:
        written = chain(session.new, session.dirty, session.deleted)
        _mark(session, {topic for obj in written if (topic := _topic_of(obj)) is not None})

    def executing(self, state: ORMExecuteState) -> None:
        # Bulk ORM statements (a guarded claim, linking a transcript) bypass the flush.
        if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper:
            topic = TOPICS.get(state.bind_mapper.local_table.name)  # type: ignore[attr-defined]
            if topic is not None:
                _mark(state.session, {topic})

    def committing(self, session: Session) -> None:
        if not self._notify or session.in_nested_transaction():
            return  # a savepoint's release: the outermost commit notifies
        session.flush()  # before_commit runs before the commit's own flush: mark its writes
        marks = _current(session)
        for topic in sorted(marks.topics if marks else ()):
            session.connection().execute(_NOTIFY, {"channel": CHANNEL,
                                                   "payload": f"{topic} {self._feed.origin}"})

    def committed(self, session: Session) -> None:
        if session.in_nested_transaction():
            return
        marks: _Marks | None = session.info.pop(_MARKS, None)
        if marks is not None and marks.topics:
            self._feed.publish(marks.topics)

    def ended(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # a rollback's marks must not outlive it
            session.info.pop(_MARKS, None)


def _mark(session: Session, topics: set[Topic]) -> None:
    if not topics:
        return
    if session.get_transaction() is None:
        session.begin()  # what the statement is about to do anyway: the marks need its identity
    marks = _current(session)
    if marks is None:
        marks = session.info[_MARKS] = _Marks(session.get_transaction())
    marks.topics.update(topics)


def _current(session: Session) -> _Marks | None:
    """The marks of the session's outermost transaction (never those of an earlier one)."""
    marks: Any = session.info.get(_MARKS)
    if isinstance(marks, _Marks) and marks.transaction is session.get_transaction():
        return marks
    return None
