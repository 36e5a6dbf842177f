"""The one engine and session factory.

SQLite is the embedded default: WAL journal (readers never block the writer), a busy timeout
(writers queue instead of failing), foreign keys on, and ``BEGIN IMMEDIATE`` so a transaction takes
the write lock up front; with SQLite's default deferred BEGIN, two transactions that both read and
then write deadlock, and one fails with "database is locked" regardless of the timeout.
PostgreSQL is the scale path through the same ``DATABASE_URL``.

On SQLite the one process is the only writer, so its writers also queue on a lock in Python:
SQLite's own busy handler waits by sleeping (up to 100 ms a try), so under contention a turn would
sleep long after the lock came free; a Python lock wakes the next writer at once, and an urgent
writer (the outbox's lease of a reply someone waits for) goes before the queued turns. Sessions that
only read (`Database.read_session`) BEGIN deferred and take neither lock: in WAL mode a reader
never waits for the writer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from handoff.store.changes import ChangeFeed, watch


class Database:
    """Owns the engine and hands out sessions (``with db.session() as s: ...``)."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 15_000, echo: bool = False) -> None:
        self.url = url
        self.engine = _make_engine(url, busy_timeout_ms=busy_timeout_ms, echo=echo)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._commit_hooks: list[Callable[[Session], None]] = []
        # The listener holds the hook list, not the Database: a reference cycle through the
        # session factory would leave engines to the garbage collector, which closes pooled
        # connections out of order (psycopg warns "deleted while still open").
        event.listen(self._factory, "after_commit", _CommitHooks(self._commit_hooks))
        self._flush_hooks: list[Callable[[Session], None]] = []
        event.listen(self._factory, "before_flush", _FlushHooks(self._flush_hooks))
        self._writers = _WriterQueue() if self.dialect == "sqlite" else None
        # Writes to the floor (and model deployments) mark their transaction: its commit wakes
        # this process's live pages and, on PostgreSQL, the other workers' (handoff.store.changes).
        self.changes = ChangeFeed(shared=self.dialect == "postgresql")
        watch(self._factory, self.changes, notify=self.changes.shared)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, urgent: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        ``urgent``: a short transaction someone is waiting on (the outbox's lease of a reply an
        agent just sent); on SQLite it goes before the customer turns queued for the writer."""
        queue = self._writers.turn(urgent) if self._writers else nullcontext()
        with queue, self._factory() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session that only reads (a poll, a page): on SQLite it neither queues behind the
        writer nor blocks it. Writing in it is a bug: it is refused at flush."""
        with self._factory(execution_options={READ_ONLY: True}) as session, session.begin():
            session.info[READ_ONLY] = True
            yield session

    def new_session(self) -> Session:
        """A bare session, for callers that manage transactions themselves."""
        return self._factory()

    def add_commit_hook(self, hook: Callable[[Session], None]) -> None:
        """Call ``hook(session)`` after every commit of a session of this database (from the
        committing thread): how the outbox worker learns at once that a reply was queued."""
        self._commit_hooks.append(hook)

    def remove_commit_hook(self, hook: Callable[[Session], None]) -> None:
        if hook in self._commit_hooks:
            self._commit_hooks.remove(hook)

    def add_flush_hook(self, hook: Callable[[Session], None]) -> None:
        """Call ``hook(session)`` before every flush, where it may add rows to the same
        transaction (how case events become webhook deliveries atomically)."""
        self._flush_hooks.append(hook)

    def dispose(self) -> None:
        self.engine.dispose()


session_scope = Database.session
READ_ONLY = "aftersales_read_only"  # a read session's execution option and session.info key


class _WriterQueue:
    """SQLite's writers in this process, one at a time, urgent ones first. Re-entrant: a thread
    that writes may open another session inside its transaction (a read, a nested helper)."""

    def __init__(self) -> None:
        self._free = threading.Condition()
        self._owner: int | None = None
        self._depth = 0
        self._urgent_waiting = 0

    @contextmanager
    def turn(self, urgent: bool) -> Iterator[None]:
        self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, urgent: bool) -> None:
        me = threading.get_ident()
        with self._free:
            if self._owner == me:
                self._depth += 1
                return
            self._urgent_waiting += urgent
            try:
                while self._owner is not None or (not urgent and self._urgent_waiting):
                    self._free.wait()
            finally:
                self._urgent_waiting -= urgent
            self._owner, self._depth = me, 1

    def _release(self) -> None:
        with self._free:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._free.notify_all()


class _CommitHooks:
    def __init__(self, hooks: list[Callable[[Session], None]]) -> None:
        self._hooks = hooks

    def __call__(self, session: Session) -> None:
        for hook in tuple(self._hooks):
            hook(session)


class _FlushHooks:
    def __init__(self, hooks: list[Callable[[Session], None]]) -> None:
        self._hooks = hooks

    def __call__(self, session: Session, _context: object, _instances: object) -> None:
        if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
            raise RuntimeError("a read session tried to write; use Database.session()")
        for hook in tuple(self._hooks):
            hook(session)


def _make_engine(url: str, *, busy_timeout_ms: int, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    )
    _install_sqlite_hooks(engine, busy_timeout_ms)
    return engine


def _install_sqlite_hooks(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so the "begin" hook below decides how to BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reads = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")
